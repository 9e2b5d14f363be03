import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  callerId,
  callFailure,
  endedCall,
  newCallView,
  sendsAudio,
  unexplainedEndReason,
} from './call-view.ts';

const uri = (user: string | undefined) => ({ user, toString: () => 'sip:host.example' });

test('caller ID: the display name when given, else the SIP user, else the URI', () => {
  assert.deepEqual(callerId({ displayName: 'Alice', uri: uri('1001') }), {
    name: 'Alice',
    user: '1001',
  });
  assert.deepEqual(callerId({ displayName: '', uri: uri('1001') }), { name: '1001', user: '1001' });
  assert.deepEqual(callerId({ displayName: '', uri: uri(undefined) }), {
    name: 'sip:host.example',
    user: 'sip:host.example',
  });
});

test('a guest from the web: the marker, and the page when the site named it', () => {
  assert.deepEqual(callerId({ displayName: 'Web caller', uri: uri('web') }), {
    name: 'Web caller',
    user: 'web',
    fromWeb: true,
    webPage: undefined,
  });
  const withPage = callerId({ displayName: 'Web caller - Passport renewal', uri: uri('web') });
  assert.equal(withPage.webPage, 'Passport renewal');
  assert.equal(newCallView('c', 'incoming', withPage).fromWeb, true);
  assert.equal(newCallView('c', 'incoming', withPage).webPage, 'Passport renewal');
  // only the gate's number makes a web call: a name alone does not
  assert.equal(callerId({ displayName: 'Web caller - x', uri: uri('1001') }).fromWeb, undefined);
  assert.equal(newCallView('c', 'incoming', { name: 'Bob', user: '1001' }).fromWeb, false);
});

test('a new call rings when incoming and dials when outgoing', () => {
  const remote = { name: 'Bob', user: 'bob' };
  assert.deepEqual(newCallView('c1', 'incoming', remote), {
    id: 'c1',
    direction: 'incoming',
    remoteName: 'Bob',
    remoteUser: 'bob',
    fromWeb: false,
    webPage: undefined,
    phase: 'ringing',
    held: false,
    muted: false,
    holdPending: false,
    transferPending: false,
  });
  assert.equal(newCallView('c2', 'outgoing', remote).phase, 'dialing');
});

test('an unexplained end is a missed call, no answer, or just ended', () => {
  const incoming = newCallView('c', 'incoming', { name: 'b', user: 'b' });
  const outgoing = newCallView('c', 'outgoing', { name: 'b', user: 'b' });
  assert.equal(unexplainedEndReason(incoming), 'Missed call');
  assert.equal(unexplainedEndReason(outgoing), 'No answer');
  assert.equal(unexplainedEndReason({ ...incoming, phase: 'active' }), 'Call ended');
  assert.equal(unexplainedEndReason({ ...outgoing, phase: 'active' }), 'Call ended');
});

test('an ended call lasted from its answer; an unanswered one has no duration', () => {
  const call = newCallView('c', 'outgoing', { name: 'Bob', user: 'bob' });
  assert.deepEqual(endedCall({ ...call, answeredAt: 1000 }, 'Call ended', 62_000), {
    remoteName: 'Bob',
    reason: 'Call ended',
    durationMs: 61_000,
  });
  assert.equal(endedCall(call, 'No answer', 62_000).durationMs, undefined);
  // the note form stays on the call after hang-up
  assert.equal(endedCall({ ...call, linkedid: '17.4' }, 'Call ended', 1).linkedid, '17.4');
});

test('the microphone sends only when neither held nor muted', () => {
  assert.equal(sendsAudio({ held: false, muted: false }), true);
  assert.equal(sendsAudio({ held: true, muted: false }), false);
  assert.equal(sendsAudio({ held: false, muted: true }), false);
});

test('a microphone failure becomes help; anything else a call error', () => {
  const denied = callFailure(new DOMException('denied', 'NotAllowedError'));
  assert.match(denied.mediaError ?? '', /Microphone access is blocked/);
  assert.equal(denied.callError, undefined);
  assert.equal(denied.endReason, 'Microphone unavailable');
  assert.deepEqual(callFailure(new Error('488 Not Acceptable Here')), {
    callError: 'The call failed: 488 Not Acceptable Here',
    endReason: 'Call failed',
  });
  assert.equal(callFailure('boom').callError, 'The call failed: boom');
});
