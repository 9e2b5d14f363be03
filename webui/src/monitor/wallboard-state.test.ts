import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyChange, EMPTY_STATE, fromSnapshot } from './wallboard-state.ts';
import type { WallboardAgent, WallboardCall, WallboardQueue } from './wallboard-types.ts';

const today = { day: 'd', since: 0, answered: 0, answeredWithinServiceLevel: 0, abandoned: 0 };
const queue = (name: string, waiting = 0): WallboardQueue => ({
  name,
  serviceLevelSeconds: 20,
  today,
  waiting: Array.from({ length: waiting }, (_, i) => ({
    uniqueid: `${name}-${i}`,
    channel: `c${i}`,
    position: i + 1,
    joinedAt: 0,
    callerNumber: '',
    callerName: '',
  })),
});
const agent = (
  name: string,
  displayName: string,
  activity: WallboardAgent['activity'] = 'available',
): WallboardAgent => ({
  name,
  displayName,
  activity,
  presence: 'available',
  queues: [],
  eligibleQueues: [],
  registered: false,
});
const call = (
  id: string,
  startedAt: number,
  state: WallboardCall['state'] = 'queued',
): WallboardCall => ({
  id,
  callerNumber: '555',
  callerName: '',
  queue: 'support',
  agent: '',
  state,
  startedAt,
});
const live = { queues: true, agents: true };

describe('the page’s copy of the wallboard', () => {
  it('a snapshot replaces everything and sets the clock offset', () => {
    assert.equal(EMPTY_STATE.loaded, false);
    const s = fromSnapshot(
      {
        now: 10_000,
        live,
        queues: [queue('sales'), queue('billing')],
        agents: [agent('z', 'zoe'), agent('a', 'Bob'), agent('m', 'anna')],
        calls: [call('c2', 5), call('c1', 1)],
      },
      9_000,
    );
    assert.equal(s.loaded, true);
    assert.equal(s.offsetMs, 1_000);
    assert.deepEqual([...s.queues.keys()], ['billing', 'sales']);
    assert.deepEqual(
      s.agentOrder.map((a) => a.displayName),
      ['anna', 'Bob', 'zoe'],
      'by display name, case aside',
    );
    assert.deepEqual(
      s.callOrder.map((c) => c.id),
      ['c1', 'c2'],
      'calls oldest first',
    );
  });

  it('a change updates and removes rows, keeping the rest', () => {
    const s = fromSnapshot(
      {
        now: 0,
        live,
        queues: [queue('support', 2), queue('old')],
        agents: [agent('a', 'A'), agent('b', 'B')],
        calls: [call('c1', 1), call('c2', 2)],
      },
      0,
    );
    const next = applyChange(
      s,
      {
        now: 500,
        live: { queues: true, agents: false },
        queues: [queue('support', 3)],
        removedQueues: ['old'],
        agents: [agent('a', 'A', 'paused')],
        removedAgents: ['b'],
        calls: [call('c1', 1, 'talking'), call('c3', 3)],
        removedCalls: ['c2'],
      },
      400,
    );
    assert.equal(next.queues.get('support')?.waiting.length, 3);
    assert.equal(next.queues.has('old'), false);
    assert.equal(next.agents.get('a')?.activity, 'paused');
    assert.deepEqual(
      next.agentOrder.map((a) => a.name),
      ['a'],
    );
    assert.deepEqual(
      next.callOrder.map((c) => [c.id, c.state]),
      [
        ['c1', 'talking'],
        ['c3', 'queued'],
      ],
    );
    assert.equal(next.live.agents, false);
    assert.equal(next.offsetMs, 100);
    const quiet = applyChange(
      next,
      {
        now: 600,
        live,
        queues: [],
        removedQueues: [],
        agents: [],
        removedAgents: [],
        calls: [],
        removedCalls: [],
      },
      600,
    );
    assert.equal(quiet.agentOrder, next.agentOrder, 'no agent change: the order is not recomputed');
    assert.equal(quiet.callOrder, next.callOrder);
  });

  it('keeps the order in place for state changes, sorts again for new, gone or renamed agents', () => {
    const s = fromSnapshot(
      {
        now: 0,
        live,
        queues: [],
        agents: [agent('c', 'Cy'), agent('a', 'Al'), agent('b', 'Bo')],
        calls: [],
      },
      0,
    );
    const change = (agents: WallboardAgent[], removedAgents: string[] = []) => ({
      now: 0,
      live,
      queues: [],
      removedQueues: [],
      agents,
      removedAgents,
      calls: [],
      removedCalls: [],
    });
    const paused = applyChange(s, change([agent('b', 'Bo', 'paused')]), 0);
    assert.deepEqual(
      paused.agentOrder.map((a) => [a.name, a.activity]),
      [
        ['a', 'available'],
        ['b', 'paused'],
        ['c', 'available'],
      ],
    );
    const renamed = applyChange(paused, change([agent('a', 'Zed')]), 0);
    assert.deepEqual(
      renamed.agentOrder.map((a) => a.displayName),
      ['Bo', 'Cy', 'Zed'],
    );
    const added = applyChange(renamed, change([agent('d', 'Ann')], ['c']), 0);
    assert.deepEqual(
      added.agentOrder.map((a) => a.displayName),
      ['Ann', 'Bo', 'Zed'],
    );
  });
});
