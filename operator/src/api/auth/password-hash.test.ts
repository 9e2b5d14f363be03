import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashPassword, verifyPassword } from './password-hash.ts';

describe('login password hashes', () => {
  const cheap = { N: 1 << 10, r: 8, p: 1 };

  it('verifies the password and nothing else; salts every hash', async () => {
    const a = await hashPassword('correct horse', cheap);
    const b = await hashPassword('correct horse', cheap);
    assert.notEqual(a, b);
    assert.match(a, /^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    assert.equal(await verifyPassword('correct horse', a), true);
    assert.equal(await verifyPassword('correct horsf', a), false);
    assert.ok(!a.includes('correct horse'));
  });

  it('uses OWASP-level cost by default and refuses foreign or absurd hashes', async () => {
    assert.match(await hashPassword('x'), /^scrypt\$32768\$8\$3\$/);
    assert.equal(await verifyPassword('x', 'bcrypt$whatever'), false);
    assert.equal(await verifyPassword('x', 'scrypt$1073741824$8$1$c2FsdA==$aGFzaA=='), false);
  });
});
