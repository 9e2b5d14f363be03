import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  toUserField,
  validateCreateUser,
  validatePatchUser,
  validateWebRtcSettings,
} from './schemas.ts';

const fields = (r: { ok: boolean; errors?: { field: string; message: string }[] }) =>
  r.ok ? [] : (r.errors ?? []).map((e) => `${e.field}: ${e.message}`);

describe('HR API bodies (from the CRD schema pieces)', () => {
  it('accepts the seed workflow body and applies nothing it does not name', () => {
    const r = validateCreateUser({
      name: 'John Doe',
      phoneNumber: '+4930123456',
      password: 'longenough',
      accountType: 'agent',
    });
    assert.equal(r.ok, true);
  });

  it('uses the CRD rules under the API field names', () => {
    const r = validateCreateUser({
      name: '',
      phoneNumber: '',
      password: 'x',
      accountType: 'boss',
      extension: 5,
      codecs: ['mp3'],
    });
    assert.deepEqual(fields(r).sort(), [
      'accountType: must be one of: agent',
      'codecs[0]: must be one of: opus, g722, ulaw, alaw',
      'extension: must be >= 100',
      'name: must NOT have fewer than 1 characters',
      'password: must NOT have fewer than 8 characters',
      // (the number's own format is phone-number.ts's: the body takes what people type)
      'phoneNumber: must NOT have fewer than 1 characters',
    ]);
  });

  it('refuses unknown fields and missing required ones', () => {
    assert.deepEqual(
      fields(validateCreateUser({ name: 'A', accountType: 'agent', extra: 1 })).sort(),
      ['extra: unknown field', 'password: is required'],
    );
    assert.deepEqual(fields(validatePatchUser({ accountType: 'agent' })), [
      'accountType: unknown field',
    ]);
  });

  it('checks WebRTC settings with the CRD CEL rule on TURN credential sources', () => {
    const r = validateWebRtcSettings({
      asteriskWsUrl: 'wss://pbx.example.org/ws',
      iceServers: { turnServers: [{ urls: ['turn:t.example.org'] }] },
    });
    assert.match(
      fields(r).join(),
      /iceServers\.turnServers\[0\]: a TURN server needs exactly one credential source/,
    );
    assert.match(
      fields(validateWebRtcSettings({ asteriskWsUrl: 'https://x/ws' })).join(),
      /^asteriskWsUrl: has the wrong format\. The SIP-over-WebSocket URL/,
    );
  });

  it('renames spec paths to API fields', () => {
    assert.deepEqual(toUserField({ field: 'spec.displayName', message: 'm' }), {
      field: 'name',
      message: 'm',
    });
    assert.deepEqual(toUserField({ field: 'spec.codecs[1]', message: 'm' }), {
      field: 'codecs[1]',
      message: 'm',
    });
    assert.deepEqual(toUserField({ field: 'metadata.name', message: 'm' }), {
      field: 'metadata.name',
      message: 'm',
    });
  });
});
