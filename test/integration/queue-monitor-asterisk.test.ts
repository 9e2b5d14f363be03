// The live queue model on a real Asterisk 22: callers (AMI-originated Local
// channels into the hotline queue, nobody to answer them) join and abandon;
// at every checkpoint GET /monitor/queues and the Prometheus gauges say what
// Asterisk's own `queue show` says; after an Asterisk restart the model is
// read again, never left with callers who are gone.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ApiSession, signInAdmin } from '../support/api-session.ts';
import { createNamespace, testCluster } from '../support/cluster.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import { addQueueCallers, type QueueCallers } from '../support/queue-callers.ts';
import { type RealAsterisk, startRealAsterisk } from '../support/real-asterisk.ts';
import { Resources } from '../support/resources.ts';
import { waitUntil } from '../support/wait.ts';

interface LiveQueues {
  live: boolean;
  queues: {
    name: string;
    longestWaitSeconds: number;
    waiting: { position: number; channel: string; uniqueid: string; waitSeconds: number }[];
  }[];
}

const cluster = testCluster();
let ns: Awaited<ReturnType<typeof createNamespace>>;
let r: Resources;
let pbx: RealAsterisk;
let operator: OperatorProcess;
let admin: ApiSession;
let callers: QueueCallers;
let callersAccess: ReturnType<typeof addQueueCallers>;
const figures: Record<string, string> = {};

/** Channels `queue show support` lists as waiting, in queue order. */
async function asteriskWaiting(): Promise<string[]> {
  const shown = await pbx.asterisk.cli('queue show support');
  return [...shown.matchAll(/^\s+\d+\. (\S+) \(wait:/gm)].map((m) => m[1] ?? '');
}

async function live(): Promise<LiveQueues> {
  const res = await admin.call<LiveQueues>('GET', '/monitor/queues');
  assert.equal(res.status, 200, res.text);
  return res.body;
}

const support = (l: LiveQueues) => l.queues.find((q) => q.name === 'support');

/** Waits until Asterisk lists `count` callers and the model the same channels, in the same order. */
async function agreeWithAsterisk(what: string, count: number): Promise<string[]> {
  let ours: string[] = [];
  let theirs: string[] = [];
  await waitUntil(`${what}: queue show lists ${count} and the model the same`, async () => {
    theirs = await asteriskWaiting();
    ours = (support(await live())?.waiting ?? []).map((c) => c.channel);
    return theirs.length === count && JSON.stringify(ours) === JSON.stringify(theirs);
  });
  const positions = (support(await live())?.waiting ?? []).map((c) => c.position);
  assert.deepEqual(
    positions,
    positions.map((_, i) => i + 1),
    'positions 1..n',
  );
  return ours;
}

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${operator.port}/metrics`)).text();
  const m = new RegExp(`^${name}\\{namespace="${ns.name}",queue="support"\\} (\\d+)`, 'm').exec(
    text,
  );
  return Number(m?.[1] ?? 0);
}

before(async () => {
  ns = await createNamespace(cluster, 'queue-monitor');
  r = new Resources(cluster, ns.name);
  pbx = await startRealAsterisk(cluster, r);
  callersAccess = addQueueCallers(pbx.asterisk);
  operator = await startOperator(cluster, ns.name, 'queue-monitor', { ASTERISK_POLL_MS: '100' });
  await r.createConfig({
    ami: pbx.amiSpec,
    asteriskWsUrl: pbx.asterisk.wsUrl,
    transports: { ws: true, wss: false },
  });
  await pbx.start();
  callers = await callersAccess.connect();
  ({ session: admin } = await signInAdmin(r, `http://127.0.0.1:${operator.port}`));
  await waitUntil('the live queues are read', async () => {
    const res = await admin.call<LiveQueues>('GET', '/monitor/queues');
    return res.status === 200 && res.body.live && support(res.body) !== undefined;
  });
});
after(async () => {
  console.log(`figures (live queues, real Asterisk): ${JSON.stringify(figures, null, 1)}`);
  await callers?.hangUpAll();
  await callers?.stop();
  await operator?.stop();
  await pbx?.close();
  await ns?.cleanup();
});

describe('the live queue model on a real Asterisk 22', () => {
  it('lists waiting callers in queue order, as queue show does', async () => {
    assert.deepEqual(support(await live())?.waiting, []);
    const started = performance.now();
    for (const id of ['mon-a', 'mon-b', 'mon-c']) await callers.call('117', id);
    await agreeWithAsterisk('three callers', 3);
    figures['3 callers placed -> queue show and the model list them'] =
      `${Math.round(performance.now() - started)} ms`;
    assert.equal(await metric('switchboard_queue_callers_waiting'), 3);
    await waitUntil('the longest wait ticks', async () => {
      return (support(await live())?.longestWaitSeconds ?? 0) >= 1;
    });
    assert.ok((await metric('switchboard_queue_longest_wait_seconds')) >= 1);
  });

  it('drops an abandoning caller and moves those behind up; counts the abandon', async () => {
    const before = await metric('switchboard_queue_calls_abandoned_total');
    const middle = support(await live())?.waiting[1];
    assert.ok(middle);
    await callers.client.action({ action: 'Hangup', channel: middle.channel });
    const waiting = await agreeWithAsterisk('one abandoned', 2);
    assert.ok(!waiting.includes(middle.channel));
    await waitUntil('the abandon is counted', async () => {
      return (await metric('switchboard_queue_calls_abandoned_total')) === before + 1;
    });
  });

  it('reads the queues again after an Asterisk restart: nobody who is gone stays', async () => {
    await callers.stop();
    await pbx.asterisk.stop();
    await pbx.asterisk.start();
    const restarted = performance.now();
    await waitUntil('the model is empty again', async () => {
      const res = await admin.call<LiveQueues>('GET', '/monitor/queues');
      return res.status === 200 && res.body.live && support(res.body)?.waiting.length === 0;
    });
    figures['Asterisk restarted -> the model read again'] =
      `${Math.round(performance.now() - restarted)} ms`;
    callers = await callersAccess.connect();
    await callers.call('117', 'mon-d');
    await agreeWithAsterisk('a caller after the restart', 1);
    await callers.hangUpAll();
    await agreeWithAsterisk('everybody hung up', 0);
  });
});
