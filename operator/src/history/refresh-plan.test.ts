import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HistoryState } from './database.ts';
import { nextGeneration, refreshDue, retryDelay, tablesReady } from './refresh-plan.ts';

const ready = (schemaVersion?: number): HistoryState => ({ state: 'ready', schemaVersion });
const down: HistoryState = {
  state: 'unavailable',
  reason: 'connection refused',
  since: new Date(0),
};

describe('nextGeneration', () => {
  it('starts a generation when the database turns ready', () => {
    assert.equal(nextGeneration(0, undefined, ready(3)), 1);
    assert.equal(nextGeneration(1, down, ready(3)), 2);
    assert.equal(nextGeneration(1, { state: 'connecting' }, ready(3)), 2);
  });
  it('waits for the leader to have migrated (an unmigrated table crashes cdr_pgsql)', () => {
    assert.equal(tablesReady(ready()), false);
    assert.equal(nextGeneration(0, undefined, ready()), 0);
    assert.equal(nextGeneration(1, down, ready()), 1);
    assert.equal(nextGeneration(1, ready(), ready(3)), 2);
  });
  it('starts one when a migration changed the schema version', () => {
    assert.equal(nextGeneration(2, ready(2), ready(3)), 3);
  });
  it('keeps it for a periodic probe or while the database is down', () => {
    assert.equal(nextGeneration(2, ready(3), ready(3)), 2);
    assert.equal(nextGeneration(2, ready(3), down), 2);
    assert.equal(nextGeneration(2, down, down), 2);
  });
});

describe('refreshDue', () => {
  const base = { boot: '2026-12-06 06:00:00', ready: true, generation: 1, done: undefined };
  it('refreshes a known boot once the database is ready', () => {
    assert.equal(refreshDue(base), '2026-12-06 06:00:00#1');
  });
  it('waits for the boot and for the database', () => {
    assert.equal(refreshDue({ ...base, boot: undefined }), undefined);
    assert.equal(refreshDue({ ...base, ready: false }), undefined);
    assert.equal(refreshDue({ ...base, generation: 0 }), undefined);
  });
  it('refreshes once per boot and generation', () => {
    const done = refreshDue(base);
    assert.equal(refreshDue({ ...base, done }), undefined);
    assert.equal(refreshDue({ ...base, done, generation: 2 }), '2026-12-06 06:00:00#2');
    assert.equal(
      refreshDue({ ...base, done, boot: '2026-12-06 06:05:00' }),
      '2026-12-06 06:05:00#1',
    );
  });
});

describe('retryDelay', () => {
  it('waits 5 s after the first refusal, doubling up to 60 s', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 100].map((n) => retryDelay(n)),
      [5_000, 10_000, 20_000, 40_000, 60_000, 60_000, 60_000],
    );
  });
  it('takes other bounds and never waits less than the first delay', () => {
    assert.deepEqual(
      [0, 1, 2, 3].map((n) => retryDelay(n, 5, 12)),
      [5, 5, 10, 12],
    );
  });
});
