// The call as the UI shows it, and the rules about it that need no SIP:
// who is calling, why a call ended, how long it lasted, whether the
// microphone may send.
import { PAGE_LABEL_PREFIX } from '../../../operator/src/api/guest/page-label.ts';
import type { Recall } from './call-recall.ts';
import { microphoneHelp } from './media-help.ts';

// What the guest gate sets (operator/src/asterisk/render/guests.ts): number
// `web`, name `Web caller` or `Web caller - <page label>`. Only the gate can
// give a caller the number `web` (agents have digits, trunks normalise).
const WEB_NUMBER = 'web';
const WEB_NAME = 'Web caller';

export type CallPhase = 'ringing' | 'dialing' | 'active';

export interface CallView {
  readonly id: string;
  readonly direction: 'incoming' | 'outgoing';
  /** Caller ID: display name when given, else the SIP user. */
  readonly remoteName: string;
  readonly remoteUser: string;
  /** A citizen calling from the public page or an embedded call button. */
  readonly fromWeb: boolean;
  /** The page the citizen called from, when the embedding site named it. */
  readonly webPage?: string | undefined;
  /**
   * The call's id in the call history (cdr.linkedid), notes are saved under
   * it: from Asterisk's X-Switchboard-Call header on calls to the agent, from
   * the API by sipCallId on calls it placed (softphone/outgoing-call.ts).
   */
  readonly linkedid?: string | undefined;
  /** A placed call's INVITE Call-ID: the operator finds the call's linkedid by it. */
  readonly sipCallId?: string | undefined;
  /** The caller came back from a failed transfer to an outside number (X-Switchboard-Recall). */
  readonly recall?: Recall | undefined;
  readonly phase: CallPhase;
  readonly held: boolean;
  readonly muted: boolean;
  /** Date.now() when the call was answered (drives the call timer). */
  readonly answeredAt?: number | undefined;
  /** A hold/unhold re-INVITE is in flight. */
  readonly holdPending: boolean;
  /** A transfer (REFER) is in flight: the call may end any moment. */
  readonly transferPending: boolean;
}

export interface EndedCall {
  readonly remoteName: string;
  readonly reason: string;
  readonly durationMs?: number | undefined;
  /** The call's history id (CallView.linkedid): the note form stays on it until the next call. */
  readonly linkedid?: string | undefined;
}

/** What the UI shows about calls besides the call in progress (see SipPhoneController). */
export interface CallNotes {
  lastCall: EndedCall | undefined;
  mediaError: string | undefined;
  callError: string | undefined;
  microphoneId: string | undefined;
  dtmfPlayed: string;
}

export interface Remote {
  readonly name: string;
  readonly user: string;
  readonly fromWeb?: boolean;
  readonly webPage?: string | undefined;
}

/** The caller of an incoming INVITE, from its From header (a SIP.js NameAddrHeader). */
export function callerId(identity: {
  readonly displayName: string;
  readonly uri: { readonly user?: string | undefined; toString(): string };
}): Remote {
  const user = identity.uri.user ?? identity.uri.toString();
  const name = identity.displayName || user;
  if (user !== WEB_NUMBER || !name.startsWith(WEB_NAME)) return { name, user };
  const page = name.slice(WEB_NAME.length);
  return {
    name: WEB_NAME,
    user,
    fromWeb: true,
    webPage: page.startsWith(PAGE_LABEL_PREFIX)
      ? page.slice(PAGE_LABEL_PREFIX.length) || undefined
      : undefined,
  };
}

export function newCallView(
  id: string,
  direction: CallView['direction'],
  remote: Remote,
): CallView {
  return {
    id,
    direction,
    remoteName: remote.name,
    remoteUser: remote.user,
    fromWeb: remote.fromWeb ?? false,
    webPage: remote.webPage,
    phase: direction === 'incoming' ? 'ringing' : 'dialing',
    held: false,
    muted: false,
    holdPending: false,
    transferPending: false,
  };
}

/** Why a call ended when nobody said why (no decline, hang-up or failure). */
export function unexplainedEndReason(call: CallView): string {
  if (call.phase === 'ringing' && call.direction === 'incoming') return 'Missed call';
  return call.phase === 'dialing' ? 'No answer' : 'Call ended';
}

export function endedCall(call: CallView, reason: string, now: number): EndedCall {
  return {
    remoteName: call.remoteName,
    reason,
    durationMs: call.answeredAt ? now - call.answeredAt : undefined,
    ...(call.linkedid ? { linkedid: call.linkedid } : {}),
  };
}

/** The microphone track is live only in a call that is neither held nor muted. */
export function sendsAudio(call: Pick<CallView, 'held' | 'muted'>): boolean {
  return !call.held && !call.muted;
}

export interface CallFailure {
  /** Microphone trouble, as help a person can act on. */
  readonly mediaError?: string;
  readonly callError?: string;
  readonly endReason: string;
}

/** What to show when placing or answering a call threw. */
export function callFailure(error: unknown): CallFailure {
  const help = microphoneHelp(error);
  if (help) return { mediaError: help, endReason: 'Microphone unavailable' };
  return {
    callError: `The call failed: ${(error as Error)?.message ?? String(error)}`,
    endReason: 'Call failed',
  };
}
