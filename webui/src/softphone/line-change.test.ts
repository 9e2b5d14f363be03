import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LineState } from '../api/types.ts';
import { LINE_NOTICE, lineReaction } from './line-change.ts';

const line = (extra: Partial<LineState> = {}): LineState => ({
  state: 'active',
  username: 'jane_1700000000',
  extension: 1000,
  registered: null,
  ...extra,
});
const phone = { username: 'jane_1700000000', registered: true };

describe('lineReaction', () => {
  it('does nothing when the line is as the phone knows it', () => {
    const r = lineReaction(line(), line(), phone);
    assert.deepEqual(r, { stopLine: false, clearPassword: false, verify: false });
  });

  it('a new username stops the line, pre-fills it, clears the password and says why', () => {
    const next = line({ username: 'jane_1800000000' });
    assert.deepEqual(lineReaction(line(), next, phone), {
      stopLine: true,
      username: 'jane_1800000000',
      clearPassword: true,
      notice: LINE_NOTICE.rotated,
      verify: false,
    });
  });

  it('compares the first event with the username the page was given', () => {
    const r = lineReaction(undefined, line({ username: 'jane_1800000000' }), phone);
    assert.equal(r.stopLine, true);
    assert.equal(r.username, 'jane_1800000000');
    // same username: only the extension is taken over
    assert.deepEqual(lineReaction(undefined, line(), phone), {
      stopLine: false,
      extension: '1000',
      clearPassword: false,
      verify: false,
    });
  });

  it('fills in credentials made after the page loaded, without a notice', () => {
    const r = lineReaction(line({ username: null }), line(), { username: '', registered: false });
    assert.deepEqual(r, {
      stopLine: false,
      username: 'jane_1700000000',
      clearPassword: false,
      verify: false,
    });
  });

  it('suspension and deletion stop the line with their own words', () => {
    for (const state of ['suspended', 'deleted'] as const) {
      const r = lineReaction(line(), line({ state }), phone);
      assert.equal(r.stopLine, true);
      assert.equal(r.notice, LINE_NOTICE[state]);
    }
  });

  it('a contact Asterisk lost while the phone is registered is checked with a REGISTER', () => {
    const was = line({ registered: true });
    assert.equal(lineReaction(was, line({ registered: false }), phone).verify, true);
    assert.equal(
      lineReaction(was, line({ registered: false }), { ...phone, registered: false }).verify,
      false,
    );
    assert.equal(lineReaction(line(), line({ registered: false }), phone).verify, false);
  });
});
