// The HR API's writes to Kubernetes: SipAgents (create, merge-patch,
// annotate, delete) and one key of a credentials Secret. Kubernetes errors
// become HttpErrors that name the field, without echoing request bodies.
import {
  type CoreV1Api,
  type CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { isNotFound, statusCode } from '../../clients/errors.ts';
import { upsertSecretData } from '../../clients/secrets.ts';
import { API_VERSION, GROUP, VERSION } from '../../crds/common.ts';
import type { SipAgent, SipAgentSpec, WebRTCConfig, WebRTCConfigSpec } from '../../crds/types.ts';
import { slugify } from '../../sipagent/credentials.ts';
import { HttpError } from '../errors.ts';
import { toUserField } from './schemas.ts';

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** "John Doe" → "john-doe-" (the API server appends five random characters). */
export function agentNamePrefix(displayName: string): string {
  return `${slugify(displayName).replaceAll('_', '-').slice(0, 40).replace(/-+$/, '') || 'agent'}-`;
}

interface StatusCause {
  field?: string;
  message?: string;
}

/** A Kubernetes error as an HttpError: 422 lists its fields (spec.displayName → name). */
export function fromKubeError(err: unknown, what: string): HttpError {
  const code = statusCode(err);
  if (code === 404) return new HttpError(404, `${what} not found`);
  if (code === 409) return new HttpError(409, `${what} was changed or exists already; try again`);
  if (code === 422) {
    let causes: StatusCause[] = [];
    try {
      const body = (err as { body?: unknown }).body;
      const status = typeof body === 'string' ? JSON.parse(body) : body;
      causes = (status as { details?: { causes?: StatusCause[] } }).details?.causes ?? [];
    } catch {
      // not a Status body
    }
    const errors = causes.map((c) =>
      toUserField({ field: c.field ?? '(root)', message: c.message ?? 'is invalid' }),
    );
    return new HttpError(
      400,
      `invalid request: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ') || 'rejected by the Kubernetes API'}`,
      errors,
    );
  }
  if (code === 403)
    return new HttpError(500, `the operator is not allowed to change ${what} (RBAC)`);
  return new HttpError(503, `the Kubernetes API did not answer for ${what}; try again`);
}

export class KubeWrites {
  readonly #core: CoreV1Api;
  readonly #custom: CustomObjectsApi;
  readonly #namespace: string;

  constructor(core: CoreV1Api, custom: CustomObjectsApi, namespace: string) {
    this.#core = core;
    this.#custom = custom;
    this.#namespace = namespace;
  }

  #agentParams(name: string) {
    return {
      group: GROUP,
      version: VERSION,
      namespace: this.#namespace,
      plural: 'sipagents',
      name,
    };
  }

  async createAgent(spec: Partial<SipAgentSpec> & { displayName: string }): Promise<SipAgent> {
    const body = {
      apiVersion: API_VERSION,
      kind: 'SipAgent',
      metadata: { generateName: agentNamePrefix(spec.displayName) },
      spec,
    };
    try {
      return (await this.#custom.createNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: this.#namespace,
        plural: 'sipagents',
        body,
      })) as SipAgent;
    } catch (err) {
      throw fromKubeError(err, 'the agent');
    }
  }

  async patchAgent(name: string, patch: Record<string, unknown>): Promise<SipAgent> {
    try {
      return (await this.#custom.patchNamespacedCustomObject(
        { ...this.#agentParams(name), body: patch },
        mergePatch,
      )) as SipAgent;
    } catch (err) {
      throw fromKubeError(err, `agent ${name}`);
    }
  }

  /** Deletes; true if it was there. */
  async deleteAgent(name: string): Promise<boolean> {
    try {
      await this.#custom.deleteNamespacedCustomObject(this.#agentParams(name));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw fromKubeError(err, `agent ${name}`);
    }
  }

  async setSecretKey(secretName: string, key: string, value: string): Promise<void> {
    try {
      await this.#core.patchNamespacedSecret(
        {
          name: secretName,
          namespace: this.#namespace,
          body: { data: { [key]: Buffer.from(value).toString('base64') } },
        },
        mergePatch,
      );
    } catch (err) {
      throw fromKubeError(err, `Secret ${secretName}`);
    }
  }

  /**
   * Creates the API's own Secret with these keys, or merge-patches them into
   * it (other keys stay). Labelled as the operator's, so its caches see it.
   */
  async upsertSecret(name: string, values: Record<string, string>): Promise<void> {
    const data = Object.fromEntries(
      Object.entries(values).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    );
    try {
      await upsertSecretData(this.#core, this.#namespace, name, data);
    } catch (err) {
      throw fromKubeError(err, `Secret ${name}`);
    }
  }

  async readSecretValues(name: string): Promise<Record<string, string> | undefined> {
    try {
      const s = await this.#core.readNamespacedSecret({ name, namespace: this.#namespace });
      return Object.fromEntries(
        Object.entries(s.data ?? {}).map(([k, v]) => [
          k,
          Buffer.from(v, 'base64').toString('utf8'),
        ]),
      );
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw fromKubeError(err, `Secret ${name}`);
    }
  }

  /** Creates WebRTCConfig "default" or merge-patches its spec. */
  async upsertConfig(
    existing: WebRTCConfig | undefined,
    spec: Partial<WebRTCConfigSpec>,
  ): Promise<WebRTCConfig> {
    const params = {
      group: GROUP,
      version: VERSION,
      namespace: this.#namespace,
      plural: 'webrtcconfigs',
    };
    try {
      if (!existing) {
        return (await this.#custom.createNamespacedCustomObject({
          ...params,
          body: {
            apiVersion: API_VERSION,
            kind: 'WebRTCConfig',
            metadata: { name: 'default' },
            spec,
          },
        })) as WebRTCConfig;
      }
      return (await this.#custom.patchNamespacedCustomObject(
        {
          ...params,
          name: 'default',
          // No resourceVersion precondition: the operator's status writes move it
          // every few seconds, so scripts got 409s for nothing; the patch names
          // every field it sets (lists replaced whole), last writer wins.
          body: { spec },
        },
        mergePatch,
      )) as WebRTCConfig;
    } catch (err) {
      throw fromKubeError(err, 'WebRTCConfig default');
    }
  }
}
