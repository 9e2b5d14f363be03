// The AMI password rotates under a busy operator on a real Asterisk 22: the
// Secret gets a new secret and manager_user.conf in one write, the "kubelet"
// (the projector) swaps the file in only seconds later, and SipAgents keep
// being created all along. The operator keeps its old session serving, asks
// Asterisk to re-read its AMI users until the new secret is accepted, hands
// over to a session logged in with it and logs the old one off: every agent
// is provisioned, none ever shows NotLoaded or AsteriskNotConnected, the
// WebRTCConfig's AsteriskConnected never leaves True, and Asterisk refuses
// the old secret afterwards.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { CustomObjectsApi } from '@kubernetes/client-node';
import pino from 'pino';
import { AmiClient } from '../../operator/src/asterisk/ami/client.ts';
import type { SipAgent, WebRTCConfig } from '../../operator/src/crds/types.ts';
import { createInformer, type Informer } from '../../operator/src/kube/informer.ts';
import { managerUserConf } from '../../scripts/lib/asterisk-process.ts';
import { createNamespace, testCluster } from '../support/cluster.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import {
  REAL_AMI_SECRET_NAME,
  type RealAsterisk,
  startRealAsterisk,
} from '../support/real-asterisk.ts';
import { condition, Resources } from '../support/resources.ts';
import { waitUntil } from '../support/wait.ts';

/** The kubelet's projection delay, shortened (in a cluster: up to about a minute). */
const HOLD_MS = 5_000;
const cluster = testCluster();
let ns: Awaited<ReturnType<typeof createNamespace>>;
let r: Resources;
let pbx: RealAsterisk;
let operator: OperatorProcess;
const informers: Informer<SipAgent | WebRTCConfig>[] = [];
/** Every status/reason an agent showed, per condition type (cleared when the rotation starts). */
const agentReasons = new Map<string, Set<string>>();
const configStates: string[] = [];
const agentsNow = new Map<string, SipAgent>();
const figures: Record<string, string> = {};
/** The AMI secret Asterisk has now. */
let currentSecret = '';

const custom = () => cluster.kc.makeApiClient(CustomObjectsApi);
function watch<T extends SipAgent | WebRTCConfig>(plural: string, see: (o: T) => void) {
  const inf = createInformer<T>(cluster.kc, {
    name: `rotation-test-${plural}`,
    path: `/apis/switchboard.dev/v1alpha1/namespaces/${ns.name}/${plural}`,
    list: () =>
      custom().listNamespacedCustomObject({
        group: 'switchboard.dev',
        version: 'v1alpha1',
        namespace: ns.name,
        plural,
      }) as Promise<{ items: T[] }>,
  });
  inf.on('add', see);
  inf.on('update', see);
  informers.push(inf as Informer<SipAgent | WebRTCConfig>);
  return inf.start();
}

/** The AMI sessions Asterisk has for the user (`manager show connected`). */
async function sessions(): Promise<{ start: number }[]> {
  const out = await pbx.asterisk.cli('manager show connected');
  return [
    ...out.matchAll(new RegExp(`^\\s+${pbx.asterisk.ami.username}\\s+\\S+\\s+(\\d+)`, 'gm')),
  ].map((m) => ({ start: Number(m[1]) }));
}

/** Replaces the AMI Secret as a rotation does: secret and manager_user.conf in one write. */
async function replaceAmiSecret(secret: string, fileSecret = secret): Promise<void> {
  await r.core.replaceNamespacedSecret({
    name: REAL_AMI_SECRET_NAME,
    namespace: ns.name,
    body: {
      metadata: { name: REAL_AMI_SECRET_NAME },
      stringData: {
        username: pbx.asterisk.ami.username,
        secret,
        'manager_user.conf': managerUserConf({ ...pbx.asterisk.ami, secret: fileSecret }),
      },
    },
  });
}

