import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AgentStateView } from '../agentstate/types.ts';
import { ActivitySince, activityOf, agentRow, callRow, queueRow } from './wallboard.ts';

const view = (over: Partial<AgentStateView> = {}): AgentStateView => ({
  agent: 'ann',
  presence: 'available',
  queues: ['support'],
  eligibleQueues: ['support'],
  onCall: false,
  live: true,
  ...over,
});
const T = Date.parse('2026-12-05T10:00:00Z');

describe('wallboard rows', () => {
  it('judges the activity: signed out, on a call, wrap-up, paused, available', () => {
    assert.equal(activityOf(view({ presence: 'signed-out', onCall: true }), T), 'signed-out');
    assert.equal(activityOf(view({ presence: 'paused', onCall: true }), T), 'on-call');
    const wrap = new Date(T + 5000).toISOString();
    assert.equal(activityOf(view({ wrapUpUntil: wrap }), T), 'wrap-up');
    assert.equal(activityOf(view({ wrapUpUntil: wrap }), T + 5000), 'available');
    assert.equal(activityOf(view({ presence: 'paused', reason: 'lunch' }), T), 'paused');
    assert.equal(activityOf(view(), T), 'available');
    assert.equal(activityOf(view({ queues: [] }), T), 'signed-out', 'in no queue: not serving');
  });

  it('notes since when an activity holds', () => {
    const s = new ActivitySince();
    const paused = view({
      presence: 'paused',
      reason: 'lunch',
      since: new Date(T - 60_000).toISOString(),
    });
    assert.deepEqual(s.observe(paused, T), { activity: 'paused', since: T - 60_000 });
    assert.deepEqual(s.observe(paused, T + 1000), { activity: 'paused', since: T - 60_000 });
    assert.deepEqual(s.observe(view({ onCall: true }), T + 2000), {
      activity: 'on-call',
      since: T + 2000,
    });
    const wrap = view({ wrapUpUntil: new Date(T + 10_000).toISOString() });
    assert.deepEqual(s.observe(wrap, T + 5000), { activity: 'wrap-up', since: T + 5000 });
    // the wrap-up ran out unseen: available since its end, not since the next look
    assert.deepEqual(s.observe(view(), T + 30_000), { activity: 'available', since: T + 10_000 });
    s.forget('ann');
    assert.deepEqual(
      s.observe(view({ onCall: true }), T),
      { activity: 'on-call' },
      'unknown start',
    );
  });

  it('builds an agent row and a queue row', () => {
    const v = view({ presence: 'paused', reason: 'lunch', wrapUpUntil: new Date(T).toISOString() });
    assert.deepEqual(agentRow(v, 'Ann Agent', { activity: 'paused', since: T }, true), {
      name: 'ann',
      displayName: 'Ann Agent',
      activity: 'paused',
      presence: 'paused',
      pauseReason: 'lunch',
      since: T,
      wrapUpUntil: T,
      queues: ['support'],
      eligibleQueues: ['support'],
      registered: true,
    });
    const today = {
      day: '2026-12-05',
      since: T,
      answered: 1,
      answeredWithinServiceLevel: 1,
      abandoned: 0,
    };
    const q = queueRow(
      {
        name: 'support',
        serviceLevelSeconds: 20,
        counts: { answered: 1, answeredWithinServiceLevel: 1, abandoned: 0 },
        waiting: [
          {
            uniqueid: 'u1',
            channel: 'Local/117@x-1;2',
            position: 1,
            joinedAt: T,
            callerNumber: '555',
            callerName: '',
          },
        ],
      },
      today,
    );
    assert.equal(q.waiting[0]?.joinedAt, T);
    assert.equal(q.today, today);
  });

  it('builds a call row: the agent by its endpoint, only when it is one of ours', () => {
    const call = {
      id: 'l1',
      callerNumber: '555',
      callerName: 'Mo',
      queue: 'support',
      agentEndpoint: 'ann-x1',
      state: 'talking' as const,
      startedAt: T,
    };
    const agents = new Map([['ann-x1', 'ann']]);
    assert.deepEqual(
      callRow(call, (e) => agents.get(e)),
      {
        id: 'l1',
        callerNumber: '555',
        callerName: 'Mo',
        queue: 'support',
        agent: 'ann',
        state: 'talking',
        startedAt: T,
      },
    );
    assert.equal(callRow({ ...call, agentEndpoint: 'trunk' }, (e) => agents.get(e)).agent, '');
  });
});
