// Locates the control-plane binaries, building them first when the cache for
// the pinned versions is empty (tools/build.sh is a no-op once they exist).
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ClusterTools {
  readonly binDir: string;
  readonly etcd: string;
  readonly kubeApiserver: string;
  readonly kubeControllerManager: string;
  readonly kubectl: string;
  readonly helm: string;
  readonly kubelet: string;
  readonly kubeScheduler: string;
  readonly kubeProxy: string;
  readonly coredns: string;
}

let cached: Promise<ClusterTools> | undefined;

export function clusterTools(): Promise<ClusterTools> {
  cached ??= (async () => {
    const fromEnv = process.env.SWITCHBOARD_BIN;
    const binDir = fromEnv
      ? fromEnv
      : (await run(join(repoRoot, 'tools', 'build.sh'), { maxBuffer: 16 << 20 })).stdout
          .trim()
          .split('\n')
          .at(-1);
    if (!binDir) throw new Error('tools/build.sh printed no bin directory');
    return {
      binDir,
      etcd: join(binDir, 'etcd'),
      kubeApiserver: join(binDir, 'kube-apiserver'),
      kubeControllerManager: join(binDir, 'kube-controller-manager'),
      kubectl: join(binDir, 'kubectl'),
      helm: join(binDir, 'helm'),
      kubelet: join(binDir, 'kubelet'),
      kubeScheduler: join(binDir, 'kube-scheduler'),
      kubeProxy: join(binDir, 'kube-proxy'),
      coredns: join(binDir, 'coredns'),
    };
  })();
  return cached;
}
