// The caches the controllers (and later the HTTP API) read from: the custom
// resources, and only the Secrets/ConfigMaps this operator generates.
import {
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type V1ConfigMap,
  type V1Secret,
} from '@kubernetes/client-node';
import { GROUP, VERSION } from './crds/common.ts';
import type { CallQueue, SipAgent, SipTrunk, WebRTCConfig } from './crds/types.ts';
import { createInformer, type Informer, type ObjectLike } from './kube/informer.ts';
import { MANAGED_SELECTOR } from './labels.ts';
import type { Logger } from './log.ts';

export interface Caches {
  readonly agents: Informer<SipAgent>;
  readonly configs: Informer<WebRTCConfig>;
  readonly queues: Informer<CallQueue>;
  readonly trunks: Informer<SipTrunk>;
  readonly secrets: Informer<V1Secret>;
  readonly configMaps: Informer<V1ConfigMap>;
}

export function createCaches(kc: KubeConfig, watchNamespace: string, logger: Logger): Caches {
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const ns = watchNamespace;
  const customPath = (plural: string) =>
    ns
      ? `/apis/${GROUP}/${VERSION}/namespaces/${ns}/${plural}`
      : `/apis/${GROUP}/${VERSION}/${plural}`;
  const customList =
    <T>(plural: string) =>
    () =>
      (ns
        ? custom.listNamespacedCustomObject({
            group: GROUP,
            version: VERSION,
            namespace: ns,
            plural,
          })
        : custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural })) as Promise<{
        items: T[];
      }>;
  const corePath = (resource: string) =>
    ns ? `/api/v1/namespaces/${ns}/${resource}` : `/api/v1/${resource}`;

  const customInformer = <T extends ObjectLike>(plural: string) =>
    createInformer<T>(kc, {
      name: plural,
      path: customPath(plural),
      list: customList<T>(plural),
      logger,
    });
  /** Only what this operator generates: a label selector keeps every other Secret out of memory. */
  const managedInformer = <T extends ObjectLike>(
    resource: string,
    inNamespace: (args: { namespace: string; labelSelector: string }) => Promise<{ items: T[] }>,
    everywhere: (args: { labelSelector: string }) => Promise<{ items: T[] }>,
  ) =>
    createInformer<T>(kc, {
      name: resource,
      path: corePath(resource),
      labelSelector: MANAGED_SELECTOR,
      list: () =>
        ns
          ? inNamespace({ namespace: ns, labelSelector: MANAGED_SELECTOR })
          : everywhere({ labelSelector: MANAGED_SELECTOR }),
      logger,
    });

  return {
    agents: customInformer<SipAgent>('sipagents'),
    configs: customInformer<WebRTCConfig>('webrtcconfigs'),
    queues: customInformer<CallQueue>('callqueues'),
    trunks: customInformer<SipTrunk>('siptrunks'),
    secrets: managedInformer<V1Secret>(
      'secrets',
      (a) => core.listNamespacedSecret(a),
      (a) => core.listSecretForAllNamespaces(a),
    ),
    configMaps: managedInformer<V1ConfigMap>(
      'configmaps',
      (a) => core.listNamespacedConfigMap(a),
      (a) => core.listConfigMapForAllNamespaces(a),
    ),
  };
}
