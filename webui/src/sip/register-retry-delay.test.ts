import assert from 'node:assert/strict';
import { test } from 'node:test';
import { registerRetryDelayMs } from './register-retry-delay.ts';

test('REGISTER retries back off from 1 s to a 30 s cap', () => {
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 100].map(registerRetryDelayMs),
    [1000, 2000, 5000, 10_000, 30_000, 30_000, 30_000],
  );
});
