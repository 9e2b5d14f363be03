import assert from 'node:assert/strict';
import { test } from 'node:test';
import { offersCodec, withoutCodec } from './sdp-codecs.ts';

const offer = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 0 8 126',
  'a=rtpmap:111 opus/48000/2',
  'a=rtcp-fb:111 transport-cc',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtpmap:63 red/48000/2',
  'a=fmtp:63 111/111',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:126 telephone-event/8000',
  '',
].join('\r\n');

test('drops the codec from the m= line and its attribute lines', () => {
  const out = withoutCodec(offer, 'opus');
  assert.match(out, /^m=audio 9 UDP\/TLS\/RTP\/SAVPF 63 0 8 126\r$/m);
  assert.doesNotMatch(out, /a=(rtpmap|fmtp|rtcp-fb):111 /);
  assert.match(out, /a=rtpmap:0 PCMU\/8000/);
  assert.equal(offersCodec(out, 'opus'), false);
  assert.equal(offersCodec(offer, 'OPUS'), true);
  assert.ok(out.endsWith('\r\n'), 'line endings kept');
});

test('an offer without the codec is left alone', () => {
  const g711 = withoutCodec(offer, 'opus');
  assert.equal(withoutCodec(g711, 'opus'), g711);
});
