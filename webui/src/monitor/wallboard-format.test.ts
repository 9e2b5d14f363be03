import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  activityLabel,
  activityNow,
  callerText,
  callStateLabel,
  countedSinceText,
  formatDuration,
  longestWaitMs,
  queueAgentCounts,
  registrationText,
  serviceLevelText,
  timeInState,
} from './wallboard-format.ts';
import type { WallboardAgent } from './wallboard-types.ts';

const T = 1_800_000_000_000;
const agent = (over: Partial<WallboardAgent>): WallboardAgent => ({
  name: 'a',
  displayName: 'A',
  activity: 'available',
  presence: 'available',
  queues: ['support'],
  eligibleQueues: ['support'],
  registered: true,
  ...over,
});
const today = {
  day: '2026-12-05',
  since: T,
  answered: 0,
  answeredWithinServiceLevel: 0,
  abandoned: 0,
};

describe('wallboard formatting', () => {
  it('formats durations as m:ss and h:mm:ss', () => {
    assert.equal(formatDuration(0), '0:00');
    assert.equal(formatDuration(59_999), '0:59');
    assert.equal(formatDuration(61_000), '1:01');
    assert.equal(formatDuration(3_600_000 + 5_000), '1:00:05');
    assert.equal(formatDuration(-5), '0:00', 'clocks a hair apart never show a negative');
    assert.equal(timeInState(undefined, T), '—');
    assert.equal(timeInState(T - 90_000, T), '1:30');
  });

  it('ends a wrap-up by time alone: the agent is free (or paused) since its end', () => {
    const a = agent({ activity: 'wrap-up', since: T - 10_000, wrapUpUntil: T + 5_000 });
    assert.deepEqual(activityNow(a, T), { activity: 'wrap-up', since: T - 10_000 });
    assert.deepEqual(activityNow(a, T + 6_000), { activity: 'available', since: T + 5_000 });
    const paused = { ...a, presence: 'paused' as const };
    assert.equal(activityNow(paused, T + 6_000).activity, 'paused');
  });

  it('labels activities', () => {
    assert.equal(activityLabel('available'), 'Free');
    assert.equal(activityLabel('paused', 'lunch'), 'Paused: lunch');
    assert.equal(activityLabel('paused'), 'Paused');
    assert.equal(activityLabel('on-call'), 'On a call');
  });

  it('counts a queue’s agents by activity', () => {
    const agents = [
      agent({ name: 'free' }),
      agent({ name: 'call', activity: 'on-call' }),
      agent({ name: 'wrap', activity: 'wrap-up', wrapUpUntil: T + 1000 }),
      agent({ name: 'wrap-over', activity: 'wrap-up', wrapUpUntil: T - 1 }),
      agent({ name: 'lunch', activity: 'paused', presence: 'paused', pauseReason: 'lunch' }),
      agent({ name: 'out', activity: 'signed-out', presence: 'signed-out', queues: [] }),
      agent({ name: 'other', queues: ['sales'], eligibleQueues: ['sales'] }),
      agent({ name: 'left', queues: ['sales'], eligibleQueues: ['sales', 'support'] }),
    ];
    assert.deepEqual(queueAgentCounts('support', agents, T), {
      available: 2,
      'on-call': 1,
      'wrap-up': 1,
      paused: 1,
      'signed-out': 2,
    });
  });

  it('measures the longest wait and the service level', () => {
    const q = {
      name: 'support',
      serviceLevelSeconds: 20,
      today,
      waiting: [
        {
          uniqueid: 'b',
          channel: 'x',
          position: 2,
          joinedAt: T - 5_000,
          callerNumber: '',
          callerName: '',
        },
        {
          uniqueid: 'a',
          channel: 'y',
          position: 1,
          joinedAt: T - 65_000,
          callerNumber: '',
          callerName: '',
        },
      ],
    };
    assert.equal(longestWaitMs(q, T), 65_000);
    assert.equal(longestWaitMs({ ...q, waiting: [] }, T), 0);
    assert.equal(serviceLevelText(today, 20), '— (within 20 s)');
    assert.equal(
      serviceLevelText({ ...today, answered: 3, answeredWithinServiceLevel: 2 }, 20),
      '67% within 20 s',
    );
    assert.equal(serviceLevelText(today, 0), 'not set');
  });

  it('says from when "today" counts, and names callers', () => {
    const midnight = new Date(2026, 11, 5).getTime();
    assert.equal(countedSinceText({ ...today, since: midnight }, 0), 'today');
    const later = new Date(2026, 11, 5, 8, 7).getTime();
    assert.equal(countedSinceText({ ...today, since: later }, 0), 'today since 08:07');
    assert.equal(callerText({ callerName: 'Ann', callerNumber: '555', channel: 'c' }), 'Ann (555)');
    assert.equal(callerText({ callerName: '', callerNumber: '555', channel: 'c' }), '555');
    assert.equal(callerText({ callerName: '', callerNumber: '', channel: 'c' }), 'c');
  });
});

describe('calls and registrations in words', () => {
  it('names call states and registrations', () => {
    assert.equal(callStateLabel('queued'), 'In queue');
    assert.equal(callStateLabel('talking'), 'Talking');
    assert.equal(registrationText(true), 'registered');
    assert.equal(registrationText(false), 'not registered');
  });
});
