import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dialTarget, isDtmfTone } from './dial-target.ts';

test('extensions and phone numbers become SIP URIs in the domain', () => {
  assert.deepEqual(dialTarget(' 1001 ', 'pbx.example'), {
    ok: true,
    uri: 'sip:1001@pbx.example',
    display: '1001',
  });
  assert.deepEqual(dialTarget('+1 (555) 010-99.12', 'pbx.example'), {
    ok: true,
    uri: 'sip:+15550109912@pbx.example',
    display: '+15550109912',
  });
  // numbers as people write them reach Asterisk as digits (and "+"), nothing else
  for (const [typed, user] of [
    ['076 123 456', '076123456'],
    ['+232 76-123-456', '+23276123456'],
    ['(076) 123456', '076123456'],
    ['00232 76 123 456', '0023276123456'],
    ['076/123 456', '076123456'],
  ])
    assert.deepEqual(dialTarget(typed ?? '', 'd'), {
      ok: true,
      uri: `sip:${user}@d`,
      display: user,
    });
  assert.equal(dialTarget('john_doe_1700000000', 'd').ok, true);
  assert.deepEqual(dialTarget('sip:bob@other.example', 'd'), {
    ok: true,
    uri: 'sip:bob@other.example',
    display: 'bob@other.example',
  });
});

test('empty or malformed input gets a specific message', () => {
  assert.deepEqual(dialTarget('  ', 'd'), {
    ok: false,
    error: 'Enter an extension or number to call.',
  });
  const bad = dialTarget('bob smith', 'd');
  assert.equal(bad.ok, false);
  assert.match(bad.ok ? '' : bad.error, /"bob smith" is not an extension/);
  assert.equal(dialTarget('sip:@x', 'd').ok, false);
});

test('DTMF tones are the 16 RFC 4733 events', () => {
  for (const k of '0123456789*#ABCD') assert.equal(isDtmfTone(k), true, k);
  for (const k of ['', '12', 'E', ' ', 'x']) assert.equal(isDtmfTone(k), false, k);
});
