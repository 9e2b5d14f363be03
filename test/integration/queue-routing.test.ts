// CallQueue routing proven with real calls on the real Asterisk 22, driven by
// the real operator: the agents are the project's softphone in headless
// Chromium (one browser, a context per agent), registered with the
// credentials the operator generated; the queues are CallQueues; app_queue
// decides who rings.
//
// The callers are AMI Originates of `Local/<queue number>@switchboard-agents`
// (test/support/queue-callers.ts), not SIPp and not more browsers: the agent
// endpoints are WebRTC-only (DTLS-SRTP, ICE, WebSocket), so SIPp would need a
// plain-SIP endpoint the product does not render, and 20 more Chromium pages
// would not fit 2 cores. A Local channel's ;2 leg runs the very dialplan a
// browser's call runs (Answer, Queue() for the max wait, the overflow step),
// through the real app_queue; its ;1 leg plays music on hold, the "voice" the
// answering agent hears. Each caller carries its own Uniqueid, so AMI queue
// events (QueueCallerJoin, AgentCalled, AgentConnect) say exactly which
// caller joined, rang which agent and was answered by whom; the agents'
// browsers show the same caller ID ringing. (AgentComplete is matched by
// queue and member interface instead: see hangUpCompleted.)
//
// Figures are numbered by the test that measures them (1 leastrecent,
// 2 skills, 3 twenty callers, 4 overflow, 5 paused, 6 wrap-up, 7 signed out).
//
// Members reach the queues however the operator puts them there (config or
// QueueAdd): the tests only wait until `queue show` lists each agent by its
// display name as "Not in use" before calling. Agent states change the way
// the softphone changes them: PUT /softphone/state signed in as the agent
// (its SIP username and a login password an admin set over the HR API).
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import type { AgentStateView } from '../../operator/src/agentstate/types.ts';
import type { CallQueue } from '../../operator/src/crds/types.ts';
import { type InboundAudio, inboundAudio, meanEnergy } from '../browser/support/audio-stats.ts';
import { launchChromium } from '../browser/support/chromium.ts';
import { PhoneDriver } from '../browser/support/phone-driver.ts';
import {
  mountPhone,
  type PhonePageServer,
  startPhonePageServer,
} from '../browser/support/phone-page.ts';
import { ApiSession, signInAdmin } from '../support/api-session.ts';
import { createNamespace, testCluster } from '../support/cluster.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import {
  addQueueCallers,
  field,
  type QueueCaller,
  type QueueCallers,
  type SeenEvent,
} from '../support/queue-callers.ts';
import { type RealAsterisk, startRealAsterisk } from '../support/real-asterisk.ts';
import { condition, decode, Resources } from '../support/resources.ts';
import { waitUntil } from '../support/wait.ts';

interface Agent {
  readonly name: string;
  readonly displayName: string;
  readonly labels: Record<string, string>;
  readonly skills?: Record<string, number>;
  username: string;
  password: string;
  extension: string;
  phone: PhoneDriver;
  /** Signed in to the operator's API as this agent (PUT /softphone/state). */
  api: ApiSession;
}

const agent = (
  name: string,
  labels: Record<string, string>,
  skills?: Record<string, number>,
): Agent => ({
  name,
  displayName: `${name[0]?.toUpperCase()}${name.slice(1)} Agent`,
  labels,
  ...(skills ? { skills } : {}),
  username: '',
  password: '',
  extension: '',
  phone: undefined as unknown as PhoneDriver,
  api: undefined as unknown as ApiSession,
});

// Five agents on the floor; three of them serve the leastrecent queue; dan
// and eve speak French (dan better); ann (German only) sits the sales desk,
// bob the backup desk; bob and cid take the pausing queue, dan alone the
// wrap-up one, cid and eve the sign-out one.
const ann = agent('ann', { floor: 'yes', lr: 'yes', desk: 'sales' }, { german: 10 });
const bob = agent('bob', { floor: 'yes', lr: 'yes', desk: 'backup', pz: 'yes' });
const cid = agent('cid', { floor: 'yes', lr: 'yes', pz: 'yes', so: 'yes' });
const dan = agent('dan', { floor: 'yes', wrap: 'yes' }, { french: 9 });
const eve = agent('eve', { floor: 'yes', so: 'yes' }, { french: 3 });
const AGENTS = [ann, bob, cid, dan, eve];

// retrySeconds 1: a caller whose turn came while the freed agent was still
// settling (app_queue polls its turn every second, the agent's device state
// follows) tries again after 1 s instead of the default 5.
const WRAP_UP_SECONDS = 3;
const QUEUES: Record<string, Partial<CallQueue['spec']>> = {
  lr: {
    numbers: ['121'],
    strategy: 'leastrecent',
    retrySeconds: 1,
    members: { selector: { matchLabels: { lr: 'yes' } } },
  },
  french: {
    numbers: ['122'],
    strategy: 'ringall',
    retrySeconds: 1,
    members: { skills: ['french'] },
  },
  sales: {
    numbers: ['123'],
    strategy: 'ringall',
    ringSeconds: 5,
    retrySeconds: 1,
    maxWaitSeconds: 10,
    overflow: { queue: 'sales-backup' },
    members: { selector: { matchLabels: { desk: 'sales' } } },
  },
  'sales-backup': {
    numbers: ['124'],
    members: { selector: { matchLabels: { desk: 'backup' } } },
  },
  fifo: {
    numbers: ['125'],
    strategy: 'rrmemory',
    retrySeconds: 1,
    members: { selector: { matchLabels: { floor: 'yes' } } },
  },
  // ringall: every free, unpaused member rings, so one that does not is excluded
  pausing: {
    numbers: ['126'],
    strategy: 'ringall',
    retrySeconds: 1,
    members: { selector: { matchLabels: { pz: 'yes' } } },
  },
  wrapup: {
    numbers: ['127'],
    strategy: 'ringall',
    retrySeconds: 1,
    wrapUpSeconds: WRAP_UP_SECONDS,
    members: { selector: { matchLabels: { wrap: 'yes' } } },
  },
  // No wrap-up of its own: dan's wrap-up after a call from `wrapup` must
  // still keep this queue's callers away (queues.conf shared_lastcall).
  'wrapup-other': {
    numbers: ['129'],
    strategy: 'ringall',
    retrySeconds: 1,
    members: { selector: { matchLabels: { wrap: 'yes' } } },
  },
  signout: {
    numbers: ['128'],
    strategy: 'ringall',
    retrySeconds: 1,
    members: { selector: { matchLabels: { so: 'yes' } } },
  },
};
const MEMBERS: Record<string, Agent[]> = {
  lr: [ann, bob, cid],
  french: [dan, eve],
  sales: [ann],
  'sales-backup': [bob],
  fifo: AGENTS,
  pausing: [bob, cid],
  wrapup: [dan],
  'wrapup-other': [dan],
  signout: [cid, eve],
};

