// Writes the rendered Asterisk configuration as ConfigMaps and Secrets owned
// by the WebRTCConfig. An object is written only when its content hash
// differs from the cached one: nothing is rewritten when nothing changed.
import type { CoreV1Api, V1ConfigMap, V1ObjectMeta, V1Secret } from '@kubernetes/client-node';
import { isAlreadyExists, isNotFound } from '../clients/errors.ts';
import { API_VERSION } from '../crds/common.ts';
import type { WebRTCConfig } from '../crds/types.ts';
import { CONTENT_HASH_ANNOTATION, commonLabels } from '../labels.ts';
import type { GeneratedObject } from './render/index.ts';

export interface CachedObjects {
  readonly configMap: (name: string) => V1ConfigMap | undefined;
  readonly secret: (name: string) => V1Secret | undefined;
}

export interface ApplyResult {
  readonly written: string[];
  readonly unchanged: number;
}

function metadata(config: WebRTCConfig, object: GeneratedObject): V1ObjectMeta {
  return {
    name: object.name,
    namespace: config.metadata.namespace,
    labels: commonLabels('asterisk-config'),
    annotations: { [CONTENT_HASH_ANNOTATION]: object.hash },
    ownerReferences: [
      {
        apiVersion: API_VERSION,
        kind: 'WebRTCConfig',
        name: config.metadata.name,
        uid: config.metadata.uid ?? '',
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
  };
}

export async function applyGeneratedObjects(
  core: CoreV1Api,
  config: WebRTCConfig,
  objects: readonly GeneratedObject[],
  cached: CachedObjects,
): Promise<ApplyResult> {
  const namespace = config.metadata.namespace ?? '';
  const written: string[] = [];
  let unchanged = 0;
  for (const object of objects) {
    const existing =
      object.kind === 'ConfigMap' ? cached.configMap(object.name) : cached.secret(object.name);
    if (existing?.metadata?.annotations?.[CONTENT_HASH_ANNOTATION] === object.hash) {
      unchanged++;
      continue;
    }
    const meta = metadata(config, object);
    if (object.kind === 'ConfigMap') {
      const body: V1ConfigMap = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: meta,
        data: object.files,
      };
      await upsert(
        existing !== undefined,
        () => core.createNamespacedConfigMap({ namespace, body }),
        () => core.replaceNamespacedConfigMap({ name: object.name, namespace, body }),
      );
    } else {
      const body: V1Secret = {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'Opaque',
        metadata: meta,
        stringData: object.files,
      };
      await upsert(
        existing !== undefined,
        () => core.createNamespacedSecret({ namespace, body }),
        () => core.replaceNamespacedSecret({ name: object.name, namespace, body }),
      );
    }
    written.push(`${object.kind}/${object.name}`);
  }
  return { written, unchanged };
}

/** Replace what the cache has, create what it lacks; either may be stale, so fall back to the other. */
async function upsert(
  cached: boolean,
  create: () => Promise<unknown>,
  replace: () => Promise<unknown>,
): Promise<void> {
  try {
    await (cached ? replace() : create());
  } catch (err) {
    if (cached ? isNotFound(err) : isAlreadyExists(err)) await (cached ? create() : replace());
    else throw err;
  }
}
