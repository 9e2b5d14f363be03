import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizePhoneField, phoneRegion, toE164 } from './phone-number.ts';

describe('phone numbers as people type them', () => {
  it('stores E.164 from spaces, dashes, brackets, 00 and national forms', () => {
    assert.deepEqual(toE164('+232 76 123 456', undefined), { ok: true, e164: '+23276123456' });
    assert.deepEqual(toE164('+49 (30) 123-456', undefined), { ok: true, e164: '+4930123456' });
    assert.deepEqual(toE164('0044 20 7946 0958', 'DE'), { ok: true, e164: '+442079460958' });
    assert.deepEqual(toE164('(030) 123456', 'DE'), { ok: true, e164: '+4930123456' });
    assert.deepEqual(toE164('076 123 456', 'SL'), { ok: true, e164: '+23276123456' });
  });

  it('says what is wrong only when it is not a phone number', () => {
    const message = (text: string, region?: 'DE') => {
      const r = toE164(text, region);
      return r.ok ? 'accepted' : r.message;
    };
    assert.match(message('030 1234'), /needs the country code.*DEFAULT_PHONE_REGION.*E\.164/);
    assert.match(message('hello'), /is not a phone number/);
    assert.match(message('+1 555'), /too few digits/);
    assert.match(message('+999 1234567'), /country code that does not exist/);
    assert.match(message('+49 30 123456 ext. 12'), /extension/);
  });

  it('rewrites the body field in place, or names it', () => {
    const body: Record<string, unknown> = { phoneNumber: '+232 76 123 456' };
    assert.equal(normalizePhoneField(body, undefined), undefined);
    assert.equal(body.phoneNumber, '+23276123456');
    assert.equal(normalizePhoneField({ phoneNumber: 42 }, undefined), undefined, 'left to ajv');
    assert.equal(normalizePhoneField({ phoneNumber: 'x' }, undefined)?.field, 'phoneNumber');
  });

  it('reads DEFAULT_PHONE_REGION', () => {
    assert.equal(phoneRegion(''), undefined);
    assert.equal(phoneRegion('de'), 'DE');
    assert.throws(() => phoneRegion('XX'), /DEFAULT_PHONE_REGION/);
  });
});
