// Status writes for the custom resources: a JSON merge patch on the status
// subresource, guarded by the resourceVersion the status was computed from,
// so a write based on a stale view fails (409) and is retried instead of
// overwriting someone else's newer status. Returns the resourceVersion after
// the write.
import { type CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { GROUP, VERSION } from '../crds/common.ts';

export type Plural = 'sipagents' | 'webrtcconfigs' | 'callqueues' | 'siptrunks';

export async function patchStatus(
  api: CustomObjectsApi,
  plural: Plural,
  namespace: string,
  name: string,
  resourceVersion: string | undefined,
  status: Record<string, unknown>,
): Promise<string | undefined> {
  const body = { metadata: resourceVersion ? { resourceVersion } : {}, status };
  const updated = (await api.patchNamespacedCustomObjectStatus(
    { group: GROUP, version: VERSION, namespace, plural, name, body },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  )) as { metadata?: { resourceVersion?: string } } | undefined;
  // The object's new resourceVersion: the same as before when the patch changed nothing.
  return updated?.metadata?.resourceVersion;
}
