import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keypadTone } from './guest-keys.ts';

test('the twelve phone keys are tones; anything else is not', () => {
  for (const k of [...'0123456789*#']) assert.equal(keypadTone(k), k);
  for (const k of ['A', 'a', 'Enter', ' ', 'Tab', '10', '', '+'])
    assert.equal(keypadTone(k), undefined, k);
});
