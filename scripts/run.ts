// `make run`: the embedded default. Starts a real control plane on loopback,
// installs the CRDs, applies the sample call center (namespace
// "support-center": a WebRTCConfig and three SipAgents), starts a real
// Asterisk 22 (the cached source build) that the operator drives through AMI,
// prints where everything is and how to make a first call, and keeps running
// until Ctrl-C (or stops once the samples are provisioned, with --once, as the
// tests do). ASTERISK_AMI & co. drive an Asterisk of your own instead.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { startControlPlane } from '../test/cluster/control-plane.ts';
import { freePort } from '../test/cluster/ports.ts';
import { repoRoot } from '../test/cluster/tools.ts';
import { historyEnv, startSpoolShipper, writeHistoryConfig } from './lib/asterisk-history.ts';
import { type AsteriskProcess, createAsterisk } from './lib/asterisk-process.ts';
import {
  type HistoryDatabase,
  operatorHistoryEnv,
  startHistoryDatabase,
} from './lib/history-database.ts';
import { projectionComplete, startProjector } from './lib/projector.ts';

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
// Asynchronous: the projector runs in this process, and a blocking `kubectl
// wait` would stop it from delivering the very files the wait is for.
const kubectl = async (args: string[], input?: string): Promise<string> =>
  await new Promise((resolve, reject) => {
    const child = execFile(
      cp.tools.kubectl,
      ['--kubeconfig', cp.kubeconfig, ...args],
      { encoding: 'utf8', maxBuffer: 64 << 20 },
      (err, stdout, stderr) =>
        err
          ? reject(new Error(`kubectl ${args.join(' ')}: ${stderr || err.message}`))
          : resolve(stdout),
    );
    if (input !== undefined) child.stdin?.end(input);
  });

let operator: ChildProcess | undefined;
let projector: Awaited<ReturnType<typeof startProjector>> | undefined;
let asterisk: AsteriskProcess | undefined;
let history: HistoryDatabase | undefined;
let spool: ReturnType<typeof startSpoolShipper> | undefined;
const stopAll = async () => {
  await asterisk?.stop();
  await spool?.stop();
  await history?.postgres.stop();
  await projector?.stop();
  if (operator && operator.exitCode === null) {
    const exited = new Promise((resolve) => operator?.once('exit', resolve));
    operator.kill('SIGTERM');
    await exited;
  }
  await cp.stop();
};

