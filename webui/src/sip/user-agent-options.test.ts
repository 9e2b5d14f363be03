import assert from 'node:assert/strict';
import { test } from 'node:test';
import { userAgentOptions } from './user-agent-options.ts';

const turn = { urls: 'turn:turn.example:3478', username: '1700:u', credential: 'c' };
const config = { wsUrl: 'wss://pbx.example/ws', iceServers: [turn] };

test('only the configured ICE servers, all candidates and a 2 s gathering cap by default', () => {
  const options = userAgentOptions(config, { username: 'alice', password: 'pw' });
  assert.deepEqual(options.sessionDescriptionHandlerFactoryOptions, {
    peerConnectionConfiguration: {
      iceServers: [turn],
      iceTransportPolicy: 'all',
      bundlePolicy: 'max-bundle',
      rtcpMuxPolicy: 'require',
    },
    iceGatheringTimeout: 2000,
  });
  assert.deepEqual(options.transportOptions, {
    server: 'wss://pbx.example/ws',
    connectionTimeout: 5,
  });
  assert.equal(options.reconnectionAttempts, 0);
  assert.equal(options.authorizationUsername, 'alice');
  assert.equal('displayName' in options, false);
});

test('relay-only ICE, the gathering timeout and the display name come from the inputs', () => {
  const options = userAgentOptions(
    { ...config, iceTransportPolicy: 'relay', iceGatheringTimeoutMs: 500 },
    { username: 'alice', password: 'pw', displayName: 'Alice' },
  );
  const sdh = options.sessionDescriptionHandlerFactoryOptions;
  assert.equal(sdh.peerConnectionConfiguration?.iceTransportPolicy, 'relay');
  assert.equal(sdh.iceGatheringTimeout, 500);
  assert.equal(options.displayName, 'Alice');
});
