// Agent states on a real Asterisk 22: agents are dynamic queue members the
// operator adds; an agent pauses (with a reason) and signs out through the
// API, an admin changes anyone's; a config reload, an operator restart and
// an Asterisk restart leave every state as it was; bad input is refused
// naming the field; each change is an Event and an SSE message.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SIGNED_OUT_FAMILY } from '../../operator/src/agentstate/agent-states.ts';
import type { AgentStateView } from '../../operator/src/agentstate/types.ts';
import { ApiSession, signInAdmin } from '../support/api-session.ts';
import { createNamespace, testCluster } from '../support/cluster.ts';
import { EventStreamReader } from '../support/event-stream-reader.ts';
import { type CreatedAgent, createHrAgent } from '../support/hr-agents.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import { type RealAsterisk, startRealAsterisk } from '../support/real-asterisk.ts';
import { condition, Resources } from '../support/resources.ts';
import { waitUntil } from '../support/wait.ts';

const cluster = testCluster();
let ns: Awaited<ReturnType<typeof createNamespace>>;
let r: Resources;
let pbx: RealAsterisk;
let operator: OperatorProcess;
let base: string;
let admin: ApiSession;
let ann: CreatedAgent;
let bob: CreatedAgent;
let annSession: ApiSession;
const readers: EventStreamReader[] = [];
const figures: Record<string, string> = {};
const LOGIN = 'agent-login-pw';

/** `queue show support`'s line for a member (by its display name), '' when not a member. */
async function memberLine(name: string, queue = 'support'): Promise<string> {
  const shown = await pbx.asterisk.cli(`queue show ${queue}`);
  return shown.split('\n').find((l) => l.includes(name)) ?? '';
}

async function startTheOperator(): Promise<void> {
  operator = await startOperator(cluster, ns.name, 'agent-states', { ASTERISK_POLL_MS: '100' });
  base = `http://127.0.0.1:${operator.port}`;
}

async function provisioned(agent: CreatedAgent): Promise<void> {
  await waitUntil(
    `${agent.user.id} Provisioned`,
    async () => condition(await r.agent(agent.user.id), 'Provisioned')?.status === 'True',
    30_000,
  );
}

before(async () => {
  ns = await createNamespace(cluster, 'agent-states');
  r = new Resources(cluster, ns.name);
  pbx = await startRealAsterisk(cluster, r);
  await startTheOperator();
  await r.createConfig({
    ami: pbx.amiSpec,
    asteriskWsUrl: pbx.asterisk.wsUrl,
    transports: { ws: true, wss: false },
    agentStates: { pauseReasons: ['break', 'lunch', 'coaching'] },
  });
  await pbx.start();
  ({ session: admin } = await signInAdmin(r, base));
  ann = await createHrAgent(admin, 'Ann Agent', LOGIN);
  bob = await createHrAgent(admin, 'Bob Agent', LOGIN);
  await Promise.all([provisioned(ann), provisioned(bob)]);
  annSession = new ApiSession(base);
  assert.equal((await annSession.login(ann.sipCredentials.username, LOGIN)).status, 200);
});
after(async () => {
  console.log(`figures (agent states, real Asterisk): ${JSON.stringify(figures, null, 1)}`);
  for (const reader of readers) reader.close();
  await operator?.stop();
  await pbx?.close();
  await ns?.cleanup();
});

