// What a test file needs of the shared control plane: its kubeconfig, a
// kubectl runner, an API client, and a fresh namespace per test file.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { PooledKubeConfig } from '../../operator/src/kube/pooled-kube-config.ts';

export interface TestCluster {
  readonly kubeconfig: string;
  readonly kubectlPath: string;
  readonly kc: KubeConfig;
}

export function testCluster(): TestCluster {
  const kubeconfig = process.env.SWITCHBOARD_TEST_KUBECONFIG;
  const bin = process.env.SWITCHBOARD_BIN;
  if (!kubeconfig || !bin) {
    throw new Error(
      'no test control plane: run tests through `make test` (node --test --test-global-setup=test/global-setup.ts)',
    );
  }
  // Shares connections like the operator does (a fresh TLS connection per request otherwise).
  const kc = new PooledKubeConfig();
  kc.loadFromFile(kubeconfig);
  return { kubeconfig, kubectlPath: join(bin, 'kubectl'), kc };
}

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function kubectl(
  cluster: TestCluster,
  args: readonly string[],
  stdin?: string,
): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = execFile(
      cluster.kubectlPath,
      ['--kubeconfig', cluster.kubeconfig, ...args],
      { maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (stdin !== undefined) child.stdin?.end(stdin);
  });
}

/** kubectl that must succeed: its stdout, or a failed assertion with kubectl's stderr. */
export async function kubectlOk(
  cluster: TestCluster,
  args: readonly string[],
  stdin?: string,
): Promise<string> {
  const r = await kubectl(cluster, args, stdin);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Creates a namespace with a unique name; deleted (asynchronously) by `cleanup`. */
export async function createNamespace(
  cluster: TestCluster,
  prefix: string,
): Promise<{ name: string; cleanup: () => Promise<void> }> {
  const core = cluster.kc.makeApiClient(CoreV1Api);
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await core.createNamespace({
    body: { metadata: { name, labels: { 'app.kubernetes.io/part-of': 'switchboard-tests' } } },
  });
  return {
    name,
    cleanup: async () => {
      await core.deleteNamespace({ name });
    },
  };
}
