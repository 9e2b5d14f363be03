import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { longestWaitSeconds, QueueModel } from './queue-model.ts';

const T0 = 1_800_000_000_000;
const entry = (queue: string, position: number, uniqueid: string, wait: number) => ({
  event: 'QueueEntry',
  queue,
  position: String(position),
  uniqueid,
  channel: `Local/117@x-${uniqueid};2`,
  calleridnum: position === 1 ? '<unknown>' : `+23276${position}`,
  calleridname: 'unknown',
  wait: String(wait),
});

describe('QueueModel', () => {
  it('starts from QueueStatus: service levels, callers in order, how long they have waited', () => {
    const m = new QueueModel();
    m.reset(
      [
        { event: 'QueueParams', queue: 'support', servicelevel: '20' },
        entry('support', 2, 'b', 3),
        entry('support', 1, 'a', 10),
        { event: 'QueueParams', queue: 'billing', servicelevel: '0' },
      ],
      T0,
    );
    const [billing, support] = m.queues();
    assert.equal(billing?.waiting.length, 0);
    assert.equal(support?.serviceLevelSeconds, 20);
    assert.deepEqual(
      support?.waiting.map((c) => [c.uniqueid, c.position, c.callerNumber]),
      [
        ['a', 1, ''],
        ['b', 2, '+232762'],
      ],
    );
    assert.equal(support && longestWaitSeconds(support, T0 + 2000), 12);
  });

  it('follows joins and leaves, moving those behind up; counts answers and abandons', () => {
    const m = new QueueModel();
    m.reset([{ event: 'QueueParams', queue: 'support', servicelevel: '20' }], T0);
    for (const [i, id] of ['a', 'b', 'c'].entries())
      m.apply(
        'QueueCallerJoin',
        { queue: 'support', uniqueid: id, position: String(i + 1) },
        T0 + i,
      );
    m.apply('QueueCallerLeave', { queue: 'support', uniqueid: 'a', position: '1' }, T0 + 5);
    assert.deepEqual(
      m.queues()[0]?.waiting.map((c) => [c.uniqueid, c.position]),
      [
        ['b', 1],
        ['c', 2],
      ],
    );
    assert.deepEqual(
      m.apply('AgentConnect', { queue: 'support', uniqueid: 'a', holdtime: '21' }, T0 + 6),
      { kind: 'answered', queue: 'support', holdSeconds: 21, withinServiceLevel: false },
    );
    assert.deepEqual(
      m.apply('AgentConnect', { queue: 'support', uniqueid: 'b', holdtime: '20' }, T0 + 6),
      { kind: 'answered', queue: 'support', holdSeconds: 20, withinServiceLevel: true },
    );
    assert.deepEqual(
      m.apply('QueueCallerAbandon', { queue: 'support', uniqueid: 'c', holdtime: '4' }, T0 + 7),
      { kind: 'abandoned', queue: 'support', holdSeconds: 4 },
    );
    assert.equal(m.apply('Newchannel', { uniqueid: 'x' }, T0), undefined);
  });

  it('knows no service level for a queue it has not read: never "within"', () => {
    const m = new QueueModel();
    const o = m.apply('AgentConnect', { queue: 'new', holdtime: '0' }, T0);
    assert.equal(o?.kind === 'answered' && o.withinServiceLevel, false);
  });
});
