// Runs the real operator (operator/src/main.ts) as a child process against
// the test control plane, watching one namespace, so tests can restart it,
// kill it, or run two replicas.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../cluster/ports.ts';
import { repoRoot } from '../cluster/tools.ts';
import type { TestCluster } from './cluster.ts';
import { waitUntil } from './wait.ts';

export interface OperatorProcess {
  readonly identity: string;
  readonly port: number;
  readonly child: ChildProcess;
  readonly logPath: string;
  /** SIGTERM and wait for exit (the Lease is released). */
  stop(): Promise<void>;
  /** SIGKILL: dies without releasing anything. */
  kill(): Promise<void>;
  metrics(): Promise<string>;
}

export async function startOperator(
  cluster: TestCluster,
  namespace: string,
  identity: string,
  env: Record<string, string> = {},
): Promise<OperatorProcess> {
  const port = await freePort();
  const logPath = join(tmpdir(), `switchboard-operator-${namespace}-${identity}-${Date.now()}.log`);
  const log = createWriteStream(logPath);
  const child = spawn(process.execPath, [join(repoRoot, 'operator', 'src', 'main.ts')], {
    env: {
      ...process.env,
      KUBECONFIG: cluster.kubeconfig,
      WATCH_NAMESPACE: namespace,
      POD_NAMESPACE: namespace,
      POD_NAME: identity,
      HTTP_PORT: String(port),
      HTTP_HOST: '127.0.0.1',
      LOG_LEVEL: 'debug',
      COALESCE_MS: '100',
      REFERENCE_RECHECK_MS: '500',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  await waitUntil(`operator ${identity} ready`, async () => {
    if (!alive()) throw new Error(`operator exited early, see ${logPath}`);
    const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
    return res?.status === 200;
  });
  return {
    identity,
    port,
    child,
    logPath,
    async stop() {
      if (alive()) child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
    async metrics() {
      return await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    },
  };
}
