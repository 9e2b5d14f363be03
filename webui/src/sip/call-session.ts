// One call at a time: placing, ringing, answering and ending it (what can
// be done during it is call-controls.ts's). What the UI shows about calls
// besides the call itself lives in CallNotes (call-view.ts), which the
// controller exposes as its own properties.
import {
  type Invitation,
  Inviter,
  type Session,
  type SessionDescriptionHandlerModifier,
  SessionState,
  type URI,
  UserAgent,
} from 'sip.js';
import type { SessionDescriptionHandler } from 'sip.js/lib/platform/web/session-description-handler/session-description-handler.js';
import { CallAudio } from './call-audio.ts';
import { microphoneConstraints } from './call-media.ts';
import { parseRecall, RECALL_HEADER } from './call-recall.ts';
import { refusalReason } from './call-refusal.ts';
import {
  type CallNotes,
  type CallView,
  callerId,
  callFailure,
  endedCall,
  newCallView,
  type Remote,
  unexplainedEndReason,
} from './call-view.ts';
import { dialTarget } from './dial-target.ts';
import { askDialog, CALL_LOST } from './dialog-check.ts';
import { onTonePlayed, telephoneEventsAtCodecRate } from './dtmf.ts';
import { type PhoneConfig, sipDomain } from './phone-config.ts';
import type { PhoneHooks } from './phone-timeline.ts';
import { withoutCodec } from './sdp-codecs.ts';

/** The header carrying the call's linkedid (operator asterisk/render/call-header.ts). */
const CALL_HEADER = 'X-Switchboard-Call';

/** Where calls are placed from (the SIP line). */
export interface CallLine {
  readonly userAgent: UserAgent | undefined;
  readonly config: PhoneConfig | undefined;
}

export class CallSession {
  readonly #notes: CallNotes;
  readonly #line: CallLine;
  readonly #hooks: PhoneHooks;
  readonly #audio = new CallAudio();
  #session: Session | undefined;
  #call: CallView | undefined;
  /** Set by whoever ends the call; read when SIP.js reports it terminated. */
  #endReason: string | undefined;
  /** Set when the refused INVITE is to be sent again (G.711 only) instead of ending the call. */
  #retry: (() => Promise<void>) | undefined;

  constructor(notes: CallNotes, line: CallLine, hooks: PhoneHooks) {
    this.#notes = notes;
    this.#line = line;
    this.#hooks = hooks;
  }

  get view(): CallView | undefined {
    return this.#call;
  }

  get session(): Session | undefined {
    return this.#session;
  }

