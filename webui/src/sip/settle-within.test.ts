import assert from 'node:assert/strict';
import { test } from 'node:test';
import { settleWithin } from './settle-within.ts';

test('a settled promise ends the wait at once, a rejection included', async () => {
  const started = performance.now();
  await settleWithin(Promise.resolve('ok'), 10_000);
  await settleWithin(Promise.reject(new Error('socket closed')), 10_000);
  assert.ok(performance.now() - started < 1000);
});

test('a promise that never settles is given up after the deadline', async () => {
  const started = performance.now();
  await settleWithin(new Promise(() => {}), 20);
  assert.ok(performance.now() - started >= 15);
});
