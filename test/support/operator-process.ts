// Runs the real operator (operator/src/main.ts, or the bundle the image ships,
// dist/operator/main.mjs) as a child process against the test control plane,
// watching one namespace, so tests can restart it, kill it, or run two replicas.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../cluster/ports.ts';
import { ProcessGroup } from '../cluster/processes.ts';
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

// Operators run in their own process groups under a reaper: a test process
// that dies (even by SIGKILL) takes its operators with it.
let group: ProcessGroup | undefined;
const processGroup = () => {
  group ??= new ProcessGroup(mkdtempSync(join(tmpdir(), 'switchboard-operators-')));
  return group;
};

export async function startOperator(
  cluster: TestCluster,
  namespace: string,
  identity: string,
  env: Record<string, string> = {},
  options: { bundle?: boolean } = {},
): Promise<OperatorProcess> {
  const port = await freePort();
  const entry = options.bundle
    ? join(repoRoot, 'dist', 'operator', 'main.mjs') // built by `make build`
    : join(repoRoot, 'operator', 'src', 'main.ts');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run make build`);
  const managed = processGroup().start(
    `operator-${namespace}-${identity}`,
    process.execPath,
    [entry],
    {
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
  );
  const { child, logPath } = managed;
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
