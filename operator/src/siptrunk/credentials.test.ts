import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Secret } from '@kubernetes/client-node';
import { credentialsFromSecret } from './credentials.ts';
import { sipTrunk } from './fixtures.ts';

const secret = (data: Record<string, string>): V1Secret => ({
  data: Object.fromEntries(
    Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
});
const trunk = sipTrunk('carrier', {
  credentialsSecret: { name: 'creds', usernameKey: 'user', passwordKey: 'pass' },
});

describe('credentialsFromSecret', () => {
  it('reads the keys the trunk names (a trailing newline is not part of a password)', () => {
    assert.deepEqual(credentialsFromSecret(trunk, secret({ user: 'acct', pass: 'Pa55-w0rd!\n' })), {
      state: 'ok',
      credentials: { username: 'acct', password: 'Pa55-w0rd!' },
    });
    assert.deepEqual(credentialsFromSecret(sipTrunk('plain', {}), undefined), { state: 'none' });
  });

  it('names a missing Secret or key, and unusable values, never quoting them', () => {
    const missing = credentialsFromSecret(trunk, undefined);
    assert.equal(missing.state === 'problem' && missing.reason, 'SecretNotFound');
    const key = credentialsFromSecret(trunk, secret({ user: 'acct' }));
    assert.equal(
      key.state === 'problem' && key.message,
      'spec.credentialsSecret: Secret "creds" has no key "pass"',
    );
    const bad = credentialsFromSecret(trunk, secret({ user: 'acct', pass: 'semi;colon-secret' }));
    assert.equal(bad.state === 'problem' && bad.reason, 'CredentialsInvalid');
    assert.ok(!JSON.stringify(bad).includes('semi;colon-secret'));
    const user = credentialsFromSecret(trunk, secret({ user: 'a]b', pass: 'fine-password' }));
    assert.equal(user.state === 'problem' && user.reason, 'CredentialsInvalid');
  });
});
