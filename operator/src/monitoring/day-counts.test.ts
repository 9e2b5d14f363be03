import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DayTally, localDay } from './day-counts.ts';

const at = (h: number, m = 0) => new Date(2026, 11, 5, h, m).getTime();

describe('answered and abandoned calls today', () => {
  it('counts per queue from when the operator started', () => {
    const t = new DayTally(at(8));
    t.count(
      { kind: 'answered', queue: 'support', holdSeconds: 5, withinServiceLevel: true },
      at(9),
    );
    t.count(
      { kind: 'answered', queue: 'support', holdSeconds: 50, withinServiceLevel: false },
      at(9),
    );
    t.count({ kind: 'abandoned', queue: 'support', holdSeconds: 3 }, at(9));
    t.count({ kind: 'abandoned', queue: 'sales', holdSeconds: 3 }, at(9));
    assert.deepEqual(t.of('support', at(10)), {
      day: '2026-12-05',
      since: at(8),
      answered: 2,
      answeredWithinServiceLevel: 1,
      abandoned: 1,
    });
    assert.equal(t.of('sales', at(10)).abandoned, 1);
    assert.equal(t.of('nobody', at(10)).answered, 0);
  });

  it('starts again at midnight (local time)', () => {
    const t = new DayTally(at(8));
    t.count({ kind: 'abandoned', queue: 'support', holdSeconds: 3 }, at(23, 59));
    const next = new Date(2026, 11, 6, 0, 1).getTime();
    const c = t.of('support', next);
    assert.equal(c.abandoned, 0);
    assert.equal(c.day, '2026-12-06');
    assert.equal(c.since, new Date(2026, 11, 6).getTime());
  });

  it('names the local day', () => {
    assert.deepEqual(localDay(at(0, 30)), { key: '2026-12-05', start: at(0) });
  });
});
