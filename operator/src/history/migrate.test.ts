// The runner's pure parts; the runner itself is tested against a real
// PostgreSQL in test/integration/history-migrations.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkOrder, checksum } from './migrate.ts';
import { MIGRATIONS } from './migrations/index.ts';

describe('history migrations', () => {
  it('are numbered 1, 2, 3, ... without gaps', () => {
    checkOrder(MIGRATIONS);
    assert.ok(MIGRATIONS.length >= 1);
  });

  it('refuses a list with a gap or out of order', () => {
    const m = (version: number) => ({ version, name: `v${version}`, sql: 'SELECT 1' });
    assert.throws(() => checkOrder([m(1), m(3)]), /version 3, expected 2/);
    assert.throws(() => checkOrder([m(2)]), /version 2, expected 1/);
    assert.doesNotThrow(() => checkOrder([]));
  });

  it('identifies a migration by the SHA-256 of its text', () => {
    const a = { version: 1, name: 'a', sql: 'SELECT 1' };
    assert.match(checksum(a), /^[0-9a-f]{64}$/);
    assert.equal(checksum(a), checksum({ ...a, name: 'renamed' }));
    assert.notEqual(checksum(a), checksum({ ...a, sql: 'SELECT 2' }));
  });
});
