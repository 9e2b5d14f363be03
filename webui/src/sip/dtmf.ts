// DTMF during a call: RTP telephone-events (RFC 4733) through the sender's
// RTCDTMFSender, SIP INFO where no telephone-event was negotiated.
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

/** Reports each tone the sender actually plays (tonechange), i.e. what the far end gets. */
export function onTonePlayed(pc: RTCPeerConnection | undefined, listener: (tone: string) => void) {
  dtmfSender(pc)?.addEventListener('tonechange', (event) => {
    const tone = (event as RTCDTMFToneChangeEvent).tone;
    if (tone) listener(tone);
  });
}