/** The web UI login password every agent gets (the admin sets it over the HR API). */
const LOGIN = 'queue-agent-login';
/** Rounds of "caller waiting, all others busy, click Available" in test 5. */
const AVAILABLE_ROUNDS = 8;

/** Mean audioLevel² above this (−40 dBov) is sound, not silence. */
const SILENCE = 1e-4;
const NOTHING: InboundAudio = { packets: 0, bytes: 0, energy: 0, seconds: 0, codec: undefined };

const cluster = testCluster();
let ns: Awaited<ReturnType<typeof createNamespace>>;
let r: Resources;
let pbx: RealAsterisk;
let operator: OperatorProcess;
let server: PhonePageServer;
let browser: Browser;
let callers: QueueCallers;
const contexts: BrowserContext[] = [];
const figures: Record<string, string> = {};
const ms = (x: number) => `${x.toFixed(0)} ms`;
const s = (x: number) => `${(x / 1000).toFixed(1)} s`;

/** The agent whose channel an AgentCalled/AgentConnect/… event names (DestChannel PJSIP/<user>-…). */
function agentOf(e: SeenEvent): Agent {
  const channel = field(e.f, 'destchannel');
  const found = AGENTS.find((a) => channel.startsWith(`PJSIP/${a.username}-`));
  assert.ok(found, `no agent for channel ${channel}`);
  return found;
}

const names = (list: readonly Agent[]) => list.map((a) => a.name);

/** `queue show <queue>` now. */
const queueShow = (queue: string) => pbx.asterisk.cli(`queue show ${queue}`);

/** The member line of `agent` in a `queue show` output. */
const memberLine = (shown: string, a: Agent) =>
  shown.split('\n').find((l) => l.includes(a.displayName)) ?? '';

/** Times the agent's browser showed an incoming call (its timeline's "incoming" marks). */
async function incomingCount(a: Agent): Promise<number> {
  return (await a.phone.timeline()).filter((t) => t.event === 'incoming').length;
}

/** Waits until the agent's browser rings with this caller's number; answers; waits until active. */
async function answer(a: Agent, caller: QueueCaller): Promise<void> {
  await a.phone.waitForCall("call?.phase === 'ringing'");
  const ringing = await a.phone.call();
  assert.equal(ringing?.remoteUser, caller.number, `${a.name} rings with ${caller.id}'s number`);
  await a.phone.locator('button.answer').click();
  await a.phone.waitForCall("call?.phase === 'active'");
}

/**
 * The agent hangs up; resolves once that call is gone from its phone. A
 * caller waiting for this very agent may ring it again right away (the
 * skills test's fr-3): then its phone shows the next call, not none.
 */
async function hangUp(a: Agent): Promise<void> {
  const id = (await a.phone.call())?.id;
  assert.ok(id, `${a.name} has a call to hang up`);
  await a.phone.locator('button.hangup').click();
  await a.phone.waitForCall(`call === undefined || call.id !== ${JSON.stringify(id)}`);
}

/** The caller's first AgentCalled, then the agent's browser rings with it and answers; resolves at AgentConnect. */
async function offeredAndAnswered(caller: QueueCaller, after = -1) {
  const called = await callers.waitFor(
    'AgentCalled',
    (f) => field(f, 'uniqueid') === caller.id,
    `AgentCalled for ${caller.id}`,
    15_000,
    after,
  );
  const to = agentOf(called);
  await answer(to, caller);
  const connect = await callers.waitFor(
    'AgentConnect',
    (f) => field(f, 'uniqueid') === caller.id,
    `AgentConnect for ${caller.id}`,
  );
  assert.equal(agentOf(connect), to, `${caller.id} is connected to the agent it rang`);
  return { called, connect, to };
}

/**
 * The agent hangs up the call `called` offered it; resolves once app_queue
 * completed it (AgentComplete, after which it has counted the call and its
 * end time). AgentComplete is matched by queue and member interface: when
 * the caller's channel is gone before app_queue handles the agent's hangup
 * (a caller's Queue() ends as soon as the agent hangs up), Asterisk sends it
 * without the caller's (or even the agent's) channel fields.
 */
async function hangUpCompleted(a: Agent, called: SeenEvent): Promise<SeenEvent> {
  const mark = callers.events().length - 1;
  await hangUp(a);
  const queue = field(called.f, 'queue');
  const iface = field(called.f, 'interface');
  return await callers.waitFor(
    'AgentComplete',
    (f) => field(f, 'queue') === queue && field(f, 'interface') === iface,
    `AgentComplete of ${a.name} in ${queue}`,
    10_000,
    mark,
  );
}

/**
 * Waits until Asterisk's clock has passed the second in which `a`'s last
 * call in `queue` ended (`last was N secs ago`, N ≥ 1): app_queue keeps
 * that time in whole seconds, and leastrecent compares those.
 */
async function secondPassed(queue: string, a: Agent): Promise<void> {
  await waitUntil(
    `${a.name}'s last call in ${queue} at least a second ago`,
    async () => /last was [1-9]\d* secs? ago/.test(memberLine(await queueShow(queue), a)),
    5_000,
    100,
  );
}

/**
 * Waits until `queue show` lists every member of `queue` free ("Not in use",
 * not paused): each test starts from agents the queue may ring.
 */
