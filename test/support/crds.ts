// Installs the generated CRDs (crds/*.yaml) and waits until the API server
// reports them Established.
import { join } from 'node:path';
import { ApiextensionsV1Api } from '@kubernetes/client-node';
import { crdFiles } from '../../operator/src/crds/index.ts';
import { repoRoot } from '../cluster/tools.ts';
import { kubectl, type TestCluster } from './cluster.ts';
import { waitUntil } from './wait.ts';

export async function installCrds(cluster: TestCluster): Promise<void> {
  const result = await kubectl(cluster, [
    'apply',
    '--server-side',
    '--force-conflicts',
    '-f',
    join(repoRoot, 'crds'),
  ]);
  if (result.code !== 0) throw new Error(`installing CRDs failed: ${result.stderr}`);
  const api = cluster.kc.makeApiClient(ApiextensionsV1Api);
  for (const { crd } of crdFiles) {
    await waitUntil(`${crd.metadata.name} Established`, async () => {
      const live = await api.readCustomResourceDefinition({ name: crd.metadata.name });
      return (
        live.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ??
        false
      );
    });
  }
}
