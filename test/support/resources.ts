// Typed helpers to create and read Switchboard resources in tests.
import {
  CoreV1Api,
  CustomObjectsApi,
  EventsV1Api,
  PatchStrategy,
  setHeaderOptions,
  type V1Secret,
} from '@kubernetes/client-node';
import type { CallQueue, SipAgent, SipTrunk, WebRTCConfig } from '../../operator/src/crds/types.ts';
import type { TestCluster } from './cluster.ts';

const group = 'switchboard.dev';
const version = 'v1alpha1';

export class Resources {
  readonly custom: CustomObjectsApi;
  readonly core: CoreV1Api;
  readonly events1: EventsV1Api;
  readonly namespace: string;

  constructor(cluster: TestCluster, namespace: string) {
    this.events1 = cluster.kc.makeApiClient(EventsV1Api);
    this.custom = cluster.kc.makeApiClient(CustomObjectsApi);
    this.core = cluster.kc.makeApiClient(CoreV1Api);
    this.namespace = namespace;
  }

  async createAgent(
    name: string,
    spec: Partial<SipAgent['spec']> & { displayName: string },
    annotations?: Record<string, string>,
  ): Promise<SipAgent> {
    const body = {
      apiVersion: `${group}/${version}`,
      kind: 'SipAgent',
      metadata: { name, annotations },
      spec,
    };
    return (await this.custom.createNamespacedCustomObject({
      group,
      version,
      namespace: this.namespace,
      plural: 'sipagents',
      body,
    })) as SipAgent;
  }

  async createQueue(name: string, spec: Partial<CallQueue['spec']>): Promise<CallQueue> {
    const body = { apiVersion: `${group}/${version}`, kind: 'CallQueue', metadata: { name }, spec };
    return (await this.custom.createNamespacedCustomObject({
      group,
      version,
      namespace: this.namespace,
      plural: 'callqueues',
      body,
    })) as CallQueue;
  }

  async createTrunk(
    name: string,
    spec: Partial<SipTrunk['spec']> & { host: string },
  ): Promise<SipTrunk> {
    const body = { apiVersion: `${group}/${version}`, kind: 'SipTrunk', metadata: { name }, spec };
    return (await this.custom.createNamespacedCustomObject({
      group,
      version,
      namespace: this.namespace,
      plural: 'siptrunks',
      body,
    })) as SipTrunk;
  }

  async trunk(name: string): Promise<SipTrunk> {
    return (await this.custom.getNamespacedCustomObject({
      group,
      version,
      namespace: this.namespace,
      plural: 'siptrunks',
      name,
    })) as SipTrunk;
  }

  async patchTrunk(name: string, patch: Record<string, unknown>): Promise<void> {
    await this.custom.patchNamespacedCustomObject(
      { group, version, namespace: this.namespace, plural: 'siptrunks', name, body: patch },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }

  async queue(name: string): Promise<CallQueue> {
    return (await this.custom.getNamespacedCustomObject({
      group,
      version,
      namespace: this.namespace,
      plural: 'callqueues',
      name,
    })) as CallQueue;
  }

  async agent(name: string): Promise<SipAgent> {
    return (await this.custom.getNamespacedCustomObject({
      group,
      version,
      namespace: this.namespace,
      plural: 'sipagents',
      name,
    })) as SipAgent;
  }

  async agents(): Promise<SipAgent[]> {
    const list = (await this.custom.listNamespacedCustomObject({
      group,
      version,
      namespace: this.namespace,
      plural: 'sipagents',
    })) as { items: SipAgent[] };
    return list.items;
  }

  async patchAgent(name: string, patch: Record<string, unknown>): Promise<void> {
    await this.custom.patchNamespacedCustomObject(
      { group, version, namespace: this.namespace, plural: 'sipagents', name, body: patch },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }

  async deleteAgent(name: string): Promise<void> {
    await this.custom.deleteNamespacedCustomObject({
      group,
      version,
      namespace: this.namespace,
      plural: 'sipagents',
      name,
    });
  }

  async createConfig(spec: Partial<WebRTCConfig['spec']> = {}): Promise<WebRTCConfig> {
    const body = {
      apiVersion: `${group}/${version}`,
      kind: 'WebRTCConfig',
      metadata: { name: 'default' },
      spec: { asteriskWsUrl: 'ws://127.0.0.1:8088/ws', ...spec },
    };
    return (await this.custom.createNamespacedCustomObject({
      group,
      version,
      namespace: this.namespace,
      plural: 'webrtcconfigs',
      body,
    })) as WebRTCConfig;
  }

  async patchConfig(patch: Record<string, unknown>): Promise<void> {
    await this.custom.patchNamespacedCustomObject(
      {
        group,
        version,
        namespace: this.namespace,
        plural: 'webrtcconfigs',
        name: 'default',
        body: patch,
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }

  async config(): Promise<WebRTCConfig> {
    return (await this.custom.getNamespacedCustomObject({
      group,
      version,
      namespace: this.namespace,
      plural: 'webrtcconfigs',
      name: 'default',
    })) as WebRTCConfig;
  }

  async secret(name: string): Promise<V1Secret | undefined> {
    try {
      return await this.core.readNamespacedSecret({ name, namespace: this.namespace });
    } catch {
      return undefined;
    }
  }

  async secrets(labelSelector?: string): Promise<V1Secret[]> {
    return (await this.core.listNamespacedSecret({ namespace: this.namespace, labelSelector }))
      .items;
  }

  async configMaps(labelSelector?: string) {
    return (await this.core.listNamespacedConfigMap({ namespace: this.namespace, labelSelector }))
      .items;
  }

  async events(): Promise<
    { reason?: string; note?: string; type?: string; regarding?: { name?: string } }[]
  > {
    return (await this.events1.listNamespacedEvent({ namespace: this.namespace })).items;
  }
}

export function decode(secret: V1Secret | undefined, key: string): string | undefined {
  const v = secret?.data?.[key];
  return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
}

export function condition(
  agent: {
    status?: { conditions?: { type: string; status: string; reason: string; message: string }[] };
  },
  type: string,
) {
  return agent.status?.conditions?.find((c) => c.type === type);
}
