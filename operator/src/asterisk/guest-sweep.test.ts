import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expiredTokens } from './guest-sweep.ts';

describe('guest sweep', () => {
  it('picks the expired and unreadable keys of the guest family only', () => {
    const entries = [
      { event: 'DBGetTreeResponse', key: '/switchboard-guest/aa', val: '99' },
      { event: 'DBGetTreeResponse', key: '/switchboard-guest/bb', val: '100' },
      { event: 'DBGetTreeResponse', key: '/switchboard-guest/cc', val: '101' },
      { event: 'DBGetTreeResponse', key: '/switchboard-guest/dd', val: 'garbage' },
      { event: 'DBGetTreeResponse', key: '/switchboard-guest/ff', val: '100~Passports' },
      { event: 'DBGetTreeResponse', key: '/switchboard-guest/gg', val: '101~Passports' },
      { event: 'DBGetTreeResponse', key: '/switchboard-guest-other/ee', val: '1' },
      { event: 'DBGetTreeResponse', key: '/Queue/PersistentMembers/support', val: '1' },
    ];
    assert.deepEqual(expiredTokens(entries, 100), ['aa', 'bb', 'dd', 'ff']);
    assert.deepEqual(expiredTokens([], 100), []);
  });
});