async function membersFree(queue: string): Promise<string> {
  let shown = '';
  await waitUntil(
    `queue show ${queue} lists ${names(MEMBERS[queue] ?? []).join(', ')} as Not in use`,
    async () => {
      shown = await queueShow(queue);
      return (MEMBERS[queue] ?? []).every((a) => {
        const line = memberLine(shown, a);
        return /\(Not in use\)/.test(line) && !/\(paused/.test(line);
      });
    },
    30_000,
    100,
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n${shown}`);
  });
  return shown;
}

type PresenceBody =
  | { presence: 'available' }
  | { presence: 'paused'; reason: string }
  | { presence: 'signed-out' };

/** The agent changes its own state (the softphone's state control); resolves once Asterisk took it. */
async function setPresence(a: Agent, body: PresenceBody): Promise<AgentStateView> {
  const res = await a.api.call<AgentStateView>('PUT', '/softphone/state', body);
  assert.equal(res.status, 200, `${a.name} ${JSON.stringify(body)}: ${res.text}`);
  assert.equal(res.body.presence, body.presence);
  return res.body;
}

/** The agent's own view (GET /softphone/state). */
async function ownState(a: Agent): Promise<AgentStateView> {
  const res = await a.api.call<AgentStateView>('GET', '/softphone/state');
  assert.equal(res.status, 200, res.text);
  return res.body;
}

/** When the agent's browser last showed an incoming call, on this process's performance.now() clock. */
async function lastIncomingAt(a: Agent): Promise<number> {
  const [entries, origin] = await Promise.all([
    a.phone.timeline(),
    a.phone.page.evaluate(() => performance.timeOrigin),
  ]);
  const incoming = entries.filter((t) => t.event === 'incoming').at(-1);
  assert.ok(incoming, `${a.name}'s browser showed an incoming call`);
  return origin + incoming.at - performance.timeOrigin;
}

/** AgentCalled events after seq `after` that ring `a`. */
const callsTo = (a: Agent, after: number) =>
  callers
    .events('AgentCalled')
    .filter((e) => e.seq > after && field(e.f, 'destchannel').startsWith(`PJSIP/${a.username}-`));

/** Waits until `caller` has waited at least `seconds` in `queue` (its `wait: m:ss` in queue show). */
async function waited(queue: string, caller: QueueCaller, seconds: number): Promise<void> {
  const joined = callers
    .of(caller.id, 'QueueCallerJoin')
    .find((e) => field(e.f, 'queue') === queue);
  const channel = joined ? field(joined.f, 'channel') : '';
  await waitUntil(
    `${caller.id} has waited ${seconds} s in ${queue}`,
    async () => {
      const line = (await queueShow(queue)).split('\n').find((l) => channel && l.includes(channel));
      const m = /\(wait: (\d+):(\d\d)/.exec(line ?? '');
      return m !== null && Number(m[1]) * 60 + Number(m[2]) >= seconds;
    },
    seconds * 1000 + 5_000,
    100,
  );
}

const percentile = (xs: readonly number[], p: number) => {
  const sorted = [...xs].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
const spread = (xs: readonly number[]) =>
  `median ${ms(percentile(xs, 50))}, min ${ms(Math.min(...xs))}, max ${ms(Math.max(...xs))} (n=${xs.length}: ${xs.map((x) => x.toFixed(0)).join(', ')})`;

/**
 * Whether the operator has read Asterisk's queue members (its agent states
 * work): it logs "queue members read" once a QueueStatus snapshot succeeded.
 */
const statesSynced = () => readFileSync(operator.logPath, 'utf8').includes('"queue members read"');

before(async () => {
  ns = await createNamespace(cluster, 'queue-routing');
  r = new Resources(cluster, ns.name);
  [pbx, server, browser] = await Promise.all([
    startRealAsterisk(cluster, r),
    startPhonePageServer(),
    launchChromium(),
  ]);
  const callerUser = addQueueCallers(pbx.asterisk);
  operator = await startOperator(cluster, ns.name, 'queue-routing', { ASTERISK_POLL_MS: '100' });
  // an RTP range of its own, below Linux's ephemeral ports (32768+)
  const portStart = 20_000 + randomInt(0, 120) * 100;
  await r.createConfig({
    ami: pbx.amiSpec,
    asteriskWsUrl: pbx.asterisk.wsUrl,
    transports: { ws: true, wss: false },
    iceServers: {},
    rtp: { portStart, portEnd: portStart + 99 },
  });
  for (const a of AGENTS) {
    await r.custom.createNamespacedCustomObject({
      group: 'switchboard.dev',
      version: 'v1alpha1',
      namespace: ns.name,
      plural: 'sipagents',
      body: {
        apiVersion: 'switchboard.dev/v1alpha1',
        kind: 'SipAgent',
        metadata: { name: a.name, labels: a.labels },
        spec: { displayName: a.displayName, queues: [], ...(a.skills ? { skills: a.skills } : {}) },
      },
    });
  }
  for (const [name, spec] of Object.entries(QUEUES)) await r.createQueue(name, spec);
  await pbx.start();
  callers = await callerUser.connect();
  // The operator's AMI session may come up while Asterisk is still loading
  // modules: its first QueueStatus then fails ("Invalid/unknown command") and
  // must be read again, or nobody is ever added to a queue.
  await waitUntil('the operator read the queue members (agent states)', statesSynced, 20_000);
  figures['operator: QueueStatus refused while Asterisk booted, read again'] = `${
    readFileSync(operator.logPath, 'utf8').split('"reading queue members failed"').length - 1
  } time(s)`;
  await waitUntil(
    'every agent Provisioned=True',
    async () => {
      const list = await r.agents();
      return (
        list.length === AGENTS.length &&
        list.every((a) => condition(a, 'Provisioned')?.status === 'True')
      );
    },
    60_000,
    100,
  );
  for (const a of AGENTS) {
    const secret = await r.secret(`${a.name}-sip-credentials`);
    a.username = decode(secret, 'username') ?? '';
    a.password = decode(secret, 'password') ?? '';
    a.extension = decode(secret, 'extension') ?? '';
    assert.ok(a.username && a.password && a.extension, `${a.name}'s credentials Secret`);
  }
  // Each agent gets a web UI login (admin, HR API) and signs in to the API with it.
  const base = `http://127.0.0.1:${operator.port}`;
  const { session: admin } = await signInAdmin(r, base);
  await Promise.all(
    AGENTS.map(async (a) => {
      const set = await admin.call('PATCH', `/hr/users/${a.name}`, { password: LOGIN });
      assert.equal(set.status, 200, set.text);
      a.api = new ApiSession(base);
      await waitUntil(`${a.name} signs in to the API`, async () => {
        const res = await a.api.login(a.username, LOGIN);
        return res.status === 200;
      });
    }),
  );
  const config = { wsUrl: pbx.asterisk.wsUrl, iceServers: [], iceGatheringTimeoutMs: 1000 };
  await Promise.all(
    AGENTS.map(async (a) => {
      const context = await browser.newContext({ viewport: { width: 390, height: 900 } });
      contexts.push(context);
      a.phone = new PhoneDriver(await context.newPage());
      await mountPhone(a.phone.page, server, 'sb-softphone', config);
      await a.phone.register(a);
      await a.phone.waitForStatus('registered');
    }),
  );
  // Every queue lists its members, registered and free, before anyone calls.
  const started = performance.now();
  for (const queue of Object.keys(MEMBERS)) await membersFree(queue);
  figures['agents registered → every queue lists its members Not in use'] = ms(
    performance.now() - started,
  );
  figures['how Asterisk lists a member (queue show fifo)'] = memberLine(
    await queueShow('fifo'),
    ann,
  ).trim();
});

after(async () => {
  if (callers) {
    const complete = callers.events('AgentComplete');
    figures['AgentComplete events without the caller’s Uniqueid (caller gone first)'] =
      `${complete.filter((e) => field(e.f, 'uniqueid') === '').length} of ${complete.length}`;
  }
  console.log(`figures (queue routing, real calls): ${JSON.stringify(figures, null, 1)}`);
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
  await callers?.stop();
  await operator?.stop();
  await pbx?.close();
  await ns?.cleanup();
});

// a failed test must not leave a call (or a paused agent) behind for the next one
afterEach(async (t) => {
  if ((t as { passed?: boolean }).passed) return;
  await callers?.hangUpAll().catch(() => undefined);
  for (const a of AGENTS)
    await a.api?.call('PUT', '/softphone/state', { presence: 'available' }).catch(() => undefined);
  for (const a of AGENTS) {
    if (!a.phone || !(await a.phone.call())) continue;
    await a.phone.page.evaluate(() => document.querySelector('sb-softphone')?.phone.hangUp());
    await a.phone.waitForCall('call === undefined').catch(() => undefined);
  }
});

describe('CallQueue routing with real calls on a real Asterisk 22', () => {
  it('leastrecent: the next call goes to the agent idle longest', async () => {
    const shown = await membersFree('lr');
    assert.match(shown, /'leastrecent' strategy/, shown);
    // Three calls, answered one after another by whoever the queue picks…
    const firstThree: { called: SeenEvent; to: Agent }[] = [];
    for (const id of ['lr-1', 'lr-2', 'lr-3']) {
      const { called, to } = await offeredAndAnswered(await callers.call('121', id));
      firstThree.push({ called, to });
    }
    const answeredBy = firstThree.map((c) => c.to);
    assert.deepEqual(
      new Set(names(answeredBy)),
      new Set(['ann', 'bob', 'cid']),
      'a busy agent is never offered a second call',
    );
    // …then hung up in the reverse order, each in a later second than the one before.
    const hungUp = [...firstThree].reverse();
    for (const [i, { called, to }] of hungUp.entries()) {
      if (i > 0) await secondPassed('lr', hungUp[i - 1]?.to as Agent);
      await hangUpCompleted(to, called);
    }
    const idleLongest = hungUp.map((c) => c.to);
    figures['1. leastrecent: answered by, then hung up in the order'] =
      `${names(answeredBy).join(', ')}; ${names(idleLongest).join(', ')}`;
    // Each next call rings the agent idle longest, and only that one; it then
    // becomes the most recent, so the three take turns in the hang-up order.
    const rang: string[] = [];
    for (const [i, expected] of idleLongest.entries()) {
      await secondPassed('lr', (i === 0 ? idleLongest.at(-1) : idleLongest[i - 1]) as Agent);
      const caller = await callers.call('121', `lr-${4 + i}`);
      const { called, to } = await offeredAndAnswered(caller);
      rang.push(to.name);
      assert.equal(to.name, expected.name, `call ${4 + i} goes to the agent idle longest`);
      assert.deepEqual(
        callers.of(caller.id, 'AgentCalled').map((e) => agentOf(e).name),
        [expected.name],
        'leastrecent rings one agent',
      );
      await hangUpCompleted(to, called);
    }
    figures['1. leastrecent: the next three calls rang'] = rang.join(', ');
  });

  it('skills: a french call rings only agents with the skill, the better one (lower penalty) first', async () => {
    const shown = await membersFree('french');
    // french 9 → penalty 1 (dan), french 3 → penalty 7 (eve); nobody without the skill
    assert.match(memberLine(shown, dan), /with penalty 1\b/, shown);
    assert.match(memberLine(shown, eve), /with penalty 7\b/, shown);
    for (const a of [ann, bob, cid]) assert.equal(memberLine(shown, a), '', shown);
    const others = [ann, bob, cid];
    const othersRang = await Promise.all(others.map(incomingCount));
    const from = callers.events().length - 1;

    // Both free: ringall rings the lowest penalty only.
    const fr1 = await callers.call('122', 'fr-1');
    const first = await offeredAndAnswered(fr1);
    assert.equal(first.to, dan, 'the better french speaker rings first');
    assert.deepEqual(
      callers.of(fr1.id, 'AgentCalled').map((e) => agentOf(e).name),
      ['dan'],
      'only the lowest penalty rang',
    );
    // dan busy: the next french speaker.
    const fr2 = await callers.call('122', 'fr-2');
    const second = await offeredAndAnswered(fr2);
    assert.equal(second.to, eve);

    // Both french speakers busy: a third caller waits, though ann, bob and cid are free.
    const fr3 = await callers.call('122', 'fr-3');
    const joined = await callers.waitFor(
      'QueueCallerJoin',
      (f) => field(f, 'uniqueid') === fr3.id,
      'fr-3 joins french',
    );
    await waitUntil(
      'fr-3 has waited 3 s in french (three of app_queue’s once-a-second checks)',
      async () => /wait: 0:0[3-9]/.test(await queueShow('french')),
      10_000,
      200,
    );
    assert.deepEqual(callers.of(fr3.id, 'AgentCalled'), [], 'nobody rang for fr-3 yet');
    const freeShown = await queueShow('lr');
    for (const a of others) assert.match(memberLine(freeShown, a), /\(Not in use\)/, freeShown);

    // eve hangs up: fr-3 goes to her.
    const mark = callers.events().length - 1;
    await hangUp(eve);
    const third = await offeredAndAnswered(fr3, mark);
    assert.equal(third.to, eve);
    figures['2. skills: fr-1, fr-2, fr-3 answered by'] = names([
      first.to,
      second.to,
      third.to,
    ]).join(', ');
    figures['2. skills: fr-3 waited (both french speakers busy)'] = s(third.connect.at - joined.at);

    const calledDuring = callers
      .events('AgentCalled')
      .filter((e) => e.seq > from)
      .map((e) => agentOf(e).name);
    for (const a of others)
      assert.ok(!calledDuring.includes(a.name), `${a.name} (no french) was never called`);
    assert.deepEqual(
      await Promise.all(others.map(incomingCount)),
      othersRang,
      'no phone without the skill rang',
    );
    await hangUp(dan);
    await hangUp(eve);
  });

  it('20 callers into a queue of 5 agents are all answered in arrival order, nobody rung twice at once', async () => {
    await membersFree('fifo');
    const started = performance.now();
    const from = callers.events().length - 1;
    const ids = Array.from({ length: 20 }, (_, i) => `fifo-${String(i + 1).padStart(2, '0')}`);
    const byId = new Map<string, QueueCaller>();
    const active: { caller: QueueCaller; called: SeenEvent; to: Agent }[] = [];
    const rangBefore = await Promise.all(AGENTS.map(incomingCount));
    // The first five find a free agent each (answered as they ring)…
    for (const id of ids.slice(0, 5)) {
      const caller = await callers.call('125', id);
      byId.set(id, caller);
      const { called, to } = await offeredAndAnswered(caller);
      active.push({ caller, called, to });
    }
    assert.equal(new Set(active.map((c) => c.to)).size, 5, 'five callers, five different agents');
    // …the other fifteen wait, one after another.
    for (const [i, id] of ids.slice(5).entries()) {
      const caller = await callers.call('125', id);
      byId.set(id, caller);
      const joined = await callers.waitFor(
        'QueueCallerJoin',
        (f) => field(f, 'uniqueid') === id,
        `${id} joins fifo`,
      );
      assert.equal(field(joined.f, 'position'), String(i + 1), `${id}'s position`);
    }
    // Asterisk's own list of waiting callers, in its order, by channel name
    const idOf = new Map(
      callers.events('QueueCallerJoin').map((e) => [field(e.f, 'channel'), field(e.f, 'uniqueid')]),
    );
    const listed = (await queueShow('fifo'))
      .split('\n')
      .map((l) => /^\s+\d+\. (Local\/\S+;2) \(wait/.exec(l)?.[1])
      .filter((c) => c !== undefined)
      .map((c) => idOf.get(c));
    assert.deepEqual(
      listed,
      ids.slice(5),
      'queue show lists the 15 waiting callers in arrival order',
    );
    figures['3. 20 callers: 5 answered, 15 waiting after'] = s(performance.now() - started);

    /** Per freed agent: hung up → next caller offered, offered → connected (ms). */
    const rounds: [number, number][] = [];
    // The agent whose call is oldest hangs up; the one free agent must get the
    // caller who has waited longest, every time. One agent is freed at a
    // time: two freed at once would let the two head callers race (app_queue
    // checks each waiting caller's turn once a second, in its own thread), so
    // which of them rings first would be chance, not order.
    for (const id of ids.slice(5)) {
      const done = active.shift();
      assert.ok(done);
      const mark = callers.events().length - 1;
      await hangUp(done.to);
      const freed = performance.now();
      const caller = byId.get(id) as QueueCaller;
      const next = await callers.waitFor(
        'AgentCalled',
        () => true,
        `the next AgentCalled after ${done.to.name} hung up`,
        15_000,
        mark,
      );
      assert.equal(field(next.f, 'uniqueid'), id, 'the caller waiting longest is offered next');
      assert.equal(agentOf(next), done.to, 'to the agent who just became free');
      const { called, to, connect } = await offeredAndAnswered(caller, mark);
      rounds.push([next.at - freed, connect.at - next.at]);
      active.push({ caller, called, to });
    }
    const total = performance.now() - started;
    for (const { called, to } of active) await hangUpCompleted(to, called);

    const events = callers.events().filter((e) => e.seq > from && field(e.f, 'queue') === 'fifo');
    const order = (name: string) =>
      events.filter((e) => e.name === name).map((e) => field(e.f, 'uniqueid'));
    const firstOffers = [...new Set(order('AgentCalled'))];
    assert.deepEqual(order('QueueCallerJoin'), ids, 'joined in the order they called');
    assert.deepEqual(firstOffers, ids, 'offered in arrival order');
    assert.deepEqual(order('AgentConnect'), ids, 'answered in arrival order');
    assert.equal(order('AgentCalled').length, 20, 'every caller was offered exactly once');
    assert.deepEqual(order('QueueCallerAbandon'), [], 'nobody gave up');

    // Per agent, from Asterisk: from AgentCalled until that agent channel's
    // Hangup, no other AgentCalled may name the same agent; and its browser
    // rang once per offer (the softphone refuses an INVITE that comes during
    // a call with 486 without showing it, and app_queue would log the busy
    // agent as AgentRingNoAnswer).
    const agentChannels = events
      .filter((e) => e.name === 'AgentCalled')
      .map((e) => field(e.f, 'destuniqueid'));
    await waitUntil('Hangup of every agent channel of the 20 calls', () => {
      const gone = new Set(callers.events('Hangup').map((e) => field(e.f, 'uniqueid')));
      return agentChannels.every((c) => gone.has(c));
    });
    const all = callers.events().filter((e) => e.seq > from);
    for (const a of AGENTS) {
      const channels = new Set<string>();
      const trail: string[] = [];
      /** The agent channel (Uniqueid) of the offer in progress. */
      let open: string | undefined;
      let offers = 0;
      for (const e of all) {
        const uid = field(e.f, 'uniqueid');
        const mine =
          field(e.f, 'destchannel').startsWith(`PJSIP/${a.username}-`) ||
          (e.name === 'Hangup' && channels.has(uid));
        if (!mine || (e.name !== 'Hangup' && field(e.f, 'queue') !== 'fifo')) continue;
        trail.push(
          `${e.name} ${e.name === 'Hangup' ? uid : `${uid}→${field(e.f, 'destuniqueid')}`}`,
        );
        if (e.name === 'AgentCalled') {
          assert.equal(open, undefined, `${a.name} rung while busy:\n${trail.join('\n')}`);
          open = field(e.f, 'destuniqueid');
          channels.add(open);
          offers++;
        } else if (e.name === 'Hangup' && uid === open) {
          open = undefined;
        }
      }
      assert.equal(open, undefined, `${a.name} ends free`);
      assert.ok(offers >= 3, `${a.name} took ${offers} calls`);
      const rang = (await incomingCount(a)) - (rangBefore[AGENTS.indexOf(a)] ?? 0);
      assert.equal(rang, offers, `${a.name}'s phone rang once per offer`);
    }
    assert.deepEqual(order('AgentRingNoAnswer'), [], 'no agent was rung in vain');
    const holds = events
      .filter((e) => e.name === 'AgentConnect')
      .map((e) => Number(field(e.f, 'holdtime')));
    figures['3. 20 callers into 5 agents: all answered in arrival order in'] = s(total);
    figures['3. queue wait (AgentConnect HoldTime) mean / max'] =
      `${(holds.reduce((x, y) => x + y, 0) / holds.length).toFixed(1)} s / ${Math.max(...holds)} s`;
    const mean = (i: 0 | 1) => rounds.reduce((x, r) => x + r[i], 0) / rounds.length;
    figures['3. agent hung up → next caller offered, offered → answered (mean of 15)'] =
      `${ms(mean(0))}, ${ms(mean(1))}`;
    figures['3. calls per agent'] = AGENTS.map(
      (a) =>
        `${a.name} ${events.filter((e) => e.name === 'AgentConnect' && agentOf(e) === a).length}`,
    ).join(', ');
  });

  // Last: ann lets the sales call ring unanswered, which a queue with
  // autopause would punish in every queue she serves.
  it('max wait: a caller waiting past maxWaitSeconds goes to the overflow queue and is answered there', async () => {
    await Promise.all([membersFree('sales'), membersFree('sales-backup')]);
    const caller = await callers.call('123', 'ov-1');
    const joined = await callers.waitFor(
      'QueueCallerJoin',
      (f) => field(f, 'uniqueid') === caller.id && field(f, 'queue') === 'sales',
      'ov-1 joins sales',
    );
    // ann is rung, and lets it ring
    const called = await callers.waitFor(
      'AgentCalled',
      (f) => field(f, 'uniqueid') === caller.id,
      'sales rings ann',
    );
    assert.equal(agentOf(called), ann);
    await ann.phone.waitForCall("call?.phase === 'ringing'");

    const moved = await callers.waitFor(
      'QueueCallerJoin',
      (f) => field(f, 'uniqueid') === caller.id && field(f, 'queue') === 'sales-backup',
      'ov-1 joins sales-backup',
      20_000,
    );
    const left = callers.of(caller.id, 'QueueCallerLeave');
    assert.deepEqual(
      left.map((e) => field(e.f, 'queue')),
      ['sales'],
    );
    const waited = moved.at - joined.at;
    figures['4. overflow: maxWaitSeconds 10 → moved to the overflow queue after'] = s(waited);
    // app_queue counts the max wait in whole seconds
    assert.ok(waited >= 9_000 && waited <= 12_000, `waited ${waited} ms in sales`);
    assert.deepEqual(callers.of(caller.id, 'Hangup'), [], 'the caller stayed on the line');
    await ann.phone.waitForCall('call === undefined');

    const backup = await offeredAndAnswered(caller, moved.seq);
    assert.equal(backup.to, bob);
    assert.equal(field(backup.connect.f, 'queue'), 'sales-backup');
    figures['4. overflow: joined sales → answered in sales-backup'] = s(
      backup.connect.at - joined.at,
    );
    // a real call: bob hears the caller (its music on hold, µ-law)
    await waitUntil(
      'bob receives the caller’s audio',
      async () => {
        const heard = await inboundAudio(bob.phone);
        return (
          heard.packets > 25 && heard.codec === 'audio/PCMU' && meanEnergy(NOTHING, heard) > SILENCE
        );
      },
      10_000,
      50,
    );
    await hangUp(bob);
    // Not `queue show`'s "has taken no calls": with shared_lastcall app_queue
    // counts a member's calls from all its queues in each of them.
    assert.deepEqual(
      callers.of(caller.id, 'AgentConnect').map(agentOf),
      [bob],
      'ann never answered: bob alone connected ov-1',
    );
  });

  it('a paused agent is never rung; Available hands it the caller waiting (click → offered measured)', async () => {
    const shown = await membersFree('pausing');
    assert.match(shown, /'ringall' strategy/, shown);
    const from = callers.events().length - 1;
    const cidRang = await incomingCount(cid);
    const paused = await setPresence(cid, { presence: 'paused', reason: 'break' });
    assert.equal(paused.reason, 'break');
    // The answer comes once Asterisk took the pause: it holds in every queue cid serves.
    assert.match(memberLine(await queueShow('pausing'), cid), /\(paused:break/);
    assert.match(memberLine(await queueShow('fifo'), cid), /\(paused:break/);

    // Both free, cid paused: ringall rings bob alone.
    const first = await offeredAndAnswered(await callers.call('126', 'pz-first'));
    assert.equal(first.to, bob, 'bob answers while cid is paused');
    assert.deepEqual(
      callers.of('pz-first', 'AgentCalled').map((e) => agentOf(e).name),
      ['bob'],
      'ringall did not ring the paused agent',
    );

    // bob busy, cid paused: each caller waits until cid clicks Available,
    // then rings cid; cid answers, pauses during the call, hangs up: paused again.
    const rounds: { ack: number; offered: number; rang: number; waitedFor: number }[] = [];
    for (let i = 0; i < AVAILABLE_ROUNDS; i++) {
      const caller = await callers.call('126', `pz-w${i}`);
      await callers.waitFor(
        'QueueCallerJoin',
        (f) => field(f, 'uniqueid') === caller.id,
        `${caller.id} joins pausing`,
      );
      // Several of app_queue's checks for a free member while cid is paused
      // (a caller with nobody available re-checks once a second): the first
      // round long enough to be sure, later ones shorter.
      await waited('pausing', caller, i === 0 ? 3 : 1);
      assert.deepEqual(callers.of(caller.id, 'AgentCalled'), [], `${caller.id} rang nobody yet`);
      assert.equal(callsTo(cid, from).length, i, 'AgentCalled never named cid while paused');
      assert.equal(
        await incomingCount(cid),
        cidRang + i,
        "cid's browser did not ring while paused",
      );
      assert.match(memberLine(await queueShow('pausing'), cid), /\(paused:break/);

      const mark = callers.events().length - 1;
      const click = performance.now();
      await setPresence(cid, { presence: 'available' });
      const ack = performance.now();
      const called = await callers.waitFor(
        'AgentCalled',
        (f) => field(f, 'uniqueid') === caller.id,
        `AgentCalled for ${caller.id} once cid is available`,
        10_000,
        mark,
      );
      assert.equal(agentOf(called), cid, 'the waiting caller rings the agent who became available');
      await answer(cid, caller);
      const rang = await lastIncomingAt(cid);
      const joined = callers.of(caller.id, 'QueueCallerJoin')[0] as SeenEvent;
      rounds.push({
        ack: ack - click,
        offered: called.at - click,
        rang: rang - click,
        waitedFor: click - joined.at,
      });
      await callers.waitFor(
        'AgentConnect',
        (f) => field(f, 'uniqueid') === caller.id,
        `AgentConnect for ${caller.id}`,
      );
      if (i < AVAILABLE_ROUNDS - 1) await setPresence(cid, { presence: 'paused', reason: 'break' });
      await hangUpCompleted(cid, called);
    }
    await hangUpCompleted(bob, first.called);
    assert.equal(callsTo(cid, from).length, AVAILABLE_ROUNDS, 'cid rang once per Available');
    assert.equal(await incomingCount(cid), cidRang + AVAILABLE_ROUNDS);
    assert.deepEqual(
      callers
        .events('AgentRingNoAnswer')
        .filter((e) => e.seq > from)
        .map((e) => agentOf(e).name),
      [],
      'no agent rang in vain',
    );
    assert.equal((await ownState(cid)).presence, 'available');
    // A caller with no member available sits in app_queue's wait_our_turn,
    // which re-checks is_our_turn once a second (RECHECK, fixed at 1 s, not
    // the queue's retry); QueuePause does not wake it. So the offer comes at
    // that caller's next check: 0 to 1 s after the click, whatever the tool.
    const slowest = Math.max(...rounds.map((x) => x.offered));
    assert.ok(slowest < 2_500, `offered within app_queue's 1 s check (slowest ${slowest} ms)`);

    figures['5. paused: click Available → PUT answered (QueuePause acknowledged)'] = spread(
      rounds.map((x) => x.ack),
    );
    figures['5. paused: click Available → Asterisk offers the waiting caller (AgentCalled)'] =
      spread(rounds.map((x) => x.offered));
    figures['5. paused: click Available → the agent’s browser rings'] = spread(
      rounds.map((x) => x.rang),
    );
    figures['5. paused: caller had waited before the click'] = rounds
      .map((x) => s(x.waitedFor))
      .join(', ');
  });

  it(`wrap-up: an agent is not offered the next call, from any of its queues, until wrapUpSeconds (${WRAP_UP_SECONDS}) after its last`, async () => {
    await membersFree('wrapup');
    await membersFree('wrapup-other');
    const from = callers.events().length - 1;
    const danRang = await incomingCount(dan);
    const first = await offeredAndAnswered(await callers.call('127', 'wu-first'));
    assert.equal(first.to, dan);
    assert.equal((await ownState(dan)).onCall, true, 'on a call, as the agent sees it');
    // A second caller waits in dan's OTHER queue, which has no wrap-up of
    // its own: dan, its only member, is busy, then in the first queue's wrap-up.
    const next = await callers.call('129', 'wu-next');
    await callers.waitFor(
      'QueueCallerJoin',
      (f) => field(f, 'uniqueid') === next.id && field(f, 'queue') === 'wrapup-other',
      'wu-next joins wrapup-other',
    );
    const complete = await hangUpCompleted(dan, first.called);

    // Right after the call the agent's own view shows the wrap-up end.
    const view = await ownState(dan);
    const seen = Date.now();
    assert.ok(view.wrapUpUntil, `wrapUpUntil right after the call: ${JSON.stringify(view)}`);
    const until = Date.parse(view.wrapUpUntil);
    assert.ok(until > seen, `wrapUpUntil ${view.wrapUpUntil} is in the future`);
    const fromComplete = until - complete.wall;
    assert.ok(
      Math.abs(fromComplete - WRAP_UP_SECONDS * 1000) < 1_000,
      `wrapUpUntil is ${WRAP_UP_SECONDS} s after AgentComplete (${fromComplete} ms)`,
    );
    // app_queue's own record of the call's end, in whole seconds
    const member = (await callers.members('wrapup')).find(
      (m) => field(m, 'name') === dan.displayName,
    );
    assert.ok(member, 'dan in QueueStatus wrapup');
    const lastCall = Number(field(member, 'lastcall'));
    assert.ok(lastCall > 0, 'app_queue counted the call');

    // During wrap-up dan is free by device state and not paused: only wrap-up keeps the caller away.
    let freeLine = '';
    await waitUntil('dan Not in use after the call', async () => {
      freeLine = memberLine(await queueShow('wrapup'), dan);
      return /\(Not in use\)/.test(freeLine);
    });
    assert.doesNotMatch(freeLine, /paused/);
    const freeAt = Date.now();
    assert.ok(freeAt < lastCall * 1000 + WRAP_UP_SECONDS * 1000, 'free before wrap-up ended');

    const offered = await callers.waitFor(
      'AgentCalled',
      (f) => field(f, 'uniqueid') === next.id,
      'wu-next rings dan after wrap-up',
      WRAP_UP_SECONDS * 1000 + 5_000,
      complete.seq,
    );
    assert.equal(agentOf(offered), dan);
    // Asterisk's rule, in its own whole seconds: no offer while now − lastcall < wrapuptime.
    assert.ok(
      Math.floor(offered.wall / 1000) - lastCall >= WRAP_UP_SECONDS,
      `offered at ${offered.wall} ms, ${WRAP_UP_SECONDS} s after lastcall ${lastCall}`,
    );
    const gap = offered.at - complete.at;
    // app_queue keeps lastcall in whole seconds (time(NULL) at the call's
    // end): a call ending late in a second gets down to (wrapUpSeconds − 1) s
    // and a bit of wrap-up, and the offer itself waits for the caller's next
    // once-a-second check.
    assert.ok(gap >= (WRAP_UP_SECONDS - 1) * 1000, `next offer ${gap} ms after AgentComplete`);
    assert.equal(callsTo(dan, from).length, 2, 'dan rang twice in all: no offer during wrap-up');
    assert.equal(await incomingCount(dan), danRang + 2);
    assert.equal(callers.of(next.id, 'AgentCalled').length, 1);

    await answer(dan, next);
    await hangUpCompleted(dan, offered);
    // The wrap-up is the one of the queue the call came from: wrapup-other has none.
    const second = await ownState(dan);
    assert.equal(second.wrapUpUntil, undefined, 'no wrap-up after a call from wrapup-other');
    figures['6. wrap-up 3 s: AgentComplete → next caller offered (AgentCalled)'] = ms(gap);
    figures['6. wrap-up 3 s: Asterisk’s lastcall → offered (its whole seconds; wall ms)'] =
      `${Math.floor(offered.wall / 1000) - lastCall} s; ${ms(offered.wall - lastCall * 1000)}`;
    figures['6. wrap-up 3 s: operator’s wrapUpUntil − AgentComplete; offered − wrapUpUntil'] =
      `${ms(fromComplete)}; ${ms(offered.wall - until)}`;
  });

  it('signed out: an agent not in the queue is not rung; signing in makes it a member that gets the next call', async () => {
    await membersFree('signout');
    const from = callers.events().length - 1;
    const eveRang = await incomingCount(eve);
    const out = await setPresence(eve, { presence: 'signed-out' });
    assert.deepEqual(out.queues, [], 'a member of no queue');
    assert.deepEqual(out.eligibleQueues, ['fifo', 'french', 'signout']);
    for (const queue of ['signout', 'fifo', 'french'])
      assert.equal(memberLine(await queueShow(queue), eve), '', `eve not in queue show ${queue}`);

    // cid free, eve signed out: ringall rings cid alone.
    const first = await offeredAndAnswered(await callers.call('128', 'so-first'));
    assert.equal(first.to, cid);
    assert.deepEqual(
      callers.of('so-first', 'AgentCalled').map((e) => agentOf(e).name),
      ['cid'],
    );
    // cid busy: the next caller waits, eve is not rung.
    const next = await callers.call('128', 'so-next');
    await callers.waitFor(
      'QueueCallerJoin',
      (f) => field(f, 'uniqueid') === next.id,
      'so-next joins signout',
    );
    await waited('signout', next, 3);
    assert.deepEqual(callers.of(next.id, 'AgentCalled'), [], 'so-next rang nobody');
    assert.deepEqual(callsTo(eve, from), [], 'eve was never called while signed out');
    assert.equal(await incomingCount(eve), eveRang, "eve's browser never rang");

    const mark = callers.events().length - 1;
    const click = performance.now();
    const back = await setPresence(eve, { presence: 'available' });
    const ack = performance.now();
    assert.deepEqual(back.queues, ['fifo', 'french', 'signout']);
    assert.match(memberLine(await queueShow('signout'), eve), /\(dynamic\)/);
    const offered = await callers.waitFor(
      'AgentCalled',
      (f) => field(f, 'uniqueid') === next.id,
      'so-next rings eve once she signed in',
      10_000,
      mark,
    );
    assert.equal(agentOf(offered), eve);
    await answer(eve, next);
    const rang = await lastIncomingAt(eve);
    await callers.waitFor(
      'AgentConnect',
      (f) => field(f, 'uniqueid') === next.id,
      'AgentConnect for so-next',
    );
    await hangUpCompleted(eve, offered);
    await hangUpCompleted(cid, first.called);
    assert.equal(await incomingCount(eve), eveRang + 1);
    await Promise.all([membersFree('signout'), membersFree('fifo'), membersFree('french')]);
    figures['7. signed out: sign in → PUT answered; → offered (AgentCalled); → browser rings'] =
      `${ms(ack - click)}; ${ms(offered.at - click)}; ${ms(rang - click)}`;
  });

  it('logs no WARNING or ERROR in Asterisk for these calls', () => {
    assert.deepEqual(pbx.problems(), []);
  });
});
