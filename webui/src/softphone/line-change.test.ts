import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LineState } from '../api/types.ts';
import { LINE_NOTICE, lineReaction, provisionedFor } from './line-change.ts';

const line = (extra: Partial<LineState> = {}): LineState => ({
  state: 'active',
  username: 'jane_1700000000',
  extension: 1000,
  registered: null,
  provisioned: true,
  ...extra,
});
const phone = { username: 'jane_1700000000', registered: true, running: true };

describe('lineReaction', () => {
  it('does nothing when the line is as the phone knows it', () => {
    const r = lineReaction(line(), line(), phone);
    assert.deepEqual(r, { stopLine: false, clearPassword: false, verify: false });
  });

  it('a new username keeps the running line, pre-fills it, clears the password and says why', () => {
    const next = line({ username: 'jane_1800000000', provisioned: false });
    assert.deepEqual(lineReaction(line(), next, phone), {
      stopLine: false,
      rotatedTo: 'jane_1800000000',
      username: 'jane_1800000000',
      clearPassword: true,
      notice: LINE_NOTICE.rotatedKeeping,
      verify: false,
    });
    // no line running: only the password is missing
    const idle = { ...phone, registered: false, running: false };
    assert.equal(lineReaction(line(), next, idle).notice, LINE_NOTICE.rotated);
  });

  it('compares the first event with the username the page was given', () => {
    const r = lineReaction(undefined, line({ username: 'jane_1800000000' }), phone);
    assert.equal(r.rotatedTo, 'jane_1800000000');
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
    const r = lineReaction(line({ username: null }), line(), {
      username: '',
      registered: false,
      running: false,
    });
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

describe('provisionedFor', () => {
  it('is true only when Asterisk has the endpoint of the username the phone waits for', () => {
    const fresh = 'jane_1800000000';
    assert.equal(provisionedFor(line({ username: fresh }), fresh), true);
    assert.equal(provisionedFor(line({ username: fresh, provisioned: false }), fresh), false);
    assert.equal(provisionedFor(line({ username: fresh, provisioned: null }), fresh), false);
    // a later rotation: the provisioned endpoint is not the one waited for
    assert.equal(provisionedFor(line({ username: 'jane_1900000000' }), fresh), false);
    assert.equal(provisionedFor(line({ username: fresh, state: 'suspended' }), fresh), false);
  });
});
