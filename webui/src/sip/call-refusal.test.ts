import assert from 'node:assert/strict';
import { test } from 'node:test';
import { q850Cause, refusalReason } from './call-refusal.ts';

test('the Q.850 cause of a Reason header', () => {
  assert.equal(q850Cause('Q.850;cause=21'), 21);
  assert.equal(q850Cause('SIP;cause=200;text="x", Q.850;cause=57'), 57);
  assert.equal(q850Cause('Q.850 ; cause = 28 ;text="Invalid number format"'), 28);
  assert.equal(q850Cause('SIP;cause=603'), undefined);
  assert.equal(q850Cause(undefined), undefined);
});

test('refusals of calls out are told apart in words, the SIP status kept', () => {
  assert.equal(
    refusalReason(403, 'Forbidden', 'Q.850;cause=21'),
    'Calls to this number are not allowed (403 Forbidden)',
  );
  assert.equal(
    refusalReason(603, 'Decline', 'Q.850;cause=57'),
    'You are not allowed to call outside numbers (603 Decline)',
  );
  assert.equal(
    refusalReason(484, 'Address Incomplete', 'Q.850;cause=28'),
    'That is not a complete phone number (484 Address Incomplete)',
  );
  assert.equal(
    refusalReason(404, 'Not Found', 'Q.850;cause=1'),
    'No such extension or number (404 Not Found)',
  );
});

test('without a known cause the status line is all', () => {
  assert.equal(refusalReason(480, 'Temporarily Unavailable'), '480 Temporarily Unavailable');
  assert.equal(refusalReason(500, 'Server Error', 'Q.850;cause=99'), '500 Server Error');
});

test('a carrier’s own refusal, passed through by the dialplan, is shown in words too', () => {
  const cases: [number, string, number, string][] = [
    [410, 'Gone', 22, 'That number has changed (410 Gone)'],
    [502, 'Bad Gateway', 27, 'The number called is out of order (502 Bad Gateway)'],
    [
      503,
      'Service Unavailable',
      41,
      'The phone network failed for a moment, try again (503 Service Unavailable)',
    ],
  ];
  for (const [status, phrase, cause, words] of cases)
    assert.equal(refusalReason(status, phrase, `Q.850;cause=${cause}`), words);
});
