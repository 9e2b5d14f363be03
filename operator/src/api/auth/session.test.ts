import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { principalFrom } from './principal.ts';
import { decodeSession, encodeSession, fingerprint } from './session.ts';
import { LateKeySigner } from './signer.ts';

describe('session cookies', () => {
  const claims = { role: 'admin' as const, sub: 'admin', exp: 2_000, fp: fingerprint('hash-1') };

  it('round-trips claims and refuses expired or malformed ones', () => {
    assert.deepEqual(decodeSession(encodeSession(claims), 1_999), claims);
    assert.equal(decodeSession(encodeSession(claims), 2_000), undefined);
    assert.equal(decodeSession('not base64 json', 0), undefined);
    assert.equal(
      decodeSession(encodeSession({ ...claims, role: 'root' as 'admin' }), 0),
      undefined,
    );
  });

  it('trusts only cookies signed with the key, for the current password hash', () => {
    const signer = new LateKeySigner();
    const cookie = () => signer.sign(encodeSession(claims));
    assert.throws(cookie, /not loaded/);
    signer.setKey('k'.repeat(64));
    const sources = {
      signer,
      adminHash: () => 'hash-1',
      agent: () => undefined,
      credentialsSecret: () => undefined,
      now: () => 1_000_000,
    };
    assert.deepEqual(principalFrom(cookie(), sources), { role: 'admin', sub: 'admin' });
    assert.equal(principalFrom(`${cookie()}x`, sources), undefined, 'tampered');
    assert.equal(
      principalFrom(cookie(), { ...sources, adminHash: () => 'hash-2' }),
      undefined,
      'password changed',
    );
    const other = new LateKeySigner();
    other.setKey('o'.repeat(64));
    assert.equal(principalFrom(other.sign(encodeSession(claims)), sources), undefined, 'other key');
  });
});
