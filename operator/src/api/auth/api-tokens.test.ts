import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bearerToken,
  mintToken,
  parseRecord,
  sha256,
  tokenId,
  tokenInfo,
  verifyToken,
} from './api-tokens.ts';

describe('API tokens', () => {
  const inADay = new Date(Date.now() + 86_400_000);

  it('are random, carry their id, and are stored as a SHA-256 only', () => {
    const a = mintToken('hr-sync', ['agents:read', 'agents:read'], inADay);
    const b = mintToken('hr-sync', ['agents:read'], inADay);
    assert.notEqual(a.token, b.token);
    assert.equal(tokenId(a.token), a.record.id);
    assert.equal(a.record.hash, sha256(a.token));
    assert.deepEqual(a.record.scopes, ['agents:read']);
    // the secret is everything after "sbt_<16 hex>_" (base64url: it may contain "_" itself)
    const secret = a.token.slice('sbt_'.length + 16 + 1);
    assert.equal(secret.length, 43);
    assert.ok(!JSON.stringify(a.record).includes(secret));
    assert.equal(tokenId('sbt_short'), undefined);
  });

  it('verify the token itself, its record and its expiry', () => {
    const { token, record } = mintToken('t', ['settings:write'], inADay);
    assert.equal(verifyToken(token, record).ok, true);
    // Another last character (a fixed "A" is the token itself one time in 64).
    const last = token.endsWith('A') ? 'B' : 'A';
    assert.equal(verifyToken(`${token.slice(0, -1)}${last}`, record).ok, false);
    assert.equal(verifyToken(token, undefined).ok, false, 'revoked');
    const later = verifyToken(token, record, inADay.getTime() + 1);
    assert.deepEqual(later, { ok: false, message: 'the API token "t" has expired' });
    assert.equal(tokenInfo(record, undefined, inADay.getTime()).expired, true);
  });

  it('read Bearer headers and stored records defensively', () => {
    assert.equal(bearerToken('Bearer abc'), 'abc');
    assert.equal(bearerToken('bearer  abc '), 'abc');
    assert.equal(bearerToken('Basic abc'), undefined);
    assert.equal(bearerToken(undefined), undefined);
    const { record } = mintToken('t', ['agents:write'], inADay);
    assert.deepEqual(parseRecord(JSON.stringify(record)), record);
    assert.equal(parseRecord('{"id":1}'), undefined);
    assert.equal(parseRecord('not json'), undefined);
    assert.deepEqual(parseRecord(JSON.stringify({ ...record, scopes: ['root'] }))?.scopes, []);
  });
});
