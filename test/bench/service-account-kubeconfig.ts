// A kubeconfig that authenticates like the operator's Pod does: a ServiceAccount
// token from the TokenRequest API. The test kubeconfig's client certificate is
// verified on every request (8 % of the API server's CPU in a 1,000-agent
// burst, by profile), a cost a cluster's operator does not cause, since the API
// server caches validated tokens.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { kubectl, type TestCluster } from '../support/cluster.ts';

export async function serviceAccountKubeconfig(
  cluster: TestCluster,
  namespace: string,
  dir: string,
): Promise<string> {
  const run = async (args: string[]) => {
    const res = await kubectl(cluster, args);
    if (res.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${res.stderr}`);
    return res.stdout.trim();
  };
  const sa = 'switchboard-operator';
  await run(['-n', namespace, 'create', 'serviceaccount', sa]);
  // The bench measures speed, not RBAC (the chart's Role is tested in test/helm).
  await run([
    'create',
    'clusterrolebinding',
    `${namespace}-${sa}`,
    '--clusterrole=cluster-admin',
    `--serviceaccount=${namespace}:${sa}`,
  ]);
  const token = await run(['-n', namespace, 'create', 'token', sa, '--duration=3h']);
  const server = cluster.kc.getCurrentCluster();
  if (!server) throw new Error('the test kubeconfig has no current cluster');
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ ...server, name: 'bench' }],
    users: [{ name: sa, token }],
    contexts: [{ name: 'bench', cluster: 'bench', user: sa }],
    currentContext: 'bench',
  });
  const path = join(dir, `${namespace}.kubeconfig`);
  writeFileSync(path, kc.exportConfig(), { mode: 0o600 }); // JSON is YAML
  return path;
}