/** One raw AMI login: Asterisk's answer ("Success" or "Error"). */
function login(secret: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(pbx.asterisk.amiPort, '127.0.0.1');
    let text = '';
    socket.on('error', reject);
    socket.on('data', (d) => {
      text += d.toString();
      const m = /Response: (\w+)/.exec(text);
      if (!m) return;
      socket.end(`Action: Logoff\r\n\r\n`);
      resolve(m[1] as string);
    });
    socket.write(
      `Action: Login\r\nUsername: ${pbx.asterisk.ami.username}\r\nSecret: ${secret}\r\nEvents: off\r\n\r\n`,
    );
  });
}

/** A TCP proxy to `port` that delays what the server sends on its first connection by `ms`. */
async function lagging(port: number, ms: number): Promise<Server> {
  let connections = 0;
  const server = createServer((down) => {
    const delay = connections++ === 0 ? ms : 0;
    const up = connect(port, '127.0.0.1');
    // Same delay for every chunk: timers of equal delay fire in order.
    up.on('data', (d) => (delay ? setTimeout(() => down.write(d), delay) : down.write(d)));
    down.on('data', (d) => up.write(d));
    const close = () => {
      up.destroy();
      down.destroy();
    };
    up.on('close', () => setTimeout(close, delay));
    down.on('close', close);
    up.on('error', close);
    down.on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const provisioned = (a: SipAgent | undefined) =>
  a !== undefined && condition(a, 'Provisioned')?.status === 'True';

before(async () => {
  ns = await createNamespace(cluster, 'ami-rotation');
  r = new Resources(cluster, ns.name);
  pbx = await startRealAsterisk(cluster, r, { amiProjection: { delayMs: HOLD_MS } });
  operator = await startOperator(cluster, ns.name, 'ami-rotation', {
    ASTERISK_POLL_MS: '100',
    AMI_ROTATION_WARN_MS: '3000',
  });
  await watch<SipAgent>('sipagents', (a) => {
    agentsNow.set(a.metadata.name, a);
    for (const c of a.status?.conditions ?? []) {
      const seen = agentReasons.get(c.type) ?? new Set<string>();
      seen.add(`${c.status}/${c.reason}`);
      agentReasons.set(c.type, seen);
    }
  });
  await watch<WebRTCConfig>('webrtcconfigs', (c) => {
    const s = condition(c, 'AsteriskConnected');
    if (s && configStates.at(-1) !== s.status) configStates.push(s.status);
  });
  await r.createConfig(pbx.configSpec);
  await pbx.start();
  currentSecret = pbx.asterisk.ami.secret;
});
after(async () => {
  console.log(`figures (real Asterisk): ${JSON.stringify(figures, null, 1)}`);
  for (const i of informers) await i.stop();
  await operator?.stop();
  await pbx?.close();
  await ns?.cleanup();
});

describe('AMI password rotation on a real Asterisk 22', () => {
  it('provisions agents with the first password', async () => {
    for (const n of ['before-0', 'before-1', 'before-2'])
      await r.createAgent(n, { displayName: `Agent ${n}` });
    await waitUntil(
      'the first agents provisioned',
      () => ['before-0', 'before-1', 'before-2'].every((n) => provisioned(agentsNow.get(n))),
      60_000,
    );
    assert.deepEqual(configStates.slice(-1), ['True']);
    assert.equal((await sessions()).length, 1, 'the operator holds one AMI session');
  });

  it('moves to a new password without an outage while agents keep coming', async () => {
    const oldSecret = pbx.asterisk.ami.secret;
    const newSecret = randomBytes(16).toString('hex');
    const [before] = await sessions();
    assert.ok(before);
    const configBefore = configStates.length;
    agentReasons.clear(); // from here on: what the rotation caused
    const logFrom = readFileSync(operator.logPath, 'utf8').length;

    // Asterisk's sessions, polled all along: the operator must never have none.
    let polling = true;
    let fewest = Number.POSITIVE_INFINITY;
    let polls = 0;
    const poller = (async () => {
      while (polling) {
        fewest = Math.min(fewest, (await sessions()).length);
        polls++;
      }
    })();
    // The projection of the new file (the projector's count moves on).
    const projectionsBefore = pbx.amiProjector?.projections ?? 0;
    let projectedAt: number | undefined;

    const changedAt = performance.now();
    await replaceAmiSecret(newSecret);
    currentSecret = newSecret;

    // Agents created every 250 ms from the change until a second after the rotation.
    const created: { name: string; at: number }[] = [];
    let creating = true;
    const creator = (async () => {
      for (let i = 0; creating; i++) {
        const name = `during-${i}`;
        created.push({ name, at: performance.now() });
        await r.createAgent(name, { displayName: `During ${i}` });
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();

    let rotated: { note?: string } | undefined;
    await waitUntil(
      'Event AmiCredentialsRotated',
      async () => {
        if (projectedAt === undefined && (pbx.amiProjector?.projections ?? 0) > projectionsBefore)
          projectedAt = performance.now();
        rotated = (await r.events()).find((e) => e.reason === 'AmiCredentialsRotated');
        return rotated !== undefined;
      },
      HOLD_MS + 30_000,
    );
    const rotatedMs = performance.now() - changedAt;
    await waitUntil(
      'a second past the rotation',
      () => performance.now() - changedAt > rotatedMs + 1_000,
    );
    creating = false;
    await creator;
    await waitUntil(
      `all ${created.length} agents created during the rotation provisioned`,
      () => created.every((c) => provisioned(agentsNow.get(c.name))),
      60_000,
    );
    polling = false;
    await poller;

    // Who is logged in now: one session, opened after the new file was projected.
    const after = await sessions();
    assert.equal(after.length, 1, 'the old session logged off');
    assert.ok((after[0]?.start ?? 0) >= (before.start ?? 0));
    assert.equal(await login(oldSecret), 'Error', 'the old secret is refused now');
    assert.equal(await login(newSecret), 'Success', 'the new secret is accepted');

    assert.ok(created.length >= 10, `${created.length} agents created during the rotation`);
    assert.ok(fewest >= 1, `a poll saw ${fewest} operator sessions`);
    assert.deepEqual(
      configStates.slice(configBefore - 1),
      ['True'],
      'AsteriskConnected stayed True',
    );
    const provisionedReasons = [...(agentReasons.get('Provisioned') ?? [])];
    assert.ok(
      !provisionedReasons.some((s) => /NotLoaded|AsteriskNotConnected|Failed/.test(s)),
      provisionedReasons.join(', '),
    );
    assert.ok(
      ![...(agentReasons.get('Ready') ?? [])].some((s) => s.includes('AsteriskNotConnected')),
    );
    assert.ok(['before-0', 'before-1', 'before-2'].every((n) => provisioned(agentsNow.get(n))));

    // The Event says how, never the secret; neither secret is in the operator's log.
    const note = rotated?.note ?? '';
    assert.match(note, /new secret of Secret "asterisk-ami"/);
    assert.match(note, /no action or event lost/);
    const reloads = Number(/(\d+) AMI user reloads/.exec(note)?.[1]);
    assert.ok(reloads >= 1, note);
    const log = readFileSync(operator.logPath, 'utf8');
    assert.ok(!log.includes(newSecret) && !log.includes(oldSecret), 'a secret in the log');
    assert.ok(!note.includes(newSecret) && !note.includes(oldSecret), 'a secret in the Event');
    const since = log.slice(logFrom);
    assert.ok(since.includes('AMI credentials rotated'), 'the rotation logged');
    assert.ok(!since.includes('AMI disconnected'), 'a disconnect logged during the rotation');
    assert.match(
      await operator.metrics(),
      /switchboard_ami_credential_rotations_total\{namespace="[^"]+",handover="ordered"\} 1/,
    );
    assert.deepEqual(pbx.problems(), []);

    figures['projection delay (held)'] = `${HOLD_MS} ms`;
    const projectedMs = (projectedAt ?? Number.NaN) - changedAt;
    figures['Secret changed -> new file projected'] = `${Math.round(projectedMs)} ms`;
    figures['new file projected -> Event seen'] = `${Math.round(rotatedMs - projectedMs)} ms`;
    figures['Secret changed -> Event AmiCredentialsRotated seen'] = `${Math.round(rotatedMs)} ms`;
    figures['operator: noticed -> on the new session'] = note;
    figures['agents created during the rotation, all Provisioned'] = String(created.length);
    figures['fewest operator AMI sessions in a poll'] = `${fewest} (${polls} polls)`;
  });

  it('hands the event stream over with no event lost or repeated, and no action failed', async () => {
    // A client of its own (the operator rotates too, and reloads Asterisk's AMI users),
    // through a proxy that holds its first session's traffic from Asterisk back
    // 40 ms: the old session lags the new one, as a busy connection would, so a
    // hand-over that merely switched sessions at some instant would lose events.
    const proxy = await lagging(pbx.asterisk.amiPort, 40);
    const client = new AmiClient({
      host: '127.0.0.1',
      port: (proxy.address() as { port: number }).port,
      username: pbx.asterisk.ami.username,
      secret: currentSecret,
      logger: pino({ level: 'silent' }),
    });
    const seen: number[] = [];
    client.onEvent((e) => {
      if ('fields' in e && e.fields.userevent === 'rotation-seq') seen.push(Number(e.fields.seq));
    });
    const states: string[] = [];
    client.onState((st) => states.push(st));
    client.start();
    await client.ready();

    // Another session floods numbered UserEvents all along, in bursts of 20
    // every 5 ms: both sessions then read them in chunks, so a hand-over that
    // merely switched sessions at some instant would lose or repeat some.
    const flood = connect(pbx.asterisk.amiPort, '127.0.0.1');
    flood.write(
      `Action: Login\r\nUsername: ${pbx.asterisk.ami.username}\r\nSecret: ${currentSecret}\r\nEvents: off\r\n\r\n`,
    );
    let sent = 0;
    const burst = () =>
      Array.from(
        { length: 20 },
        () => `Action: UserEvent\r\nUserEvent: rotation-seq\r\nSeq: ${sent++}\r\n\r\n`,
      ).join('');
    const flooding = setInterval(() => flood.write(burst()), 5);
    // And actions keep going through the client: none may fail.
    let pinging = true;
    let pings = 0;
    const pinger = (async () => {
      while (pinging) {
        await client.action({ action: 'Ping' });
        pings++;
      }
    })();
    try {
      await waitUntil('the flood reaching the client', () => seen.length > 100);
      const third = randomBytes(16).toString('hex');
      const projections = pbx.amiProjector?.projections ?? 0;
      await replaceAmiSecret(third);
      await waitUntil(
        'the third secret projected',
        () => (pbx.amiProjector?.projections ?? 0) > projections,
        HOLD_MS + 10_000,
      );
      currentSecret = third;
      await client.action({ action: 'Reload', module: 'manager' });
      const atSwitch = seen.length;
      assert.equal(
        await client.rotate({ username: pbx.asterisk.ami.username, secret: third }),
        'ordered',
      );
      await waitUntil('more events after the hand-over', () => seen.length > atSwitch + 2_000);
      clearInterval(flooding);
      const last = sent - 1;
      await waitUntil(`event ${last} delivered`, () => seen.includes(last));
      pinging = false;
      await pinger;

      const first = seen[0] ?? 0;
      const expected = Array.from({ length: last - first + 1 }, (_, i) => first + i);
      assert.deepEqual(seen, expected, 'every event once, in order');
      assert.deepEqual(states, ['connecting', 'connected'], 'the client never disconnected');
      assert.ok(client.usesCredentials({ username: pbx.asterisk.ami.username, secret: third }));
      figures['UserEvents through the hand-over (bursts, ~4,000/s), lost / repeated'] =
        `${expected.length} delivered, 0 / 0`;
      figures['Pings through the hand-over, failed'] = `${pings}, 0`;
    } finally {
      clearInterval(flooding);
      pinging = false;
      flood.destroy();
      await client.stop();
      proxy.close();
    }
  });

  it('logs in with whichever secret a restarted Asterisk has, mid-rotation', async () => {
    // The new file is held back; the operator's rotation is refused meanwhile.
    pbx.amiProjector?.pause();
    const fourth = randomBytes(16).toString('hex');
    const logFrom = readFileSync(operator.logPath, 'utf8').length;
    await replaceAmiSecret(fourth);
    await waitUntil('the operator trying the new secret', () =>
      readFileSync(operator.logPath, 'utf8').slice(logFrom).includes('"attempt":1'),
    );
    // Asterisk goes down and comes back having read the new file: the old
    // secret is refused now, and the operator's old session is gone.
    await pbx.asterisk.kill();
    const projections = pbx.amiProjector?.projections ?? 0;
    pbx.amiProjector?.resume();
    await waitUntil(
      'the new file projected',
      () => (pbx.amiProjector?.projections ?? 0) > projections,
      HOLD_MS + 10_000,
    );
    const restartedAt = performance.now();
    await pbx.asterisk.start();
    currentSecret = fourth;
    await waitUntil(
      'Event AmiCredentialsRotated after a reconnect',
      async () =>
        (await r.events()).some(
          (e) => e.reason === 'AmiCredentialsRotated' && e.note?.includes('after a reconnect'),
        ),
      30_000,
    );
    figures['Asterisk restarted mid-rotation -> operator on the new secret'] =
      `${Math.round(performance.now() - restartedAt)} ms`;
    await waitUntil(
      'AsteriskConnected again and every agent provisioned',
      () => configStates.at(-1) === 'True' && [...agentsNow.values()].every((a) => provisioned(a)),
      60_000,
    );
    assert.equal(await login(fourth), 'Success');
    assert.equal((await sessions()).length, 1);
  });

  it('warns while Asterisk refuses a secret its file does not carry, and serves on with the old one', async () => {
    const rotatedEvents = async () =>
      (await r.events()).filter((e) => e.reason === 'AmiCredentialsRotated').length;
    const rotatedBefore = await rotatedEvents();
    // (The 5 s hold of the first rotation outlasted AMI_ROTATION_WARN_MS too: count from here.)
    const refusals = async () =>
      (await r.events()).filter((e) => e.reason === 'AmiCredentialsRefused');
    const refusedBefore = (await refusals()).length;
    // Only the operator's key changed (manager_user.conf still has the current secret).
    const fifth = randomBytes(16).toString('hex');
    await replaceAmiSecret(fifth, currentSecret);
    let warning: { note?: string; type?: string } | undefined;
    await waitUntil(
      'Warning AmiCredentialsRefused',
      async () => {
        warning = (await refusals())[refusedBefore];
        return warning !== undefined;
      },
      30_000,
    );
    assert.equal(warning?.type, 'Warning');
    assert.match(warning?.note ?? '', /Secret "asterisk-ami"/);
    assert.ok(!warning?.note?.includes(fifth) && !warning?.note?.includes(currentSecret));
    // The old session serves on: a new agent is provisioned, nothing went down.
    await r.createAgent('while-refused', { displayName: 'While Refused' });
    await waitUntil('while-refused provisioned', () => provisioned(agentsNow.get('while-refused')));
    assert.equal(configStates.at(-1), 'True');
    // Fixed (both keys): the rotation that kept trying gets in.
    await replaceAmiSecret(fifth);
    await waitUntil(
      'Event AmiCredentialsRotated for the fixed Secret',
      async () => (await rotatedEvents()) > rotatedBefore,
      HOLD_MS + 30_000,
    );
    currentSecret = fifth;
    assert.equal(await login(fifth), 'Success');
  });
});
