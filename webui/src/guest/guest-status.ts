// What the public call page says, in plain words: one line per phase, and
// why a call ended (Asterisk's Q.850 cause from the Reason header when there
// is one, operator render/guests.ts and dialplan.ts). Pure.
import { q850Cause } from '../sip/call-refusal.ts';

export type GuestPhase =
  | 'loading'
  | 'closed'
  | 'ready'
  | 'requesting'
  | 'calling'
  | 'connected'
  | 'ended'
  | 'failed';

export const PHASE_TEXT: Readonly<Record<GuestPhase, string>> = {
  loading: 'Loading…',
  closed: 'Calling from the web is not available right now.',
  ready: 'Ready to call.',
  requesting: 'Preparing your call…',
  calling: 'Calling… please wait for the next free agent.',
  connected: 'Connected.',
  ended: 'The call has ended.',
  failed: 'The call could not be made.',
};

/** Why a call attempt was refused, from the SIP status and its Reason header. */
export function refusalText(statusCode: number, reasonHeader?: string): string {
  const cause = q850Cause(reasonHeader);
  if (cause === 34 || statusCode === 503)
    return 'All lines are busy. Please try again in a few minutes.';
  if (cause === 20) return 'The hotline is closed now. Please call again during its opening hours.';
  if (cause === 1 || statusCode === 404) return 'This number cannot be called from the web.';
  if (cause === 21 || statusCode === 403)
    return 'The call was not allowed (the permission was missing, used or expired). Please try again.';
  if (statusCode === 486 || statusCode === 600) return 'The line is busy. Please try again later.';
  return `The call could not be connected (${statusCode}).`;
}

/** Why the API gave no permission (its status and message). */
export function mintRefusalText(status: number, message: string | undefined): string {
  if (status === 429)
    return message ?? 'Too many calls from this connection. Please wait a minute.';
  if (status === 403 || status === 503)
    return message ?? 'Calling from the web is not available right now.';
  return `The call could not be prepared (${status}). Please try again.`;
}
