import assert from 'node:assert/strict';
import { test } from 'node:test';
import { audioFlowFromStats } from './media-stats.ts';

test('sums audio RTP counters and ignores video and other stats', () => {
  assert.deepEqual(
    audioFlowFromStats([
      { type: 'inbound-rtp', kind: 'audio', packetsReceived: 10, bytesReceived: 800 },
      { type: 'inbound-rtp', kind: 'video', packetsReceived: 99, bytesReceived: 9999 },
      { type: 'outbound-rtp', kind: 'audio', packetsSent: 12 },
      { type: 'candidate-pair' },
    ]),
    { packetsReceived: 10, bytesReceived: 800, packetsSent: 12 },
  );
});
