import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dialledDigits, type NumberingPlan, normaliseNumber, outboundVerdict } from './numbers.ts';

const plan: NumberingPlan = {
  countryCode: '232',
  nationalPrefix: '0',
  internationalPrefix: '00',
  emergencyNumbers: ['112', '999'],
};

test('a number as a person writes it becomes E.164', () => {
  for (const typed of [
    '076 123 456',
    '+232 76-123-456',
    '(076) 123456',
    '00232 76 123 456',
    '076.123.456',
    '076/123456',
    '+23276123456',
  ])
    assert.deepEqual(
      normaliseNumber(typed, plan),
      { kind: 'national', e164: '+23276123456' },
      typed,
    );
  assert.deepEqual(normaliseNumber('0044 20 7946 0958', plan), {
    kind: 'international',
    e164: '+442079460958',
  });
  assert.deepEqual(normaliseNumber('+1 (555) 010-9912', plan), {
    kind: 'international',
    e164: '+15550109912',
  });
});

test('emergency numbers go out as dialled', () => {
  assert.deepEqual(normaliseNumber('112', plan), { kind: 'emergency', number: '112' });
  assert.deepEqual(normaliseNumber(' 9 9 9 ', plan), { kind: 'emergency', number: '999' });
});

test('what is no E.164 number is invalid', () => {
  assert.deepEqual(normaliseNumber('76123456', plan), { kind: 'unknown' }, 'no prefix');
  assert.deepEqual(normaliseNumber('4455', plan), { kind: 'unknown' }, 'no such extension');
  for (const typed of [
    '0761', // too short
    '+0123456789', // no country code starts with 0
    '00123456789012345678', // more than 15 digits
    '076*123456',
    '+',
  ])
    assert.deepEqual(normaliseNumber(typed, plan), { kind: 'invalid' }, typed);
});

test('without a national prefix every other number is national', () => {
  const italy: NumberingPlan = { ...plan, countryCode: '39', nationalPrefix: '' };
  assert.deepEqual(normaliseNumber('06 1234 5678', italy), {
    kind: 'national',
    e164: '+390612345678',
  });
  assert.deepEqual(normaliseNumber('0033 1 23 45 67 89', italy), {
    kind: 'international',
    e164: '+33123456789',
  });
});

test('deny beats allow; national, international and prefixes allow; the rest is refused', () => {
  const rules = { allow: ['national', '+44'], deny: ['+2329', '+4490'] };
  const verdict = (typed: string) => outboundVerdict(normaliseNumber(typed, plan), rules);
  assert.deepEqual(verdict('076 123 456'), { call: '+23276123456' });
  assert.deepEqual(verdict('090 123 456'), { refused: 'denied' });
  assert.deepEqual(verdict('+44 20 7946 0958'), { call: '+442079460958' });
  assert.deepEqual(verdict('+44 90 7946 0958'), { refused: 'denied' });
  assert.deepEqual(verdict('+33 1 23 45 67 89'), { refused: 'not-allowed' });
  assert.deepEqual(verdict('0761'), { refused: 'invalid' });
  assert.deepEqual(verdict('4455'), { refused: 'unknown' });
  // emergency numbers pass whatever the rules say
  assert.deepEqual(outboundVerdict(normaliseNumber('112', plan), { allow: [], deny: ['+'] }), {
    call: '112',
  });
  const world = { allow: ['international'], deny: [] };
  assert.deepEqual(outboundVerdict(normaliseNumber('+33 1 23 45 67 89', plan), world), {
    call: '+33123456789',
  });
  assert.deepEqual(outboundVerdict(normaliseNumber('076 123 456', plan), world), {
    refused: 'not-allowed',
  });
});

test('formatting is dropped, the rest kept for Asterisk to judge', () => {
  assert.equal(dialledDigits(' (076) 12-34.56 '), '076123456');
  assert.equal(dialledDigits('*43'), '*43');
});
