import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateCredentials, sipPassword, sipUsername, slugify } from './credentials.ts';

describe('SIP credentials', () => {
  it('slug the display name like the seed workflow (john_doe_1700000000)', () => {
    assert.equal(
      sipUsername('John Doe', 1700000000.7, () => false),
      'john_doe_1700000000',
    );
    assert.equal(slugify('  Zoë  Ångström-Müller '), 'zoe_angstrom_muller');
    assert.equal(slugify('O\'Brien, "Pat"'), 'o_brien_pat');
    assert.ok(slugify('x'.repeat(200)).length <= 40);
  });

  it('transliterate names in other scripts (ivan_petrov_<seconds>), "agent" only when nothing is left', () => {
    assert.equal(
      sipUsername('Иван Петров', 1700000000, () => false),
      'ivan_petrov_1700000000',
    );
    assert.equal(slugify('محمد'), 'mhmd');
    assert.equal(slugify('李小龙'), 'lixiaolong');
    assert.equal(slugify('Straße 7'), 'strasse_7');
    assert.equal(slugify('😀 ★ !!'), 'agent', 'no letter or digit: a neutral slug');
    assert.ok(slugify('x'.repeat(200)).length <= 40);
  });

  it('never hand out a username twice, keeping the <slug>_<seconds> format', () => {
    const taken = new Set(['john_doe_1700000000', 'john_doe_1700000001']);
    assert.equal(
      sipUsername('John Doe', 1700000000, (u) => taken.has(u)),
      'john_doe_1700000002',
    );
  });

  it('make 32-hex-character passwords from the CSPRNG, different every time', () => {
    const passwords = new Set(Array.from({ length: 1000 }, () => sipPassword()));
    assert.equal(passwords.size, 1000);
    for (const p of passwords) assert.match(p, /^[0-9a-f]{32}$/);
    const c = generateCredentials('Jane Roe', 1700000000, () => false);
    assert.match(c.password, /^[0-9a-f]{32}$/);
    assert.equal(c.username, 'jane_roe_1700000000');
  });
});
