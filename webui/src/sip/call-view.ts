// The call as the UI shows it, and the rules about it that need no SIP:
// who is calling, why a call ended, how long it lasted, whether the
// microphone may send.
import { microphoneHelp } from './media-help.ts';

export type CallPhase = 'ringing' | 'dialing' | 'active';

export interface CallView {
  readonly id: string;
  readonly direction: 'incoming' | 'outgoing';
  /** Caller ID: display name when given, else the SIP user. */
  readonly remoteName: string;
  readonly remoteUser: string;
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
}

/** The caller of an incoming INVITE, from its From header (a SIP.js NameAddrHeader). */
export function callerId(identity: {
  readonly displayName: string;
  readonly uri: { readonly user?: string | undefined; toString(): string };
}): Remote {
  const user = identity.uri.user ?? identity.uri.toString();
  return { name: identity.displayName || user, user };
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
