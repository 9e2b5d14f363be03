// How the softphone answers news about its own line (GET /softphone/events):
// the operator knows at once when the agent's endpoint changes in Asterisk
// (credentials rotated, agent suspended or deleted), while Asterisk tells a
// registered WebSocket client nothing until its next REGISTER refresh. Pure.
//
// A rotation does not stop the line: Asterisk loads the new endpoint only
// once the kubelet has projected the new files (60–90 s in a cluster) and
// the operator reloaded it; until then the old endpoint still takes calls
// and a REGISTER with the new password gets a 401. The phone keeps the old
// line until the event says the new username is provisioned (or Asterisk
// refuses the old one), and only then uses the new password.
import type { LineState } from '../api/types.ts';

export interface LineReaction {
  /** Suspended or deleted: stop the line (after a call in progress). */
  readonly stopLine: boolean;
  /** The credentials were rotated to this username: switch to it once Asterisk has it. */
  readonly rotatedTo?: string;
  /** Put this SIP username in the form (the system knows it: nobody retypes it). */
  readonly username?: string;
  readonly extension?: string;
  /** A password typed for the old username is useless now. */
  readonly clearPassword: boolean;
  /** What to tell the agent. */
  readonly notice?: string;
  /** Asterisk lost the contact while the phone thinks it is registered: REGISTER now to find out. */
  readonly verify: boolean;
}

export const LINE_NOTICE = {
  /** The line is stopped (or was not running): the new password is all that is missing. */
  rotated: 'Your SIP credentials were changed by an administrator: enter the new password.',
  /** The old line keeps working while Asterisk loads the new credentials. */
  rotatedKeeping:
    'Your SIP credentials were changed by an administrator: enter the new password. ' +
    'This phone keeps working with the old ones until the phone system has loaded the new ones.',
  /** The new password is typed; the phone system does not have it yet. */
  rotatedWaiting:
    'The phone switches to the new credentials as soon as the phone system has loaded them; ' +
    'it keeps working with the old ones until then.',
  suspended:
    'Your agent account was suspended by an administrator: this phone cannot take calls until it is resumed.',
  deleted:
    'Your agent account was deleted by an administrator: this phone can no longer take calls.',
} as const;

export interface PhoneSide {
  /** The username the form shows, or the line uses while started. */
  readonly username: string;
  readonly registered: boolean;
  /** A line is started (registered, registering or reconnecting). */
  readonly running: boolean;
}

/** prev: the last state heard (undefined for the first); compared with what the phone uses. */
export function lineReaction(
  prev: LineState | undefined,
  next: LineState,
  phone: PhoneSide,
): LineReaction {
  if (next.state !== 'active')
    return { stopLine: true, clearPassword: true, notice: LINE_NOTICE[next.state], verify: false };
  const extension =
    next.extension !== null && next.extension !== prev?.extension
      ? String(next.extension)
      : undefined;
  // the first event is compared with what the page got from /softphone/config
  const known = prev?.username ?? phone.username;
  if (next.username && known && next.username !== known)
    return {
      stopLine: false,
      rotatedTo: next.username,
      username: next.username,
      ...(extension ? { extension } : {}),
      clearPassword: true,
      notice: phone.running ? LINE_NOTICE.rotatedKeeping : LINE_NOTICE.rotated,
      verify: false,
    };
  return {
    stopLine: false,
    // credentials made after the page loaded
    ...(next.username && !phone.username ? { username: next.username } : {}),
    ...(extension ? { extension } : {}),
    clearPassword: false,
    verify: prev?.registered === true && next.registered === false && phone.registered,
  };
}

/** The event says Asterisk has loaded the endpoint of `username` (the one the phone waits for). */
export function provisionedFor(next: LineState, username: string): boolean {
  return next.state === 'active' && next.username === username && next.provisioned === true;
}
