import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalOrigin, corsHeaders, corsVerdict } from './cors.ts';

const ALLOWED = ['https://www.ministry.example', 'http://127.0.0.1:8080'];

test('no Origin header: not a cross-origin browser request', () => {
  assert.deepEqual(corsVerdict(undefined, 'sb.example', ALLOWED), { kind: 'no-origin' });
});

test('the operator’s own page is same-origin whatever the list says', () => {
  assert.deepEqual(corsVerdict('https://sb.example', 'sb.example', []), { kind: 'same-origin' });
  assert.deepEqual(corsVerdict('http://127.0.0.1:3000', '127.0.0.1:3000', []), {
    kind: 'same-origin',
  });
});

test('a listed origin is allowed, in canonical form', () => {
  assert.deepEqual(corsVerdict('https://www.ministry.example', 'sb.example', ALLOWED), {
    kind: 'allowed',
    origin: 'https://www.ministry.example',
  });
  // a default port written in the list still matches the browser's Origin
  assert.deepEqual(corsVerdict('https://gov.example', 'sb.example', ['https://gov.example:443']), {
    kind: 'allowed',
    origin: 'https://gov.example',
  });
});

test('unlisted, look-alike, other scheme or port, "null" and junk are refused', () => {
  for (const origin of [
    'https://evil.example',
    'https://www.ministry.example.evil.example',
    'http://www.ministry.example',
    'http://127.0.0.1:8081',
    'null',
    'javascript:alert(1)',
    '',
  ])
    assert.deepEqual(corsVerdict(origin, 'sb.example', ALLOWED), { kind: 'refused' }, origin);
});

test('canonicalOrigin drops paths and default ports, refuses other schemes', () => {
  assert.equal(canonicalOrigin('HTTPS://WWW.Ministry.Example:443'), 'https://www.ministry.example');
  assert.equal(canonicalOrigin('ftp://x.example'), undefined);
});

test('preflight answers name methods and headers, simple answers only the origin', () => {
  assert.deepEqual(Object.keys(corsHeaders('https://a.example', false)), [
    'access-control-allow-origin',
  ]);
  assert.equal(corsHeaders('https://a.example', true)['access-control-allow-methods'], 'GET, POST');
});
