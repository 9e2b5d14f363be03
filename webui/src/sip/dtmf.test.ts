import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dtmfInfoBody, telephoneEventsAtCodecRate } from './dtmf.ts';

test('SIP INFO carries the tone as application/dtmf-relay', () => {
  assert.deepEqual(dtmfInfoBody('5'), {
    contentDisposition: 'render',
    contentType: 'application/dtmf-relay',
    content: 'Signal=5\r\nDuration=120',
  });
});

// Chromium's offer (trimmed): opus first, telephone-event at 48 and 8 kHz.
const OFFER = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126',
  'c=IN IP4 0.0.0.0',
  'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtpmap:63 red/48000/2',
  'a=fmtp:63 111/111',
  'a=rtpmap:9 G722/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:13 CN/8000',
  'a=rtpmap:110 telephone-event/48000',
  'a=rtpmap:126 telephone-event/8000',
  'a=fmtp:126 0-16',
  '',
].join('\r\n');

test('only the telephone-event at the preferred codec’s clock rate is offered', () => {
  const out = telephoneEventsAtCodecRate(OFFER);
  assert.match(out, /^m=audio 9 UDP\/TLS\/RTP\/SAVPF 111 63 9 0 8 13 110\r\n/m);
  assert.match(out, /a=rtpmap:110 telephone-event\/48000\r\n/);
  assert.doesNotMatch(out, /:126 /);
  assert.ok(out.endsWith('\r\n'), 'line endings kept');
  // µ-law preferred (static type without rtpmap): the 8 kHz event stays
  const ulaw = OFFER.replace('111 63 9 0 8 13 110 126', '0 111 110 126').replace(
    'a=rtpmap:0 PCMU/8000\r\n',
    '',
  );
  const kept = telephoneEventsAtCodecRate(ulaw);
  assert.match(kept, /^m=audio 9 UDP\/TLS\/RTP\/SAVPF 0 111 126$/m);
  assert.doesNotMatch(kept, /:110 /);
});

test('an SDP without a matching telephone-event is left alone', () => {
  const only8k = OFFER.replace(' 110 126', ' 126').replace(
    'a=rtpmap:110 telephone-event/48000\r\n',
    '',
  );
  assert.equal(telephoneEventsAtCodecRate(only8k), only8k);
  const none = 'v=0\nm=audio 9 RTP/AVP 0\na=rtpmap:0 PCMU/8000\n';
  assert.equal(telephoneEventsAtCodecRate(none), none);
  const video = `${OFFER}m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8/90000\r\n`;
  assert.match(telephoneEventsAtCodecRate(video), /m=video 9 UDP\/TLS\/RTP\/SAVPF 96\r\n/);
});
