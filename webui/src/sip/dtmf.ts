// DTMF during a call: RTP telephone-events (RFC 4733) through the sender's
// RTCDTMFSender, SIP INFO where no telephone-event was negotiated.
//
// Only the telephone-event at the call codec's clock rate is offered or
// answered (telephoneEventsAtCodecRate). With both telephone-event/48000 and
// /8000 negotiated next to opus, Chromium 156 sends its tones on /8000 yet
// times them on the 48 kHz audio clock: every tone ends after one 20 ms
// frame, as three end packets and no begin. Asterisk 22 then converts the
// duration with the audio codec's rate (48 kHz) and logs a 20 ms "end" for a
// 120 ms tone. With /48000 alone Chromium sends begin, updates every 20 ms
// and the end at the real length, and Asterisk sees 120 ms.
import type { Session } from 'sip.js';

const TONE_MS = 120;
const GAP_MS = 70;

/** The RTP DTMF sender of a call, if telephone-event was negotiated. */
export function dtmfSender(pc: RTCPeerConnection | undefined): RTCDTMFSender | undefined {
  const sender = pc?.getSenders().find((s) => s.dtmf);
  return sender?.dtmf ?? undefined;
}

/** Sends one tone; says which way it went. */
export function sendTone(
  session: Session,
  pc: RTCPeerConnection | undefined,
  tone: string,
): 'rtp' | 'info' {
  const dtmf = dtmfSender(pc);
  if (dtmf?.canInsertDTMF) {
    // insertDTMF replaces the tones still queued (SIP.js's sendDtmf loses
    // digits typed quickly): append to what is left instead
    dtmf.insertDTMF(dtmf.toneBuffer + tone, TONE_MS, GAP_MS);
    return 'rtp';
  }
  void session.info({ requestOptions: { body: dtmfInfoBody(tone) } }).catch(() => undefined);
  return 'info';
}

/** The application/dtmf-relay body of a SIP INFO carrying one tone. */
export function dtmfInfoBody(tone: string) {
  return {
    contentDisposition: 'render',
    contentType: 'application/dtmf-relay',
    content: `Signal=${tone}\r\nDuration=${TONE_MS}`,
  };
}

/** Payload types that carry no audio codec of their own. */
const NOT_A_CODEC = new Set(['telephone-event', 'red', 'cn', 'rtx', 'ulpfec']);
/** Static payload types browsers offer without an rtpmap line. */
const STATIC: Record<string, [string, number]> = { '0': ['pcmu', 8000], '8': ['pcma', 8000] };

/**
 * The SDP with, in each audio section, only the telephone-event whose clock
 * rate is that of the section's first (preferred) codec, when there is one;
 * otherwise unchanged. Pure: the body of a SIP.js SDP modifier.
 */
export function telephoneEventsAtCodecRate(sdp: string): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const sections: string[][] = [];
  for (const line of sdp.split(eol)) {
    if (line.startsWith('m=') || sections.length === 0) sections.push([line]);
    else sections.at(-1)?.push(line);
  }
  return sections.flatMap(keepEventsAtCodecRate).join(eol);
}

function keepEventsAtCodecRate(section: string[]): string[] {
  const m = /^m=audio (\S+) (\S+) ([\d ]+)$/.exec(section[0] ?? '');
  if (!m) return section;
  const types = (m[3] as string).split(' ');
  const rtpmap = new Map(Object.entries(STATIC));
  for (const line of section) {
    const a = /^a=rtpmap:(\d+) ([^/\s]+)\/(\d+)/.exec(line);
    if (a) rtpmap.set(a[1] as string, [(a[2] as string).toLowerCase(), Number(a[3])]);
  }
  const codec = types.find((pt) => !NOT_A_CODEC.has(rtpmap.get(pt)?.[0] ?? ''));
  const rate = codec === undefined ? undefined : rtpmap.get(codec)?.[1];
  const events = types.filter((pt) => rtpmap.get(pt)?.[0] === 'telephone-event');
  const drop = new Set(events.filter((pt) => rtpmap.get(pt)?.[1] !== rate));
  if (rate === undefined || drop.size === 0 || drop.size === events.length) return section;
  const kept = types.filter((pt) => !drop.has(pt)).join(' ');
  return [
    `m=audio ${m[1]} ${m[2]} ${kept}`,
    ...section.slice(1).filter((line) => {
      const a = /^a=(?:rtpmap|fmtp|rtcp-fb):(\d+) /.exec(line);
      return !(a && drop.has(a[1] as string));
    }),
  ];
}

/** Reports each tone the sender actually plays (tonechange), i.e. what the far end gets. */
export function onTonePlayed(pc: RTCPeerConnection | undefined, listener: (tone: string) => void) {
  dtmfSender(pc)?.addEventListener('tonechange', (event) => {
    const tone = (event as RTCDTMFToneChangeEvent).tone;
    if (tone) listener(tone);
  });
}
