import assert from 'node:assert/strict';
import { it } from 'node:test';
import { setCondition } from './conditions.ts';

it('moves lastTransitionTime only when the status changes', () => {
  const t1 = new Date('2026-01-01T00:00:00.123Z');
  const t2 = new Date('2026-01-02T00:00:00Z');
  const first = setCondition([], { type: 'Ready', status: 'False', reason: 'A', message: 'a' }, t1);
  assert.equal(first[0]?.lastTransitionTime, '2026-01-01T00:00:00Z');
  const sameStatus = setCondition(
    first,
    { type: 'Ready', status: 'False', reason: 'B', message: 'b' },
    t2,
  );
  assert.equal(sameStatus[0]?.lastTransitionTime, '2026-01-01T00:00:00Z');
  assert.equal(sameStatus[0]?.reason, 'B');
  const flipped = setCondition(
    sameStatus,
    { type: 'Ready', status: 'True', reason: 'C', message: 'c' },
    t2,
  );
  assert.equal(flipped[0]?.lastTransitionTime, '2026-01-02T00:00:00Z');
  assert.equal(flipped.length, 1);
});
