// How the softphone answers news about its own line (GET /softphone/events):
// the operator knows at once when the agent's endpoint goes away in Asterisk
// (credentials rotated, agent suspended or deleted), while Asterisk tells a
// registered WebSocket client nothing until its next REGISTER refresh. Pure.
import type { LineState } from '../api/types.ts';

export interface LineReaction {
  /** The credentials in use no longer work: stop the line (after a call in progress). */
  readonly stopLine: boolean;
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
  rotated: 'Your SIP credentials were changed by an administrator: enter the new password.',
  suspended:
    'Your agent account was suspended by an administrator: this phone cannot take calls until it is resumed.',
  deleted:
    'Your agent account was deleted by an administrator: this phone can no longer take calls.',
} as const;

export interface PhoneSide {
  /** The username the form shows, or the line uses while started. */
  readonly username: string;
  readonly registered: boolean;
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
      stopLine: true,
      username: next.username,
      ...(extension ? { extension } : {}),
      clearPassword: true,
      notice: LINE_NOTICE.rotated,
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
