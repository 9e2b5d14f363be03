// `make run`: the embedded default. Starts a real control plane on loopback,
// installs the CRDs, applies the sample call center (namespace
// "support-center": a WebRTCConfig and three SipAgents), runs the operator
// against it, prints where everything is, and keeps running until Ctrl-C
// (or stops once the samples are reconciled, with --once, as the tests do).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { startControlPlane } from '../test/cluster/control-plane.ts';
import { freePort } from '../test/cluster/ports.ts';
import { repoRoot } from '../test/cluster/tools.ts';
import { startProjector } from './lib/projector.ts';

const { values } = parseArgs({
  options: {
    once: { type: 'boolean', default: false },
    dir: { type: 'string', default: join(repoRoot, '.run', 'cluster') },
    namespace: { type: 'string', default: 'support-center' },
  },
});
const dir = values.dir;
const namespace = values.namespace;
// A real Asterisk to drive (README "Driving a real Asterisk"): its AMI address
// and user, and the directory its /etc/asterisk/switchboard is projected into.
const asteriskAmi = process.env.ASTERISK_AMI; // host:port
const asteriskConfigDir = process.env.ASTERISK_CONFIG_DIR;
if (asteriskAmi && !/^[^:\s]+:\d+$/.test(asteriskAmi))
  throw new Error(`ASTERISK_AMI must be host:port, got "${asteriskAmi}"`);
if (asteriskAmi && (!asteriskConfigDir || !process.env.ASTERISK_AMI_SECRET))
  throw new Error(
    'ASTERISK_AMI needs ASTERISK_CONFIG_DIR and ASTERISK_AMI_SECRET (and ASTERISK_AMI_USERNAME, default "switchboard")',
  );

rmSync(dir, { recursive: true, force: true }); // a fresh cluster every run: no stale state
mkdirSync(dir, { recursive: true });
console.log('starting etcd, kube-apiserver and kube-controller-manager ...');
const cp = await startControlPlane({ dir });
const kubectl = (...args: string[]) =>
  execFileSync(cp.tools.kubectl, ['--kubeconfig', cp.kubeconfig, ...args], { encoding: 'utf8' });

let operator: ChildProcess | undefined;
let projector: Awaited<ReturnType<typeof startProjector>> | undefined;
const stopAll = async () => {
  await projector?.stop();
  if (operator && operator.exitCode === null) {
    const exited = new Promise((resolve) => operator?.once('exit', resolve));
    operator.kill('SIGTERM');
    await exited;
  }
  await cp.stop();
};

try {
  kubectl('apply', '--server-side', '-f', join(repoRoot, 'crds'));
  kubectl(
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    'crd/sipagents.switchboard.dev',
    'crd/webrtcconfigs.switchboard.dev',
  );
  kubectl('create', 'namespace', 'switchboard-system');
  kubectl('create', 'namespace', namespace);
  kubectl('apply', '-n', namespace, '-f', join(repoRoot, 'crds', 'examples'));
  if (asteriskAmi && asteriskConfigDir) {
    const [host, amiPort] = asteriskAmi.split(':');
    execFileSync(
      cp.tools.kubectl,
      ['--kubeconfig', cp.kubeconfig, 'apply', '-n', namespace, '-f', '-'],
      {
        input: JSON.stringify({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'asterisk-ami' },
          stringData: {
            username: process.env.ASTERISK_AMI_USERNAME ?? 'switchboard',
            secret: process.env.ASTERISK_AMI_SECRET,
          },
        }),
      },
    );
    kubectl(
      'patch',
      'webrtcconfig',
      'default',
      '-n',
      namespace,
      '--type=merge',
      '-p',
      JSON.stringify({
        spec: { ami: { host, port: Number(amiPort), secretName: 'asterisk-ami' } },
      }),
    );
    const kc = new KubeConfig();
    kc.loadFromFile(cp.kubeconfig);
    projector = await startProjector({ kc, namespace, dir: asteriskConfigDir });
    console.log(`projecting the generated configuration into ${asteriskConfigDir}/switchboard`);
  }

  const port = await freePort();
  const log = createWriteStream(join(dir, 'operator.log'));
  operator = spawn(process.execPath, [join(repoRoot, 'operator', 'src', 'main.ts')], {
    env: {
      ...process.env,
      KUBECONFIG: cp.kubeconfig,
      POD_NAMESPACE: 'switchboard-system',
      POD_NAME: 'switchboard-local',
      HTTP_PORT: String(port),
      HTTP_HOST: '127.0.0.1',
      // The web UI and HR API serve the sample call center.
      API_NAMESPACE: namespace,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  operator.stdout?.pipe(log);
  operator.stderr?.pipe(log);
  console.log('operator started; waiting for the sample agents to get credentials ...');
  kubectl(
    'wait',
    '-n',
    namespace,
    '--for=condition=CredentialsReady',
    '--timeout=60s',
    'sipagents',
    '--all',
  );
  kubectl(
    'wait',
    '-n',
    namespace,
    '--for=condition=ConfigGenerated',
    '--timeout=60s',
    'webrtcconfig/default',
  );
  console.log(kubectl('get', 'webrtcconfigs,sipagents', '-n', namespace));
  console.log(`Switchboard runs on a local control plane.

  API server   ${cp.server}
  kubeconfig   ${cp.kubeconfig}
  operator     http://127.0.0.1:${port}/metrics  (/healthz, /readyz)
  web UI       http://localhost:${port}/  (user "admin"; "localhost" because its cookies are Secure)
  logs         ${dir}/*.log

  export KUBECONFIG=${cp.kubeconfig}
  ${cp.tools.kubectl} get sipagents -n ${namespace}
  ${cp.tools.kubectl} get configmaps,secrets -n ${namespace} -l app.kubernetes.io/managed-by=switchboard-operator
  # the generated admin password for the web UI:
  ${cp.tools.kubectl} get secret switchboard-initial-admin -n switchboard-system -o jsonpath='{.data.password}' | base64 -d; echo
  ${cp.tools.kubectl} annotate sipagent john-doe -n ${namespace} switchboard.dev/regenerate-credentials=$(date +%s) --overwrite

Asterisk itself is not part of this local run: the generated configuration is
written, and agents stay Provisioned=False (reason AsteriskNotConfigured) until
an Asterisk is connected (see README: "Driving a real Asterisk").
`);
} catch (err) {
  await stopAll();
  throw err;
}

const stop = async () => {
  console.log('stopping the operator and the control plane ...');
  await stopAll();
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
