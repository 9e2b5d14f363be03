import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCallDuration } from './call-timer.ts';

test('call timer reads m:ss, then h:mm:ss', () => {
  assert.equal(formatCallDuration(0), '0:00');
  assert.equal(formatCallDuration(-5), '0:00');
  assert.equal(formatCallDuration(59_999), '0:59');
  assert.equal(formatCallDuration(61_000), '1:01');
  assert.equal(formatCallDuration(3_600_000 + 62_000), '1:01:02');
});
