import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../api/client.ts';
import {
  changedText,
  clockTime,
  errorText,
  formatCountdown,
  presenceLabel,
  queuesText,
  retryable,
  wrapUpLeftMs,
} from './agent-state-text.ts';

test('the presence reads Available, Paused: <reason>, Signed out', () => {
  assert.equal(presenceLabel({ presence: 'available' }), 'Available');
  assert.equal(presenceLabel({ presence: 'paused', reason: 'lunch' }), 'Paused: lunch');
  assert.equal(presenceLabel({ presence: 'paused', reason: '' }), 'Paused');
  assert.equal(presenceLabel({ presence: 'signed-out' }), 'Signed out');
});

test('since reads the local time of day as hh:mm; nothing without a valid time', () => {
  const at = new Date(2026, 0, 5, 9, 7, 59);
  assert.equal(clockTime(at.toISOString()), '09:07');
  assert.equal(clockTime(new Date(2026, 0, 5, 23, 45).toISOString()), '23:45');
  assert.equal(clockTime(undefined), '');
  assert.equal(clockTime('not a time'), '');
});

test('the wrap-up counts down to the second, rounded up, and ends at zero', () => {
  const now = Date.parse('2026-01-05T10:00:00.000Z');
  const view = { wrapUpUntil: '2026-01-05T10:00:42.300Z' };
  assert.equal(wrapUpLeftMs(view, now), 42_300);
  assert.equal(formatCountdown(wrapUpLeftMs(view, now)), '0:43');
  assert.equal(formatCountdown(wrapUpLeftMs(view, now + 42_000)), '0:01');
  assert.equal(wrapUpLeftMs(view, now + 42_300), 0);
  assert.equal(wrapUpLeftMs(view, now + 60_000), 0, 'never negative');
  assert.equal(wrapUpLeftMs({}, now), 0, 'no wrap-up');
  assert.equal(wrapUpLeftMs({ wrapUpUntil: 'soon' }, now), 0);
  assert.equal(formatCountdown(125_000), '2:05');
  assert.equal(formatCountdown(0), '0:00');
});

test('the queues line names the queues served now, or those it may serve', () => {
  assert.equal(
    queuesText({ queues: ['support'], eligibleQueues: ['support'] }),
    'In queue: support',
  );
  assert.equal(
    queuesText({ queues: ['billing', 'support'], eligibleQueues: ['billing', 'support'] }),
    'In queues: billing, support',
  );
  assert.equal(
    queuesText({ queues: [], eligibleQueues: ['support'] }),
    'Not in any queue now; may serve: support',
  );
  assert.equal(queuesText({ queues: [], eligibleQueues: [] }), 'No queue to serve');
});

test('the HR notice says what the admin changed', () => {
  assert.equal(changedText('Ann', { presence: 'available' }), 'Ann is available for queue calls.');
  assert.equal(
    changedText('Ann', { presence: 'paused', reason: 'break' }),
    'Ann is paused (break).',
  );
  assert.equal(changedText('Ann', { presence: 'signed-out' }), 'Ann was signed out of the queues.');
});

test('errors show the API message once, field errors it does not already name, and when to retry', () => {
  const bad = new ApiError(400, 'invalid request: reason: "nap" is not a pause reason here', [
    { field: 'reason', message: '"nap" is not a pause reason here' },
  ]);
  assert.equal(errorText(bad), 'invalid request: reason: "nap" is not a pause reason here');
  assert.equal(
    errorText(
      new ApiError(400, 'invalid request', [{ field: 'presence', message: 'is required' }]),
    ),
    'invalid request (presence: is required)',
  );
  assert.equal(retryable(bad), false);
  const busy = new ApiError(503, 'Asterisk did not take the change: not connected');
  assert.equal(errorText(busy), 'Asterisk did not take the change: not connected');
  assert.equal(retryable(busy), true);
  assert.equal(retryable(new ApiError(0, 'The server cannot be reached.')), true);
  assert.equal(retryable(new Error('x')), false);
  assert.equal(errorText(new Error('boom')), 'boom');
});
