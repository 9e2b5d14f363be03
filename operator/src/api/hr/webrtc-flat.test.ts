import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Secret } from '@kubernetes/client-node';
import type { WebRTCConfigSpec } from '../../crds/types.ts';
import {
  flatView,
  isFlatBody,
  planFlat,
  TURN_SECRET_NAME,
  toFlatField,
  turnSecretData,
} from './webrtc-flat.ts';

const ws = 'wss://pbx.example.org:8089/ws';
const withTurnSecret = {
  asteriskWsUrl: ws,
  iceServers: {
    turnServers: [
      {
        urls: ['turn:t.example.org:3478'],
        credentialsSecret: {
          name: TURN_SECRET_NAME,
          usernameKey: 'username',
          passwordKey: 'password',
        },
      },
    ],
  },
} as WebRTCConfigSpec;

describe('the flat WebRTC settings shape', () => {
  it('is told apart from the iceServers shape', () => {
    assert.equal(isFlatBody({ asteriskWsUrl: ws, stunServer: 'stun:s' }), true);
    assert.equal(isFlatBody({ asteriskWsUrl: ws, iceServers: {} }), false);
    assert.equal(isFlatBody(null), false);
  });

  it('becomes iceServers with the TURN password bound for a Secret, never the spec', () => {
    const r = planFlat(
      {
        asteriskWsUrl: ws,
        stunServer: 'stun:stun.example.org:3478',
        turnServer: 'turn:t.example.org:3478',
        turnUsername: 'alice',
        turnPassword: 's3cret',
      },
      undefined,
    );
    assert.ok(r.ok);
    assert.deepEqual(r.plan.iceServers, {
      stunUrls: ['stun:stun.example.org:3478'],
      turnServers: withTurnSecret.iceServers.turnServers,
    });
    assert.ok(!JSON.stringify(r.plan.iceServers).includes('s3cret'));
    assert.deepEqual(r.plan.turnSecret, { kind: 'write', username: 'alice', password: 's3cret' });
    assert.deepEqual(turnSecretData({ username: 'alice', password: 's3cret' }), {
      username: 'alice',
      password: 's3cret',
    });
  });

  it('keeps the stored password on a GET-edit-PUT round trip, and wants one otherwise', () => {
    const body = { asteriskWsUrl: ws, turnServer: 'turn:t.example.org', turnUsername: 'bob' };
    const kept = planFlat(body, withTurnSecret);
    assert.ok(kept.ok);
    assert.deepEqual(kept.plan.turnSecret, { kind: 'write', username: 'bob' });
    const none = planFlat(body, undefined);
    assert.deepEqual(none.ok ? [] : none.errors.map((e) => e.field), ['turnPassword']);
    const orphan = planFlat({ asteriskWsUrl: ws, turnPassword: 'x' }, undefined);
    assert.deepEqual(orphan.ok ? [] : orphan.errors, [
      { field: 'turnPassword', message: 'needs a turnServer' },
    ]);
  });

  it('answers the flat view with the username only', () => {
    const secret: V1Secret = {
      data: {
        username: Buffer.from('alice').toString('base64'),
        password: Buffer.from('s3cret').toString('base64'),
      },
    };
    const view = flatView(withTurnSecret, () => secret);
    assert.deepEqual(view, {
      asteriskWsUrl: ws,
      stunServer: null,
      turnServer: 'turn:t.example.org:3478',
      turnUsername: 'alice',
    });
  });

  it('names whole-object errors by the flat fields', () => {
    assert.equal(
      toFlatField({ field: 'iceServers.stunUrls[0]', message: 'm' }).field,
      'stunServer',
    );
    assert.equal(
      toFlatField({ field: 'iceServers.turnServers[0].urls[0]', message: 'm' }).field,
      'turnServer',
    );
  });
});
