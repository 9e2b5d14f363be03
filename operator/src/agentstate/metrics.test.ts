import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { presenceCounts } from './metrics.ts';
import type { AgentStateView } from './types.ts';

const view = (presence: AgentStateView['presence'], extra: Partial<AgentStateView> = {}) =>
  ({
    agent: 'a',
    presence,
    queues: [],
    eligibleQueues: [],
    onCall: false,
    live: true,
    ...extra,
  }) as AgentStateView;

describe('presenceCounts', () => {
  it('counts agents by state, pauses by reason, and those on a call', () => {
    const counts = presenceCounts([
      view('available'),
      view('available', { onCall: true }),
      view('paused', { reason: 'lunch' }),
      view('paused', { reason: 'lunch' }),
      view('paused', { reason: 'break' }),
    ]);
    assert.deepEqual(Object.fromEntries(counts), {
      'available|': 2,
      'signed-out|': 0,
      'on-call|': 1,
      'paused|lunch': 2,
      'paused|break': 1,
    });
  });
});
