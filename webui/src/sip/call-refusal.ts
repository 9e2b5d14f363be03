// Why a call we placed was refused, in words. Asterisk sends the dialplan's
// hangup cause as a Q.850 Reason header on its final answer
// (res_pjsip_rfc3326), which tells apart refusals that share a SIP status:
// 403 is both "this number is barred" and a carrier's own refusal, and an
// agent who may not call outside numbers gets 603 Decline, which alone says
// nothing. Without the header, the SIP status line is all there is. Pure.

/**
 * Q.850 causes the call center's dialplan uses to refuse a call (operator
 * render/dialplan.ts CAUSE), and the carrier's own refusals, which the
 * dialplan passes through to the agent (render/outbound.ts).
 */
const CAUSE_WORDS: Readonly<Record<number, string>> = {
  1: 'No such extension or number',
  3: 'The phone network has no route to that number',
  22: 'That number has changed',
  27: 'The number called is out of order',
  17: 'Busy',
  19: 'No answer',
  20: 'Not available: the phone is not signed in',
  21: 'Calls to this number are not allowed',
  28: 'That is not a complete phone number',
  34: 'All lines are busy, try again later',
  38: 'The phone network is out of order, try again later',
  41: 'The phone network failed for a moment, try again',
  42: 'The call center is restarting for maintenance, try again in a minute',
  57: 'You are not allowed to call outside numbers',
  58: 'The other side takes none of the audio codecs offered',
};

/** A Q.850 cause in words, when the softphone knows it (call-recall.ts says a failed transfer with it). */
export function causeWords(cause: number): string | undefined {
  return CAUSE_WORDS[cause];
}

/** The Q.850 cause of a Reason header ("Q.850;cause=21;text=..."), if it has one. */
export function q850Cause(reason: string | undefined): number | undefined {
  const m = /(?:^|,)\s*Q\.850\s*;(?:[^,]*;)?\s*cause\s*=\s*(\d+)/i.exec(reason ?? '');
  return m ? Number(m[1]) : undefined;
}

/** The words the softphone shows for a refused call; the SIP status stays in brackets. */
export function refusalReason(
  statusCode: number,
  reasonPhrase: string,
  reasonHeader?: string,
): string {
  const status = `${statusCode} ${reasonPhrase}`.trim();
  const cause = q850Cause(reasonHeader);
  const words = cause === undefined ? undefined : causeWords(cause);
  return words ? `${words} (${status})` : status;
}
