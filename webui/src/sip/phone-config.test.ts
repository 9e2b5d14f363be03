import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configProblems, credentialsProblem, sipDomain } from './phone-config.ts';

test('a sound config has no problems and its domain defaults to the ws host', () => {
  const config = {
    wsUrl: 'wss://pbx.example:8089/ws',
    iceServers: [
      { urls: 'stun:stun.example:3478' },
      { urls: ['turn:turn.example:3478'], username: '1700:u', credential: 'c' },
    ],
  };
  assert.deepEqual(configProblems(config), []);
  assert.equal(sipDomain(config), 'pbx.example');
  assert.equal(sipDomain({ ...config, domain: 'corp.example' }), 'corp.example');
});

test('each problem is named', () => {
  assert.deepEqual(configProblems(undefined), ['no WebRTC configuration was provided']);
  assert.deepEqual(
    configProblems({
      wsUrl: 'http://pbx.example/ws',
      iceServers: [{ urls: 'turn:t.example' }, { urls: 'http://x' }, { urls: [] }],
    }),
    [
      'wsUrl must start with ws:// or wss://, not http://',
      'iceServers[0] TURN server needs a username and credential',
      'iceServers[1] URL "http://x" must start with stun:, stuns:, turn: or turns:',
      'iceServers[2].urls is empty',
    ],
  );
  assert.deepEqual(configProblems({ wsUrl: 'nope', iceServers: [] }), [
    'wsUrl "nope" is not a URL',
  ]);
});

test('credentials: username and password are required', () => {
  assert.equal(credentialsProblem({ username: '', password: 'x' }), 'Enter the SIP username.');
  assert.equal(
    credentialsProblem({ username: 'a b', password: 'x' }),
    'The SIP username contains characters SIP does not allow.',
  );
  assert.equal(
    credentialsProblem({ username: 'john_doe_1', password: '' }),
    'Enter the SIP password.',
  );
  assert.equal(credentialsProblem({ username: 'john_doe_1', password: 'p' }), undefined);
});
