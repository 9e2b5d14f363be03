// The wallboard hub with a real QueueTracker on a fake AMI client and fake
// agent states: a snapshot first, then only the rows that changed, coalesced.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RawMessage } from 'asterisk-manager';
import type { AgentStates } from '../../agentstate/agent-states.ts';
import type { AgentStateView } from '../../agentstate/types.ts';
import type { AmiEvent } from '../../asterisk/ami/messages.ts';
import type { SipAgent } from '../../crds/types.ts';
import type { Informer } from '../../kube/informer.ts';
import { silentLogger } from '../../log.ts';
import { QueueTracker } from '../../monitoring/queue-tracker.ts';
import type { WallboardChange } from '../../monitoring/wallboard.ts';
import { WallboardHub } from './wallboard-hub.ts';

const NS = 'center';

function fakeClient() {
  let onEvent: (e: AmiEvent) => void = () => {};
  return {
    state: 'connected' as const,
    list: async (fields: { action: string }) =>
      fields.action === 'QueueStatus'
        ? [{ event: 'QueueParams', queue: 'support', servicelevel: '20', completed: '7' }]
        : [],
    onEvent: (cb: (e: AmiEvent) => void) => {
      onEvent = cb;
    },
    onState: () => {},
    emit: (event: string, fields: RawMessage) => onEvent({ event, fields: { event, ...fields } }),
  };
}

function fakeAgents(names: string[]): Informer<SipAgent> {
  // ann has her extension already, bob not yet
  const agent = (name: string) =>
    ({
      metadata: { name, namespace: NS },
      spec: { displayName: `Agent ${name}` },
      status: { sipUsername: `${name}-sip`, ...(name === 'ann' ? { extension: 1001 } : {}) },
    }) as SipAgent;
  return {
    list: () => names.map(agent),
    get: (name: string) => (names.includes(name) ? agent(name) : undefined),
    on: () => {},
  } as unknown as Informer<SipAgent>;
}

describe('the wallboard hub', () => {
  it('gives a snapshot, then coalesced changes of what changed only', async () => {
    const client = fakeClient();
    const tracker = new QueueTracker(client as never, silentLogger, () => {});
    await new Promise((r) => setImmediate(r));
    const views = new Map<string, AgentStateView>();
    const view = (agent: string, over: Partial<AgentStateView> = {}): AgentStateView => ({
      agent,
      presence: 'available',
      queues: ['support'],
      eligibleQueues: ['support'],
      onCall: false,
      live: true,
      ...over,
    });
    views.set('ann', view('ann'));
    views.set('bob', view('bob'));
    const states = { synced: true, view: (a: string) => views.get(a) ?? view(a) };
    let notify: (ns: string, agents: readonly string[]) => void = () => {};
    const registered = new Set(['ann-sip']);
    let registrations: (ns: string, agents: readonly string[] | 'all') => void = () => {};
    const hub = new WallboardHub({
      namespace: NS,
      tracker: () => tracker,
      states: () => states as unknown as AgentStates,
      onAgentStates: (cb) => {
        notify = cb;
      },
      registered: (endpoint) => registered.has(endpoint),
      onRegistrations: (cb) => {
        registrations = cb;
      },
      agents: fakeAgents(['ann', 'bob']),
      intervalMs: 40,
    });
    const changes: WallboardChange[] = [];
    const sub = hub.subscribe((c) => changes.push(c));
    assert.deepEqual(
      sub.snapshot.agents.map((a) => [a.name, a.displayName, a.activity, a.registered]),
      [
        ['ann', 'Agent ann', 'available', true],
        ['bob', 'Agent bob', 'available', false],
      ],
    );
    // what a supervisor's Listen/Whisper/Barge dials after *51/*52/*53
    assert.deepEqual(
      sub.snapshot.agents.map((a) => a.extension),
      [1001, undefined],
    );
    assert.equal(sub.snapshot.queues[0]?.serviceLevelSeconds, 20);
    assert.equal(sub.snapshot.queues[0]?.today.answered, 7, "app_queue's own count");
    assert.deepEqual(sub.snapshot.calls, []);
    assert.deepEqual(sub.snapshot.live, { queues: true, agents: true });

    // a burst: 20 callers join, ann pauses, bob is told about but unchanged
    for (let i = 0; i < 20; i++)
      client.emit('QueueCallerJoin', { queue: 'support', uniqueid: `c${i}`, position: `${i + 1}` });
    views.set('ann', view('ann', { presence: 'paused', reason: 'lunch' }));
    notify(NS, ['ann', 'bob']);
    await new Promise((r) => setTimeout(r, 10));
    client.emit('QueueCallerAbandon', { queue: 'support', uniqueid: 'c0', holdtime: '3' });
    client.emit('QueueCallerLeave', { queue: 'support', uniqueid: 'c0' });
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(changes.length, 2, 'two messages for 23 changes');
    assert.equal(changes[0]?.queues[0]?.waiting.length, 20);
    assert.deepEqual(
      changes[0]?.agents.map((a) => [a.name, a.activity, a.pauseReason]),
      [['ann', 'paused', 'lunch']],
      'bob did not change: not sent',
    );
    assert.equal(changes[1]?.queues[0]?.waiting.length, 19);
    assert.equal(changes[1]?.queues[0]?.today.abandoned, 1);
    assert.deepEqual(changes[1]?.agents, []);
    // a call: the caller's channel, then bob's, bridged; bob registers meanwhile
    const channel = (uniqueid: string, name: string, num = '') => ({
      uniqueid,
      linkedid: 'k1',
      channel: name,
      calleridnum: num,
      channelstatedesc: 'Up',
    });
    client.emit('Newchannel', channel('k1', 'PJSIP/trunk-00000001', '555'));
    client.emit('Newchannel', channel('k2', 'PJSIP/bob-sip-00000002'));
    client.emit('BridgeEnter', { uniqueid: 'k1', bridgeuniqueid: 'br' });
    client.emit('BridgeEnter', { uniqueid: 'k2', bridgeuniqueid: 'br' });
    registered.add('bob-sip');
    registrations(NS, ['bob']);
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(changes.length, 3);
    assert.deepEqual(
      changes[2]?.calls.map((c) => [c.id, c.callerNumber, c.agent, c.state]),
      [['k1', '555', 'bob', 'talking']],
    );
    assert.deepEqual(
      changes[2]?.agents.map((a) => [a.name, a.registered]),
      [['bob', true]],
    );
    client.emit('Hangup', { uniqueid: 'k2' });
    client.emit('Hangup', { uniqueid: 'k1' });
    await new Promise((r) => setTimeout(r, 80));
    assert.deepEqual(changes[3]?.removedCalls, ['k1']);
    sub.unsubscribe();
    client.emit('QueueCallerJoin', { queue: 'support', uniqueid: 'late', position: '20' });
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(changes.length, 4, 'nobody listens: nothing sent');
    tracker.close();
  });
});
