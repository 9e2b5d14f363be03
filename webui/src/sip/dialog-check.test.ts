import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dialogAnswer } from './dialog-check.ts';

describe('dialogAnswer', () => {
  it('481 and 408 say the server no longer has the call (RFC 5057)', () => {
    assert.equal(dialogAnswer(481), 'gone');
    assert.equal(dialogAnswer(408), 'gone');
  });

  it('any other answer came from the server that holds the call', () => {
    for (const code of [200, 405, 415, 501, 503]) assert.equal(dialogAnswer(code), 'exists');
  });
});