try {
  await kubectl(['apply', '--server-side', '-f', join(repoRoot, 'crds')]);
  await kubectl([
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    'crd/sipagents.switchboard.dev',
    'crd/webrtcconfigs.switchboard.dev',
    'crd/callqueues.switchboard.dev',
    'crd/siptrunks.switchboard.dev',
  ]);
  await kubectl(['create', 'namespace', 'switchboard-system']);
  await kubectl(['create', 'namespace', namespace]);
  // Not siptrunks.yaml: its carrier is an example address a local run cannot reach.
  for (const file of ['webrtcconfig.yaml', 'sipagents.yaml', 'callqueues.yaml'])
    await kubectl(['apply', '-n', namespace, '-f', join(repoRoot, 'crds', 'examples', file)]);
  // The operator's AMI user and where Asterisk's /etc/asterisk stands: an
  // Asterisk of the user's own, or the embedded one started below.
  let ami: { host: string; port: number; username: string; secret: string };
  let configDir: string;
  let group: number | undefined;
  if (asteriskAmi && asteriskConfigDir) {
    const [host = '', amiPort] = asteriskAmi.split(':');
    ami = {
      host,
      port: Number(amiPort),
      username: process.env.ASTERISK_AMI_USERNAME ?? 'switchboard',
      secret: process.env.ASTERISK_AMI_SECRET ?? '',
    };
    configDir = asteriskConfigDir;
  } else {
    console.log('starting PostgreSQL for call history ...');
    history = await startHistoryDatabase(join(dir, 'postgres'));
    console.log('preparing Asterisk 22 (built once into the tools cache) ...');
    asterisk = await createAsterisk({ dir: join(dir, 'asterisk'), env: historyEnv(history.db) });
    writeHistoryConfig(asterisk, history.db);
    spool = startSpoolShipper(asterisk, history.db, join(dir, 'spool-shipper.log'));
    ami = { host: '127.0.0.1', port: asterisk.amiPort, ...asterisk.ami };
    configDir = asterisk.etcDir;
    group = asterisk.runAs?.gid;
  }
  await kubectl(
    ['apply', '-n', namespace, '-f', '-'],
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'asterisk-ami' },
      stringData: { username: ami.username, secret: ami.secret },
    }),
  );
  const spec: Record<string, unknown> = {
    ami: { host: ami.host, port: ami.port, secretName: 'asterisk-ami' },
  };
  if (asterisk) {
    // The sample describes a production call center (wss, TURN, public
    // addresses); on loopback the browsers reach this Asterisk over ws and
    // need no STUN or TURN.
    Object.assign(spec, {
      asteriskWsUrl: asterisk.wsUrl,
      iceServers: { stunUrls: [], turnServers: [] },
      transports: {
        ws: true,
        wss: false,
        externalMediaAddress: null,
        externalSignalingAddress: null,
      },
    });
  }
  await kubectl([
    'patch',
    'webrtcconfig',
    'default',
    '-n',
    namespace,
    '--type=merge',
    '-p',
    JSON.stringify({ spec }),
  ]);
  const kc = new KubeConfig();
  kc.loadFromFile(cp.kubeconfig);
  projector = await startProjector({
    kc,
    namespace,
    dir: configDir,
    ...(group === undefined ? {} : { group }),
  });
  console.log(`projecting the generated configuration into ${configDir}/switchboard`);

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
      // Call history: the leader migrates the schema (already migrated above,
      // so Asterisk's back ends find their tables: a no-op) and serves it;
      // recordings from Asterisk's monitor folder.
      ...(history
        ? operatorHistoryEnv(history.db, join(dir, 'postgres', 'operator-password'))
        : {}),
      ...(history && asterisk ? { RECORDINGS_DIR: asterisk.recordingsDir } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  operator.stdout?.pipe(log);
  operator.stderr?.pipe(log);
  console.log('operator started; waiting for the sample agents to get credentials ...');
  await kubectl([
    'wait',
    '-n',
    namespace,
    '--for=condition=CredentialsReady',
    '--timeout=60s',
    'sipagents',
    '--all',
  ]);
  await kubectl([
    'wait',
    '-n',
    namespace,
    '--for=condition=ConfigGenerated',
    '--timeout=60s',
    'webrtcconfig/default',
  ]);
  if (asterisk) {
    // Asterisk's base configuration #includes the generated files: start it
    // once they are there, as a Pod waits for its projected volume.
    const started = Date.now();
    while (!projectionComplete(configDir)) {
      if (Date.now() - started > 60_000)
        throw new Error('the generated configuration never arrived');
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log('starting Asterisk ...');
    await asterisk.start();
    // Suspended agents are kept out of Asterisk on purpose: wait for the others.
    const agents = JSON.parse(
      await kubectl(['get', 'sipagents', '-n', namespace, '-o', 'json']),
    ) as {
      items: { metadata: { name: string }; spec: { suspended?: boolean } }[];
    };
    const active = agents.items
      .filter((a) => !a.spec.suspended)
      .map((a) => `sipagent/${a.metadata.name}`);
    await kubectl([
      'wait',
      '-n',
      namespace,
      '--for=condition=Provisioned',
      '--timeout=120s',
      ...active,
    ]);
  }
  console.log(await kubectl(['get', 'webrtcconfigs,sipagents,callqueues', '-n', namespace]));
  const historyState = history ? await operatorHistory(port) : undefined;
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
${
  asterisk
    ? `
Asterisk 22    AMI 127.0.0.1:${asterisk.amiPort}, ${asterisk.wsUrl}, log ${asterisk.logDir}/messages.log
               CLI: ${asterisk.prefix}/sbin/asterisk -C ${asterisk.etcDir}/asterisk.conf -r
PostgreSQL     call history (tables cdr, cel, queue_log): ${history?.psql}
               the operator: ${historyState}
Recordings     ${asterisk.recordingsDir} (CallQueue spec.recording; GET /recordings as admin)

A first call, in two browser tabs (or two browser profiles: one session each):
  1. Open http://localhost:${port}/ and sign in as "admin" with the password above.
  2. Add two agents on the HR page; copy each one's SIP username and password
     (shown once).
  3. In a second tab (a private window, so it has its own session), sign in
     with the first agent's SIP username and password, open the softphone and
     press Register; do the same for the second agent in another window.
  4. Dial the second agent's extension from the first: it rings, answer it.
  5. Dial 117 (the hotline): the call queues to a free agent, who answers;
     while nobody answers, the caller hears music.
  6. Dial *43 for the echo test: a prompt, then your own voice comes back
     (microphone and speaker checked without a second agent).`
    : `
Asterisk at ${asteriskAmi}: the generated files are projected into ${asteriskConfigDir}/switchboard.`
}
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
/** What the operator says of the history database (switchboard_history_available), within 30 s. */
async function operatorHistory(port: number): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const metrics = await fetch(`http://127.0.0.1:${port}/metrics`)
      .then((r) => r.text())
      .catch(() => '');
    if (/^switchboard_history_available 1$/m.test(metrics)) return 'history available';
    if (Date.now() > deadline) return `history unavailable (see ${dir}/operator.log)`;
    await new Promise((r) => setTimeout(r, 200));
  }
}

if (values.once) {
  await stop();
} else {
  console.log('Press Ctrl-C to stop.');
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  setInterval(() => {}, 1 << 30); // keep the event loop alive until a signal
}
