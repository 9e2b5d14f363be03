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
import type { SipAgent, WebRTCConfig } from './crds/types.ts';
import { MANAGED_SELECTOR } from './labels.ts';
import type { Logger } from './log.ts';
import { createInformer, type Informer } from './runtime/informer.ts';

export interface Caches {
  readonly agents: Informer<SipAgent>;
  readonly configs: Informer<WebRTCConfig>;
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

  return {
    agents: createInformer<SipAgent>(kc, {
      name: 'sipagents',
      path: customPath('sipagents'),
      list: customList<SipAgent>('sipagents'),
      logger,
    }),
    configs: createInformer<WebRTCConfig>(kc, {
      name: 'webrtcconfigs',
      path: customPath('webrtcconfigs'),
      list: customList<WebRTCConfig>('webrtcconfigs'),
      logger,
    }),
    secrets: createInformer<V1Secret>(kc, {
      name: 'secrets',
      path: corePath('secrets'),
      labelSelector: MANAGED_SELECTOR,
      list: () =>
        ns
          ? core.listNamespacedSecret({ namespace: ns, labelSelector: MANAGED_SELECTOR })
          : core.listSecretForAllNamespaces({ labelSelector: MANAGED_SELECTOR }),
      logger,
    }),
    configMaps: createInformer<V1ConfigMap>(kc, {
      name: 'configmaps',
      path: corePath('configmaps'),
      labelSelector: MANAGED_SELECTOR,
      list: () =>
        ns
          ? core.listNamespacedConfigMap({ namespace: ns, labelSelector: MANAGED_SELECTOR })
          : core.listConfigMapForAllNamespaces({ labelSelector: MANAGED_SELECTOR }),
      logger,
    }),
  };
}