  get peerConnection(): RTCPeerConnection | undefined {
    return handlerOf(this.#session)?.peerConnection;
  }

  /** The user agent's INVITE delegate; `busy`: the agent is on another line (a consultation). */
  incoming(invitation: Invitation, busy = false): void {
    if (this.#call || busy) {
      // one call at a time (a consultation counts): the caller hears busy (a queue tries the next agent)
      void invitation.reject({ statusCode: 486 }).catch(() => undefined);
      return;
    }
    this.#adopt(invitation, 'incoming', callerId(invitation.remoteIdentity));
    // Asterisk names the call in every INVITE to an agent (operator render/call-header.ts).
    const linkedid = invitation.request.getHeader(CALL_HEADER);
    // ... and a caller it brings back from a failed transfer (render/recall.ts)
    const recall = parseRecall(invitation.request.getHeader(RECALL_HEADER));
    // (#adopt set the call; the early return above narrowed it to undefined for TypeScript)
    const call = this.#call as CallView | undefined;
    if (call && (linkedid || recall))
      this.#call = { ...call, ...(linkedid ? { linkedid } : {}), ...(recall ? { recall } : {}) };
    this.#hooks.mark('incoming');
  }

  async dial(input: string): Promise<void> {
    const ua = this.#line.userAgent;
    const config = this.#line.config;
    this.#notes.callError = undefined;
    this.#notes.mediaError = undefined;
    if (!ua || !config) return this.#refuse('Register first.');
    if (this.#call) return this.#refuse('Hang up the current call first.');
    const target = dialTarget(input, sipDomain(config));
    if (!target.ok) return this.#refuse(target.error);
    const uri = UserAgent.makeURI(target.uri);
    if (!uri) return this.#refuse(`"${input}" is not a valid SIP address.`);
    this.#hooks.mark('dial');
    await this.#invite(ua, uri, target.display, false);
  }

  /**
   * Sends the INVITE. `g711` leaves Opus (and RED, which carries Opus) out
   * of the offer: the second try after Asterisk answered 488, which it does
   * for a call out to a carrier that takes no Opus (it has no Opus
   * transcoder, operator render/outbound.ts). The call view stays the same.
   */
  async #invite(ua: UserAgent, uri: URI, display: string, g711: boolean): Promise<void> {
    // earlyMedia: the ring-back (or busy tone) Asterisk plays into its 183
    // answer is heard before the call is answered (render/pjsip.ts inband_progress)
    const inviter = new Inviter(ua, uri, {
      earlyMedia: true,
      sessionDescriptionHandlerOptions: this.#microphone(),
    });
    const previous = g711 ? this.#call : undefined;
    this.#adopt(inviter, 'outgoing', { name: display, user: display });
    // the operator names the call's linkedid by this (operator render/call-event.ts)
    const sipCallId = inviter.request.callId;
    const adopted = this.#call as CallView | undefined;
    if (previous) this.#call = { ...previous, id: inviter.id, sipCallId, linkedid: undefined };
    else if (adopted) this.#call = { ...adopted, sipCallId };
    if (g711) {
      inviter.sessionDescriptionHandlerModifiers = [dtmfAtCodecRate, g711Only];
      inviter.sessionDescriptionHandlerModifiersReInvite = [dtmfAtCodecRate, g711Only];
    }
    try {
      await inviter.invite({
        requestDelegate: {
          onProgress: ({ message }) => {
            if (inviter !== this.#session || !message.body) return;
            this.#hooks.mark('early-media');
            this.#playRemote(inviter);
          },
          onReject: ({ message }) => {
            if (message.statusCode === 488 && !g711 && inviter === this.#session)
              this.#retry = () => this.#invite(ua, uri, display, true);
            this.#endReason = refusalReason(
              message.statusCode ?? 0,
              message.reasonPhrase ?? '',
              message.getHeader('Reason'),
            );
          },
        },
      });
    } catch (error) {
      this.#fail(error);
    }
  }

  async answer(): Promise<void> {
    const session = this.#session;
    if (!session || this.#call?.phase !== 'ringing' || !('accept' in session)) return;
    this.#notes.mediaError = undefined;
    try {
      await (session as Invitation).accept({
        sessionDescriptionHandlerOptions: this.#microphone(),
      });
    } catch (error) {
      this.#fail(error);
    }
  }

  async reject(): Promise<void> {
    const session = this.#session;
    if (!session || this.#call?.phase !== 'ringing' || !('reject' in session)) return;
    this.#endReason = 'Declined';
    await (session as Invitation).reject({ statusCode: 486 }).catch(() => undefined);
  }

  async hangUp(reason: string): Promise<void> {
    const session = this.#session;
    if (!session) return;
    this.#retry = undefined;
    this.#endReason = reason;
    switch (session.state) {
      case SessionState.Initial:
      case SessionState.Establishing:
        if (session instanceof Inviter) await session.cancel().catch(() => undefined);
        else await (session as Invitation).reject().catch(() => undefined);
        break;
      case SessionState.Established:
        await session.bye().catch(() => undefined);
        break;
      default:
        break;
    }
  }

  /**
   * The socket to the SIP server came back during a call: asks the server
   * whether it still has the call, and ends it here when not (it restarted).
   * `connected` tells whether the socket is still up when the wait is over:
   * an answer missed on a socket that dropped again proves nothing (the next
   * reconnect asks again).
   */
  checkDialog(connected: () => boolean): void {
    const session = this.#session;
    const dialog = session?.dialog;
    if (!session || !dialog || session.state !== SessionState.Established) return;
    this.#hooks.mark('dialog-check');
    void askDialog(dialog).then((answer) => {
      if (session !== this.#session || session.state !== SessionState.Established) return;
      if (answer === 'exists') return this.#hooks.mark('dialog-alive');
      if (answer === 'no-answer' && !connected()) return this.#hooks.mark('dialog-unknown');
      this.#hooks.mark(answer === 'gone' ? 'dialog-gone' : 'dialog-unanswered');
      void this.#endLost(session, answer === 'gone' ? CALL_LOST.restarted : CALL_LOST.noAnswer);
    });
  }

  /** Ends a call the server no longer has: SIP.js terminates it at once on BYE (answered 481 or not). */
  async #endLost(session: Session, reason: string): Promise<void> {
    this.#endReason = reason;
    try {
      await session.bye();
    } catch {
      await session.dispose().catch(() => undefined);
    }
    if (session === this.#session) this.end(reason);
  }

  /** Forgets the call (if any) and notes how it ended. */
  end(reason: string): void {
    const call = this.#call;
    if (!call) return;
    this.#hooks.mark('ended');
    this.#notes.lastCall = endedCall(call, reason, Date.now());
    this.#call = undefined;
    this.#session = undefined;
    this.#audio.detach();
    this.#hooks.changed();
  }

  /**
   * How the call in progress will be said to have ended when the far end
   * ends it (a transfer: Asterisk hangs up the transferring leg itself);
   * undefined takes that back.
   */
  expectEnd(reason: string | undefined): void {
    this.#endReason = reason;
  }

  /** Updates the view of the call in progress (none: nothing to do). */
  patch(patch: Partial<CallView>): void {
    if (!this.#call) return;
    this.#call = { ...this.#call, ...patch };
    this.#hooks.changed();
  }

  #adopt(session: Session, direction: CallView['direction'], remote: Remote): void {
    this.#session = session;
    this.#endReason = undefined;
    this.#notes.callError = undefined;
    this.#notes.lastCall = undefined;
    this.#notes.dtmfPlayed = '';
    // every offer and answer of the call, re-INVITEs (hold) included
    session.sessionDescriptionHandlerModifiers = [dtmfAtCodecRate];
    session.sessionDescriptionHandlerModifiersReInvite = [dtmfAtCodecRate];
    this.#call = newCallView(session.id, direction, remote);
    session.stateChange.addListener((state) => {
      if (session !== this.#session) return;
      if (state === SessionState.Established) {
        this.#hooks.mark('established');
        this.#attachMedia(session);
        this.patch({ phase: 'active', answeredAt: Date.now() });
      } else if (state === SessionState.Terminated) {
        // SIP.js terminates the session before it hands the final response
        // to the request delegate: read the reason a microtask later
        queueMicrotask(() => this.#onTerminated(session));
      }
    });
    this.#hooks.changed();
  }

  #onTerminated(session: Session): void {
    const call = this.#call;
    if (session !== this.#session || !call) return;
    const retry = this.#retry;
    this.#retry = undefined;
    if (retry) {
      this.#hooks.mark('redial-g711');
      void retry();
      return;
    }
    this.end(this.#endReason ?? unexplainedEndReason(call));
  }

  /** Plays what the far end sends: from its early media (ring-back) or its answer on. */
  #playRemote(session: Session): void {
    const sdh = handlerOf(session);
    if (!sdh) return;
    this.#audio.attach(sdh, () => {
      if (session !== this.#session) return;
      void this.hangUp('Media connection lost').then(() => {
        if (session === this.#session) this.end('Media connection lost');
      });
    });
  }

  #attachMedia(session: Session): void {
    const sdh = handlerOf(session);
    if (!sdh) return;
    this.#playRemote(session);
    onTonePlayed(sdh.peerConnection, (tone) => {
      if (session !== this.#session) return;
      this.#notes.dtmfPlayed += tone;
      this.#hooks.changed();
    });
  }

  #fail(error: unknown): void {
    const failure = callFailure(error);
    if (failure.mediaError) this.#notes.mediaError = failure.mediaError;
    else this.#notes.callError = failure.callError;
    this.#endReason = failure.endReason;
    const session = this.#session;
    if (session && session.state !== SessionState.Terminated) {
      void this.hangUp(failure.endReason);
    } else if (this.#call) {
      this.end(failure.endReason);
    } else if (this.#notes.lastCall) {
      // SIP.js may have terminated the session before invite()/accept() rejected
      this.#notes.lastCall = { ...this.#notes.lastCall, reason: failure.endReason };
    }
    this.#hooks.changed();
  }

  #refuse(callError: string): void {
    this.#notes.callError = callError;
    this.#hooks.changed();
  }

  #microphone() {
    return { constraints: microphoneConstraints(this.#notes.microphoneId) };
  }
}

/** An offer without Opus (and RED, its redundancy): what a G.711 carrier takes. */
const g711Only: SessionDescriptionHandlerModifier = async (description) => ({
  ...description,
  sdp: withoutCodec(withoutCodec(description.sdp ?? '', 'red'), 'opus'),
});

/** RFC 4733 events only at the call codec's clock rate (dtmf.ts says why). */
const dtmfAtCodecRate: SessionDescriptionHandlerModifier = async (description) => ({
  type: description.type,
  sdp: telephoneEventsAtCodecRate(description.sdp ?? ''),
});

function handlerOf(session: Session | undefined): SessionDescriptionHandler | undefined {
  return session?.sessionDescriptionHandler as SessionDescriptionHandler | undefined;
}
