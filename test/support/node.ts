// A real node for the test files that run Pods: added to the run's shared
// control plane (the global setup's) by the test file itself, so only the
// files that need one pay for it. One node runs on a machine at a time.
import { attachControlPlane } from '../cluster/control-plane.ts';
import { type NodeOptions, startNode, type TestNode } from '../cluster/node.ts';

export async function startTestNode(options: NodeOptions = {}): Promise<TestNode> {
  const dir = process.env.SWITCHBOARD_TEST_CLUSTER_DIR;
  if (!dir) {
    throw new Error(
      'no test control plane: run tests through `make test` (node --test --test-global-setup=test/global-setup.ts)',
    );
  }
  return await startNode(await attachControlPlane(dir), options);
}
