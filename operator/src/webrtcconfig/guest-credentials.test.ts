import assert from 'node:assert/strict';
import { test } from 'node:test';
import { guestIdentity, guestPassword } from './guest-credentials.ts';

test('the guest password is 32 hex, the same for one WebRTCConfig, new for a recreated one', () => {
  const a = guestPassword('0b6f3c1e-uid-a');
  assert.match(a, /^[0-9a-f]{32}$/);
  assert.equal(guestPassword('0b6f3c1e-uid-a'), a);
  assert.notEqual(guestPassword('0b6f3c1e-uid-b'), a);
  assert.equal(guestIdentity('0b6f3c1e-uid-a').username, 'switchboard-guest');
});
