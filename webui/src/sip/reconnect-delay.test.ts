import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_RECONNECT_DELAY_MS, reconnectDelayMs } from './reconnect-delay.ts';

test('first retry at once, then rising to a 1 s cap (found again within 1–2 s)', () => {
  const mid = () => 0.5;
  assert.deepEqual(
    [0, 1, 2, 3, 4, 50].map((a) => reconnectDelayMs(a, mid)),
    [0, 250, 500, 1000, 1000, 1000],
  );
});

test('jitter spreads retries but never exceeds the cap', () => {
  for (const r of [0, 0.25, 0.999]) {
    for (let a = 1; a < 10; a++) {
      const d = reconnectDelayMs(a, () => r);
      assert.ok(d > 0 && d <= MAX_RECONNECT_DELAY_MS, `${a}/${r}: ${d}`);
    }
  }
  assert.equal(
    reconnectDelayMs(1, () => 0),
    200,
  );
});
