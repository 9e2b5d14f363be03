// GET /softphone/events in the real operator against the real control plane:
// the signed-in agent's own line pushed as server-sent events — a rotation,
// a suspension, a deletion, a login password change — with heartbeats, and
// streams that never hold up the operator's shutdown.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LineState } from '../../operator/src/api/softphone/line-state.ts';
import { ApiSession, signInAdmin } from '../support/api-session.ts';
import { createNamespace, testCluster } from '../support/cluster.ts';
import { installCrds } from '../support/crds.ts';
import { EventStreamReader, type StreamItem } from '../support/event-stream-reader.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import { Resources } from '../support/resources.ts';

const cluster = testCluster();
const HEARTBEAT_MS = 300;
let ns: Awaited<ReturnType<typeof createNamespace>>;
let r: Resources;
let operator: OperatorProcess;
let base: string;
let admin: ApiSession;
const readers: EventStreamReader[] = [];

interface Created {
  user: { id: string; sipUsername: string; sipExtension: number };
  sipCredentials: { username: string; password: string; extension: number };
}

const cookieOf = (s: ApiSession) => [...s.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
const isLine = (item: StreamItem) => item.event === 'line';
const lineOf = (item: StreamItem) => JSON.parse(item.data) as LineState;

async function createAgent(name: string): Promise<Created> {
  const res = await admin.call<Created>('POST', '/hr/users', {
    name,
    password: 'agent-login-pw',
    accountType: 'agent',
  });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

async function signIn(username: string): Promise<ApiSession> {
  const s = new ApiSession(base);
  const res = await s.login(username, 'agent-login-pw');
  assert.equal(res.status, 200, res.text);
  return s;
}

async function openEvents(s: ApiSession | undefined, port = operator.port) {
  const reader = await EventStreamReader.open(
    `http://127.0.0.1:${port}/softphone/events`,
    s ? { cookie: cookieOf(s) } : {},
  );
  readers.push(reader);
  return reader;
}

before(async () => {
  await installCrds(cluster);
  ns = await createNamespace(cluster, 'softphone-events');
  r = new Resources(cluster, ns.name);
  await r.createConfig({ extensions: { start: 3000, end: 3099 } });
  operator = await startOperator(cluster, ns.name, 'events-a', {
    SOFTPHONE_EVENTS_HEARTBEAT_MS: String(HEARTBEAT_MS),
  });
  base = `http://127.0.0.1:${operator.port}`;
  ({ session: admin } = await signInAdmin(r, base));
});
after(async () => {
  for (const reader of readers) reader.close();
  await operator?.stop();
  await ns?.cleanup();
});

describe('GET /softphone/events', () => {
  it('is for a signed-in agent only', async () => {
    const stranger = await openEvents(undefined);
    assert.equal(stranger.status, 401);
    const asAdmin = await openEvents(admin);
    assert.equal(asAdmin.status, 403);
    await Promise.all([stranger.ended, asAdmin.ended]);
  });

  it('streams the agent’s line at once, then heartbeats; a rotation arrives as a new username', async () => {
    const agent = await createAgent('Rita Rotate');
    const session = await signIn(agent.sipCredentials.username);
    const events = await openEvents(session);
    assert.equal(events.status, 200);
    assert.equal(events.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    assert.equal(events.headers.get('cache-control'), 'no-store');
    assert.equal(events.headers.get('x-accel-buffering'), 'no');
    assert.equal(events.headers.get('x-content-type-options'), 'nosniff', 'security headers too');
    const retry = await events.next((i) => i.event === 'retry');
    assert.deepEqual([retry.index, retry.data], [0, '1000'], 'EventSource comes back within 1 s');
    const first = await events.next(isLine);
    assert.deepEqual(lineOf(first), {
      state: 'active',
      username: agent.sipCredentials.username,
      extension: 3000,
      registered: false,
      // no AMI in this namespace: Asterisk cannot have loaded it
      provisioned: false,
    });
    await events.next((i) => i.event === 'comment' && i.data === 'keep-alive', HEARTBEAT_MS * 5);

    const started = performance.now();
    const rotated = await admin.call<Created>(
      'POST',
      `/hr/users/${agent.user.id}/regenerate-sip`,
      {},
    );
    assert.equal(rotated.status, 200, rotated.text);
    const change = await events.next(isLine, 5000, first.index + 1);
    const line = lineOf(change);
    console.log(
      `regenerate → line event: ${(change.at - started).toFixed(0)} ms (the POST answered in ${rotated.ms.toFixed(0)} ms)`,
    );
    assert.equal(line.state, 'active');
    assert.equal(line.username, rotated.body.sipCredentials.username);
    assert.notEqual(line.username, agent.sipCredentials.username);
    assert.equal(line.extension, 3000, 'the extension stays');
    assert.equal(events.done, false, 'the stream stays open: the session is still valid');
    // nothing else about the line changed: no more line events, only heartbeats
    await events.next((i) => i.event === 'comment', HEARTBEAT_MS * 5, change.index + 1);
    assert.equal(events.items.filter(isLine).length, 2);
  });

  it('a suspension is the last event: the stream ends and cannot be reopened', async () => {
    const agent = await createAgent('Sam Suspend');
    const session = await signIn(agent.sipCredentials.username);
    const events = await openEvents(session);
    const first = await events.next(isLine);
    const started = performance.now();
    const res = await admin.call('PATCH', `/hr/users/${agent.user.id}`, { suspended: true });
    assert.equal(res.status, 200, res.text);
    const last = await events.next(isLine, 5000, first.index + 1);
    console.log(`suspend → line event: ${(last.at - started).toFixed(0)} ms`);
    assert.equal(lineOf(last).state, 'suspended');
    await events.ended;
    assert.equal((await openEvents(session)).status, 401, 'the session ended with it');
  });

  it('a deletion is the last event', async () => {
    const agent = await createAgent('Dora Delete');
    const session = await signIn(agent.sipCredentials.username);
    const events = await openEvents(session);
    const first = await events.next(isLine);
    const res = await admin.call('DELETE', `/hr/users/${agent.user.id}`);
    assert.equal(res.status, 200, res.text);
    const last = await events.next(isLine, 5000, first.index + 1);
    assert.deepEqual(lineOf(last), { ...lineOf(first), state: 'deleted' });
    await events.ended;
  });

  it('a changed login password ends the stream at the next heartbeat', async () => {
    const agent = await createAgent('Pia Password');
    const session = await signIn(agent.sipCredentials.username);
    const events = await openEvents(session);
    await events.next(isLine);
    const res = await admin.call('PATCH', `/hr/users/${agent.user.id}`, {
      password: 'another-login-pw',
    });
    assert.equal(res.status, 200, res.text);
    const out = await events.next((i) => i.event === 'signed-out', HEARTBEAT_MS * 10);
    assert.deepEqual(JSON.parse(out.data), { reason: 'the session ended' });
    await events.ended;
  });

  it('open streams do not hold up a replica’s shutdown', async () => {
    const second = await startOperator(cluster, ns.name, 'events-b', {
      SOFTPHONE_EVENTS_HEARTBEAT_MS: '60000',
    });
    const agent = await createAgent('Olga Open');
    const session = await signIn(agent.sipCredentials.username);
    const streams = await Promise.all([1, 2, 3].map(() => openEvents(session, second.port)));
    for (const s of streams) await s.next(isLine);
    const started = performance.now();
    await second.stop();
    const stopMs = performance.now() - started;
    await Promise.all(streams.map((s) => s.ended));
    console.log(`replica with 3 open streams stopped in ${stopMs.toFixed(0)} ms`);
    assert.ok(stopMs < 5000, `stopped in ${stopMs.toFixed(0)} ms`);
  });
});
