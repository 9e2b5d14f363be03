import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTokenShape, mintToken } from './token.ts';

test('a token is 64 lowercase hex characters, new every time, expiring after the TTL', () => {
  const a = mintToken(1_700_000_000_500, 300);
  const b = mintToken(1_700_000_000_500, 300);
  assert.ok(isTokenShape(a.token));
  assert.notEqual(a.token, b.token);
  assert.equal(a.expiresEpoch, 1_700_000_300);
});

test('anything else is not a token', () => {
  for (const bad of [
    '',
    'A'.repeat(64),
    `${'a'.repeat(63)}g`,
    'a'.repeat(65),
    `${'a'.repeat(63)},`,
  ])
    assert.equal(isTokenShape(bad), false, bad);
});
