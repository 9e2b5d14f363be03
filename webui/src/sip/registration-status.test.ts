import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  cannotReachReason,
  type RegistrationFacts,
  registrationView,
} from './registration-status.ts';

const base: RegistrationFacts = {
  wanted: true,
  transport: 'connected',
  confirmedOnThisConnection: true,
  everRegistered: true,
};

test('registered only with a live socket and a 200 OK on it', () => {
  assert.deepEqual(registrationView(base), { status: 'registered' });
  // SIP.js still says Registered here; the server already dropped the contact
  assert.equal(
    registrationView({ ...base, transport: 'disconnected', confirmedOnThisConnection: true })
      .status,
    'reconnecting',
  );
  assert.equal(
    registrationView({ ...base, confirmedOnThisConnection: false, retryReason: 'x' }).status,
    'registering',
  );
});

test('first connection is "connecting", a later loss is "reconnecting" with its reason', () => {
  assert.deepEqual(registrationView({ ...base, transport: 'connecting', everRegistered: false }), {
    status: 'connecting',
    reason: undefined,
  });
  assert.deepEqual(
    registrationView({ ...base, transport: 'disconnected', retryReason: 'WebSocket closed' }),
    { status: 'reconnecting', reason: 'WebSocket closed' },
  );
});

test('a terminal failure wins; not wanted is unregistered', () => {
  assert.deepEqual(registrationView({ ...base, failure: '403 Forbidden' }), {
    status: 'failed',
    reason: '403 Forbidden',
  });
  assert.deepEqual(registrationView({ ...base, wanted: false }), { status: 'unregistered' });
});

test('an unreachable server is named with the socket error', () => {
  assert.equal(
    cannotReachReason('wss://pbx.example/ws', new Error('WebSocket closed')),
    'Cannot reach wss://pbx.example/ws: WebSocket closed',
  );
});
