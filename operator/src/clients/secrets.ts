// Create-or-merge for the Secrets the API keeps (API tokens, a TURN password):
// created labelled as the operator's when missing, else the given keys merged
// in (other keys stay). Values are base64 already.
import { type CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { commonLabels } from '../labels.ts';
import { statusCode } from './errors.ts';

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export async function upsertSecretData(
  core: Pick<CoreV1Api, 'createNamespacedSecret' | 'patchNamespacedSecret'>,
  namespace: string,
  name: string,
  data: Record<string, string>,
): Promise<void> {
  try {
    await core.createNamespacedSecret({
      namespace,
      body: {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'Opaque',
        metadata: { name, namespace, labels: commonLabels('web-ui') },
        data,
      },
    });
  } catch (err) {
    if (statusCode(err) !== 409) throw err;
    await core.patchNamespacedSecret({ name, namespace, body: { data } }, mergePatch);
  }
}
