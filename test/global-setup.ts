// Node test runner global setup (--test-global-setup): one real control plane
// per test run; test files find it through SWITCHBOARD_TEST_KUBECONFIG and
// isolate themselves by namespace.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ControlPlane, startControlPlane } from './cluster/control-plane.ts';

let controlPlane: ControlPlane | undefined;
let dir: string | undefined;

export async function globalSetup(): Promise<void> {
  dir = mkdtempSync(join(tmpdir(), 'switchboard-test-'));
  const started = Date.now();
  controlPlane = await startControlPlane({ dir });
  process.env.SWITCHBOARD_TEST_KUBECONFIG = controlPlane.kubeconfig;
  process.env.SWITCHBOARD_BIN = controlPlane.tools.binDir;
  // Test files that run Pods add a node to it (test/support/node.ts).
  process.env.SWITCHBOARD_TEST_CLUSTER_DIR = dir;
  // Installed up front so the garbage collector discovers the kinds early
  // (it rescans every 30 s); test files still call installCrds themselves.
  const { installCrds } = await import('./support/crds.ts');
  const { testCluster } = await import('./support/cluster.ts');
  await installCrds(testCluster());
  console.log(`control plane ready in ${Date.now() - started} ms at ${controlPlane.server}`);
}

export async function globalTeardown(): Promise<void> {
  await controlPlane?.stop();
  if (dir && !process.env.SWITCHBOARD_KEEP_TEST_DIR) rmSync(dir, { recursive: true, force: true });
}
