// GET /softphone/calls/by-sip-call-id/<Call-ID>: the linkedid of a call the
// signed-in agent placed, found by its INVITE's SIP Call-ID (the pairs come
// from the dialplan's UserEvent: monitoring/sip-calls.ts). What the answer
// is, decided here without I/O; sip-call-route.ts waits for the event.
import type { Checked } from './call-note.ts';

/** How long the route waits for a call's event not seen yet (the softphone asks right after the answer). */
export const SIP_CALL_WAIT_MS = 2_000;
/** An RFC 3261 Call-ID (monitoring/sip-calls.ts keeps no other). */
const CALL_ID = /^[\x21-\x2b\x2d-\x7e]{1,256}$/;

export function checkSipCallId(id: string): Checked<string> {
  return CALL_ID.test(id)
    ? { ok: true, value: id }
    : {
        ok: false,
        message: 'callId: a SIP Call-ID, 1 to 256 printable characters, no "," or space',
      };
}

export type SipCallAnswer =
  | { readonly status: 200; readonly body: { readonly linkedid: string } }
  | { readonly status: 403 | 404; readonly message: string };

/**
 * The answer for `agent` (the signed-in agent's SIP username): its own
 * call's linkedid; a call of another endpoint is refused (403), an unknown
 * Call-ID (never placed, hung up, or not seen within the wait) is 404.
 */
export function sipCallAnswer(
  call: { readonly linkedid: string; readonly endpoint: string } | undefined,
  agent: string,
): SipCallAnswer {
  if (!call)
    return {
      status: 404,
      message: 'callId: no call of yours with that SIP Call-ID is in progress',
    };
  if (call.endpoint !== agent)
    return { status: 403, message: 'callId: that call was placed by another line' };
  return { status: 200, body: { linkedid: call.linkedid } };
}
