// `make run`: the embedded default. Starts a real control plane on loopback,
// installs the CRDs, applies the sample WebRTCConfig and SipAgents into the
// namespace "support-center", prints where everything is, and keeps running
// until Ctrl-C (or exits at once with --once, used by the tests).
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startControlPlane } from '../test/cluster/control-plane.ts';
import { repoRoot } from '../test/cluster/tools.ts';

const { values } = parseArgs({
  options: {
    once: { type: 'boolean', default: false },
    dir: { type: 'string', default: join(repoRoot, '.run', 'cluster') },
    namespace: { type: 'string', default: 'support-center' },
  },
});
const dir = values.dir;
const namespace = values.namespace;

rmSync(dir, { recursive: true, force: true }); // a fresh cluster every run: no stale state
mkdirSync(dir, { recursive: true });
console.log('starting etcd, kube-apiserver and kube-controller-manager ...');
const cp = await startControlPlane({ dir });
const kubectl = (...args: string[]) =>
  execFileSync(cp.tools.kubectl, ['--kubeconfig', cp.kubeconfig, ...args], { encoding: 'utf8' });

try {
  kubectl('apply', '--server-side', '-f', join(repoRoot, 'crds'));
  kubectl(
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    'crd/sipagents.switchboard.dev',
    'crd/webrtcconfigs.switchboard.dev',
  );
  kubectl('create', 'namespace', namespace);
  kubectl('apply', '-n', namespace, '-f', join(repoRoot, 'crds', 'examples'));
  console.log(kubectl('get', 'webrtcconfigs,sipagents', '-n', namespace));
} catch (err) {
  await cp.stop();
  throw err;
}

console.log(`Switchboard's local control plane is up.

  API server   ${cp.server}
  kubeconfig   ${cp.kubeconfig}
  logs         ${dir}/*.log

  export KUBECONFIG=${cp.kubeconfig}
  ${cp.tools.kubectl} get sipagents -n ${namespace}
  ${cp.tools.kubectl} explain sipagent.spec

The operator does not exist yet: the SipAgents are stored and validated, but
nothing reconciles them (no credentials, no Asterisk configuration).
`);

const stop = async () => {
  console.log('stopping the control plane ...');
  await cp.stop();
  process.exit(0);
};
if (values.once) {
  await stop();
} else {
  console.log('Press Ctrl-C to stop.');
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  setInterval(() => {}, 1 << 30); // keep the event loop alive until a signal
}
