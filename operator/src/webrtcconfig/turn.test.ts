import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { it } from 'node:test';
import { turnRestCredentials } from './turn.ts';

it('mints TURN REST credentials coturn accepts: <expiry>:<user> and base64 HMAC-SHA1', () => {
  const now = new Date('2026-11-24T00:00:00Z');
  const c = turnRestCredentials('s3cret', 'john_doe_1700000000', 3600, now);
  const expiry = now.getTime() / 1000 + 3600;
  assert.equal(c.username, `${expiry}:john_doe_1700000000`);
  // Independent computation of the same definition (RFC 2104 HMAC over the username).
  assert.equal(c.credential, createHmac('sha1', 's3cret').update(c.username).digest('base64'));
  assert.equal(c.expiresAt.toISOString(), '2026-11-24T01:00:00.000Z');
  // A known vector: HMAC-SHA1("key", "The quick brown fox jumps over the lazy dog").
  assert.equal(
    createHmac('sha1', 'key').update('The quick brown fox jumps over the lazy dog').digest('hex'),
    'de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9',
  );
});
