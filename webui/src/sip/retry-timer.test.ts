import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RetryTimer } from './retry-timer.ts';

test('one retry at a time; it runs once, then another may be scheduled', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const timer = new RetryTimer();
  const runs: string[] = [];
  timer.schedule(100, () => runs.push('first'));
  timer.schedule(10, () => runs.push('second'));
  assert.equal(timer.pending, true);
  t.mock.timers.tick(99);
  assert.equal(runs.length, 0);
  t.mock.timers.tick(1);
  assert.deepEqual(runs, ['first']);
  assert.equal(timer.pending, false);
  timer.schedule(10, () => runs.push('third'));
  t.mock.timers.tick(10);
  assert.deepEqual(runs, ['first', 'third']);
});

test('a cancelled retry never runs', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const timer = new RetryTimer();
  let ran = false;
  timer.schedule(50, () => {
    ran = true;
  });
  timer.cancel();
  assert.equal(timer.pending, false);
  t.mock.timers.tick(100);
  assert.equal(ran, false);
});