describe('agent states on a real Asterisk 22', () => {
  it('adds every agent as a dynamic member of its queues, available', async () => {
    for (const name of ['Ann Agent', 'Bob Agent'])
      await waitUntil(`${name} in support`, async () => /dynamic/.test(await memberLine(name)));
    assert.doesNotMatch(await memberLine('Ann Agent'), /paused/);
    const me = await annSession.call<AgentStateView & { pauseReasons: string[] }>(
      'GET',
      '/softphone/state',
    );
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.presence, 'available');
    assert.deepEqual(me.body.queues, ['support']);
    assert.deepEqual(me.body.pauseReasons, ['break', 'lunch', 'coaching']);
    assert.equal(me.body.live, true);
  });

  it('pauses an agent with a reason in Asterisk, pushed to its event stream', async () => {
    const reader = await EventStreamReader.open(`${base}/softphone/events`, {
      cookie: [...annSession.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    });
    readers.push(reader);
    await reader.next((i) => i.event === 'agent-state');
    const from = reader.items.length;

    const started = performance.now();
    const res = await annSession.call<AgentStateView>('PUT', '/softphone/state', {
      presence: 'paused',
      reason: 'lunch',
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.presence, 'paused');
    assert.equal(res.body.reason, 'lunch');
    // The answer comes after Asterisk acknowledged QueuePause: it holds now.
    assert.match(await memberLine('Ann Agent'), /\(paused:lunch/);
    figures['click Paused -> Asterisk holds it (API answer)'] =
      `${Math.round(performance.now() - started)} ms`;
    const pushed = await reader.next(
      (i) => i.event === 'agent-state' && JSON.parse(i.data).presence === 'paused',
      5_000,
      from,
    );
    assert.equal(JSON.parse(pushed.data).reason, 'lunch');

    const back = performance.now();
    const avail = await annSession.call('PUT', '/softphone/state', { presence: 'available' });
    assert.equal(avail.status, 200, avail.text);
    assert.doesNotMatch(await memberLine('Ann Agent'), /paused/);
    figures['click Available -> Asterisk offers calls again (API answer)'] =
      `${Math.round(performance.now() - back)} ms`;
  });

  it('refuses bad input naming the field, and changes nothing', async () => {
    const cases: [unknown, RegExp][] = [
      [{ presence: 'asleep' }, /presence/],
      [{ presence: 'paused' }, /reason: a pause needs a reason: one of break, lunch, coaching/],
      [{ presence: 'paused', reason: 'nap' }, /reason: "nap" is not a pause reason here/],
      [{ presence: 'available', reason: 'lunch' }, /reason: only a pause has a reason/],
      [{ presence: 'paused', reason: 'x'.repeat(40) }, /reason/],
      [{}, /presence/],
    ];
    for (const [body, message] of cases) {
      const res = await annSession.call('PUT', '/softphone/state', body);
      assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.text}`);
      assert.match(String(res.body.message), message);
    }
    assert.doesNotMatch(await memberLine('Ann Agent'), /paused/);
    // An agent changes only its own state: the admin route is not for agents.
    const other = await annSession.call('PUT', `/hr/users/${bob.user.id}/state`, {
      presence: 'signed-out',
    });
    assert.equal(other.status, 403, other.text);
    assert.match(await memberLine('Bob Agent'), /dynamic/);
  });

  it('lets an admin pause anyone, recorded as an Event on the SipAgent', async () => {
    const res = await admin.call<AgentStateView>('PUT', `/hr/users/${bob.user.id}/state`, {
      presence: 'paused',
      reason: 'coaching',
    });
    assert.equal(res.status, 200, res.text);
    assert.match(await memberLine('Bob Agent'), /\(paused:coaching/);
    const list = await admin.call<{ items: AgentStateView[] }>('GET', '/hr/agent-states');
    assert.equal(list.status, 200, list.text);
    const bobState = list.body.items.find((i) => i.agent === bob.user.id);
    assert.equal(bobState?.presence, 'paused');
    const one = await admin.call<{ items: AgentStateView[] }>(
      'GET',
      `/hr/agent-states?ids=${bob.user.id}`,
    );
    assert.deepEqual(
      one.body.items.map((i) => i.agent),
      [bob.user.id],
      'one table page: only the agents asked for',
    );
    assert.equal(bobState?.reason, 'coaching');
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(
      metrics,
      /switchboard_agents\{namespace="[^"]+",state="paused",reason="coaching"\} 1\b/,
    );
    assert.match(
      metrics,
      /switchboard_agents\{namespace="[^"]+",state="available",reason=""\} 1\b/,
    );
    assert.match(
      metrics,
      /switchboard_agent_state_changes_total\{namespace="[^"]+",change="pause"\} 2\b/,
    );
    await waitUntil('a Paused Event on Bob', async () => {
      const events = await r.events();
      return events.some(
        (e) =>
          e.regarding?.name === bob.user.id &&
          e.reason === 'Paused' &&
          /coaching/.test(e.note ?? '') &&
          /admin/.test(e.note ?? ''),
      );
    });
  });

  it('signs an agent out of every queue and back in', async () => {
    const out = await annSession.call<AgentStateView>('PUT', '/softphone/state', {
      presence: 'signed-out',
    });
    assert.equal(out.status, 200, out.text);
    assert.deepEqual(out.body.queues, []);
    assert.deepEqual(out.body.eligibleQueues, ['support']);
    assert.equal(await memberLine('Ann Agent'), '');
    const back = await annSession.call<AgentStateView>('PUT', '/softphone/state', {
      presence: 'available',
    });
    assert.deepEqual(back.body.queues, ['support']);
    assert.match(await memberLine('Ann Agent'), /dynamic/);
  });

  it('takes a change at a replica that is not the leader (forwarded to the leader)', async () => {
    const follower = await startOperator(cluster, ns.name, 'agent-states-b');
    try {
      const s = new ApiSession(`http://127.0.0.1:${follower.port}`);
      for (const [k, v] of annSession.cookies) s.cookies.set(k, v);
      s.csrfToken = annSession.csrfToken;
      let res = await s.call<AgentStateView>('PUT', '/softphone/state', {
        presence: 'paused',
        reason: 'break',
      });
      // Until the follower has read the Lease once, it knows no leader to forward to.
      await waitUntil('the follower forwards to the leader', async () => {
        if (res.status === 200) return true;
        assert.equal(res.status, 503, res.text);
        res = await s.call<AgentStateView>('PUT', '/softphone/state', {
          presence: 'paused',
          reason: 'break',
        });
        return res.status === 200;
      });
      assert.equal(res.body.reason, 'break');
      assert.match(await memberLine('Ann Agent'), /\(paused:break/);
      const bad = await s.call('PUT', '/softphone/state', { presence: 'paused', reason: 'nap' });
      assert.equal(bad.status, 400, "the leader's field error comes back as it is");
      assert.match(String(bad.body.message), /reason/);
      const out = await s.call<AgentStateView>('PUT', '/softphone/state', {
        presence: 'signed-out',
      });
      assert.equal(out.status, 200, out.text);
      assert.equal(await memberLine('Ann Agent'), '');
    } finally {
      await follower.stop();
    }
  });

  it('keeps every state through a reload of the queues', async () => {
    // A new CallQueue changes queues.conf: app_queue reloads.
    await r.createQueue('billing', { numbers: ['118'], members: { selector: {} } });
    await waitUntil('billing loaded with Bob', async () =>
      /Bob Agent/.test(await memberLine('Bob Agent', 'billing')),
    );
    assert.match(
      await memberLine('Bob Agent'),
      /\(paused:coaching/,
      'still paused after the reload',
    );
    // A paused agent joins a new queue paused; a signed-out one does not join it.
    assert.match(await memberLine('Bob Agent', 'billing'), /\(paused:coaching/);
    assert.equal(await memberLine('Ann Agent'), '');
    assert.equal(await memberLine('Ann Agent', 'billing'), '');
  });

  it('keeps every state through an operator restart', async () => {
    await operator.stop();
    await startTheOperator();
    ({ session: admin } = await signInAdmin(r, base));
    const s = new ApiSession(base);
    assert.equal((await s.login(ann.sipCredentials.username, LOGIN)).status, 200);
    annSession = s;
    let me: AgentStateView | undefined;
    await waitUntil('the new operator reads the members', async () => {
      const res = await s.call<AgentStateView>('GET', '/softphone/state');
      me = res.status === 200 ? res.body : undefined;
      return me?.live === true;
    });
    assert.equal(me?.presence, 'signed-out');
    const bobState = await admin.call<{ items: AgentStateView[] }>('GET', '/hr/agent-states');
    // The old admin session may have ended with the old process: sign in again if so.
    const items =
      bobState.status === 200
        ? bobState.body.items
        : (
            await (
              await signInAdmin(r, base)
            ).session.call<{ items: AgentStateView[] }>('GET', '/hr/agent-states')
          ).body.items;
    const bobNow = items.find((i) => i.agent === bob.user.id);
    assert.equal(bobNow?.presence, 'paused');
    assert.equal(bobNow?.reason, 'coaching');
    assert.equal(await memberLine('Ann Agent'), '', 'a signed-out agent is not added back');
  });

  it('keeps every state through an Asterisk restart', async () => {
    await pbx.asterisk.stop();
    const restarted = performance.now();
    await pbx.asterisk.start();
    await waitUntil('Bob back in support, paused', async () =>
      /\(paused:coaching/.test(await memberLine('Bob Agent')),
    );
    figures['Asterisk restart -> members back as they were'] =
      `${Math.round(performance.now() - restarted)} ms`;
    assert.equal(await memberLine('Ann Agent'), '', 'still signed out');
    const back = await annSession.call<AgentStateView>('PUT', '/softphone/state', {
      presence: 'available',
    });
    assert.equal(back.status, 200, back.text);
    assert.deepEqual(back.body.queues, ['billing', 'support']);
    assert.match(await memberLine('Ann Agent'), /dynamic/);
    assert.doesNotMatch(await memberLine('Ann Agent'), /paused/);
  });

  it('removes an agent from its queues when it is deleted', async () => {
    const res = await admin.call('DELETE', `/hr/users/${bob.user.id}`);
    assert.ok(res.status === 200 || res.status === 204, res.text);
    await waitUntil('Bob out of support', async () => (await memberLine('Bob Agent')) === '');
    assert.equal(await memberLine('Bob Agent', 'billing'), '');
    assert.deepEqual(pbx.problems(), []);
  });

  it('forgets in astdb that a deleted agent had signed out, also when deleted while no operator ran', async () => {
    const keys = () => pbx.asterisk.cli(`database show ${SIGNED_OUT_FAMILY}`);
    const cid = await createHrAgent(admin, 'Cid Agent', LOGIN);
    await provisioned(cid);
    const out = await admin.call('PUT', `/hr/users/${cid.user.id}/state`, {
      presence: 'signed-out',
    });
    assert.equal(out.status, 200, out.text);
    assert.ok((await keys()).includes(`/${cid.user.id} `), 'signed out in astdb');
    const res = await admin.call('DELETE', `/hr/users/${cid.user.id}`);
    assert.ok(res.status === 200 || res.status === 204, res.text);
    await waitUntil(
      'the deleted agent’s key gone',
      async () => !(await keys()).includes(`/${cid.user.id} `),
    );
    // A key left by an agent deleted while no operator was running (put by hand
    // here): the next operator's first read of Asterisk drops it.
    await pbx.asterisk.cli(`database put ${SIGNED_OUT_FAMILY} gone-agent 2026-01-01T00:00:00Z`);
    assert.ok((await keys()).includes('/gone-agent '), 'the stale key is there');
    await operator.stop();
    await startTheOperator();
    await waitUntil('the stale key dropped', async () => !(await keys()).includes('/gone-agent '));
  });
});
