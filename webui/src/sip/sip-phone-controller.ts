// The browser phone as a Lit reactive controller: one SIP.js UserAgent per
// Register press (sip-connection.ts: the socket and its reconnect loop;
// sip-registration.ts: a fresh REGISTER on every new socket, Registered only
// when confirmed on the live one) and one call at a time (call-session.ts,
// call-controls.ts), plus a consult call while that one is held
// (call-consult.ts), or a second incoming call (call waiting,
// call-waiting.ts). This class is the face the components and tests use.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { type Invitation, SessionState } from 'sip.js';
import { ConsultLine } from './call-consult.ts';
import { CallControls } from './call-controls.ts';
import { CallSession } from './call-session.ts';
import type { CallNotes, CallView, EndedCall } from './call-view.ts';
import { WaitingLine } from './call-waiting.ts';
import { type AudioFlow, audioFlow } from './media-stats.ts';
import type { PhoneConfig, SipCredentials } from './phone-config.ts';
import { type PhoneHooks, recordEvent, type TimelineEntry } from './phone-timeline.ts';
import type { RegistrationView } from './registration-status.ts';
import { SipConnection } from './sip-connection.ts';

export type { CallPhase, CallView, EndedCall } from './call-view.ts';
export type { TimelineEntry } from './phone-timeline.ts';

export interface PhoneOptions {
  /** Registers the user agent (an agent's softphone) or only places calls (a caller's dialer). */
  readonly register: boolean;
  /** The server refused the line's credentials and the line stopped (the host may know why). */
  readonly refused?: (reason: string) => void;
}

export class SipPhoneController implements ReactiveController, CallNotes {
  readonly #hooks: PhoneHooks;
  readonly #connection: SipConnection;
  readonly #calls: CallSession;
  readonly #controls: CallControls;
  /** The call to a colleague during an attended transfer (never takes incoming calls). */
  readonly #consultCall: CallSession;
  readonly #consult: ConsultLine;
  /** A call that arrived during the first one (call waiting). */
  readonly #waitingCall: CallSession;
  readonly #waiting: WaitingLine;
  readonly #waitingControls: CallControls;
  /**
   * INVITEs that came while a blind transfer of the call was pending: Asterisk
   * brings a caller whose transfer failed straight back (operator
   * render/recall.ts) before its NOTIFY 200 has ended our leg, and that
   * call rings as a new call once the transfer settled, not as a second line.
   */
  #afterTransfer: Invitation[] = [];

  /** The last call that ended (for "Call ended" / "Missed call" notes). */
  lastCall: EndedCall | undefined;
  /** A problem with the microphone, in words a person can act on. */
  mediaError: string | undefined;
  /** A problem placing or answering a call. */
  callError: string | undefined;
  /** Chosen microphone (deviceId); undefined = the browser's default. */
  microphoneId: string | undefined;
  /** DTMF tones the RTP sender actually played during the current call (RTCDTMFSender tonechange). */
  dtmfPlayed = '';
  /** Milestones with performance.now() times: figures for tests and diagnostics. */
  readonly timeline: TimelineEntry[] = [];

  constructor(host: ReactiveControllerHost, options: PhoneOptions = { register: true }) {
    this.#hooks = {
      mark: (event) => recordEvent(this.timeline, event, performance.now()),
      changed: () => {
        this.#ringAfterTransfer();
        host.requestUpdate();
      },
    };
    this.#connection = new SipConnection(options.register, {
      ...this.#hooks,
      invite: (invitation) => this.#invite(invitation),
      reconnected: () => {
        this.#calls.checkDialog(() => this.#connection.connected);
        this.#consultCall.checkDialog(() => this.#connection.connected);
        this.#waitingCall.checkDialog(() => this.#connection.connected);
      },
      refused: (reason) => options.refused?.(reason),
    });
    this.#calls = new CallSession(this, this.#connection, this.#hooks);
    this.#controls = new CallControls(this.#calls, this, this.#hooks);
    this.#consultCall = new CallSession(this, this.#connection, this.#hooks);
    this.#consult = new ConsultLine(
      this.#calls,
      this.#controls,
      this.#consultCall,
      this,
      this.#hooks,
    );
    this.#waitingCall = new CallSession(this, this.#connection, this.#hooks);
    this.#waitingControls = new CallControls(this.#waitingCall, this, this.#hooks);
    this.#waiting = new WaitingLine(
      { session: this.#calls, controls: this.#controls },
      { session: this.#waitingCall, controls: this.#waitingControls },
      this,
      this.#hooks,
    );
    host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener('online', this.#connection.onOnline);
    window.addEventListener('offline', this.#connection.onOffline);
  }

  hostDisconnected(): void {
    window.removeEventListener('online', this.#connection.onOnline);
    window.removeEventListener('offline', this.#connection.onOffline);
    void this.stop();
  }

  get registration(): RegistrationView {
    return this.#connection.registration;
  }

  /** The WebSocket to the SIP server is up (what a dialer that never registers needs). */
  get connected(): boolean {
    return this.#connection.connected;
  }

  /** True while a user agent exists (connecting, registered or retrying). */
  get started(): boolean {
    return this.#connection.started;
  }

  get call(): CallView | undefined {
    return this.#calls.view;
  }

  #invite(invitation: Invitation): void {
    if (this.#calls.view?.transferPending) {
      this.#afterTransfer.push(invitation);
      return;
    }
    // a second call rings beside an answered one; with a consultation or two calls: busy
    const second = this.#consultCall.view || this.#waitingCall.view;
    if (this.#calls.view?.phase === 'active' && !second) {
      this.#waitingCall.incoming(invitation);
      this.#hooks.mark('waiting');
    } else this.#calls.incoming(invitation, Boolean(second));
  }

  /** Once the transfer went through (our leg ended) or failed: the held INVITEs still ringing. */
  #ringAfterTransfer(): void {
    if (this.#afterTransfer.length === 0 || this.#calls.view?.transferPending) return;
    for (const invitation of this.#afterTransfer.splice(0))
      if (invitation.state === SessionState.Initial) this.#invite(invitation);
  }

  /** The consult call of an attended transfer, while there is one. */
  get consultCall(): CallView | undefined {
    return this.#consultCall.view;
  }

  /** The second call (call waiting), while there is one. */
  get waitingCall(): CallView | undefined {
    return this.#waitingCall.view;
  }

  /** The second call's peer connection (tests read getStats from it). */
  get waitingPeerConnection(): RTCPeerConnection | undefined {
    return this.#waitingCall.peerConnection;
  }

  /** Holds the first call and answers the waiting one. */
  answerWaiting(): Promise<string | undefined> {
    return this.#waiting.answer();
  }

  /** The waiting caller hears busy. */
  declineWaiting(): Promise<void> {
    return this.#waiting.decline();
  }

  /** Holds the call in use and resumes the other. */
  swapCalls(): Promise<string | undefined> {
    return this.#waiting.swap();
  }

  hangUpWaiting(): Promise<void> {
    return this.#waiting.hangUp();
  }

  /** The consult call's peer connection (tests read getStats from it). */
  get consultPeerConnection(): RTCPeerConnection | undefined {
    return this.#consultCall.peerConnection;
  }

  /** The current call's peer connection (tests read getStats from it). */
  get peerConnection(): RTCPeerConnection | undefined {
    return this.#calls.peerConnection;
  }

  audioFlow(): Promise<AudioFlow> {
    return audioFlow(this.peerConnection);
  }

  /**
   * Connects (and, for a softphone, registers). Resolves once the first
   * attempt settled. With nothing to stop, the socket is opened before this
   * returns (no await first), so the caller's next work overlaps the handshake.
   */
  async start(config: PhoneConfig, credentials: SipCredentials): Promise<void> {
    if (this.#connection.started || this.#calls.view) await this.stop();
    this.lastCall = undefined;
    await this.#connection.start(config, credentials);
  }

  /** Sends a REGISTER now to learn whether the server still has this phone (a refusal shows at once). */
  refreshRegistration(): void {
    this.#connection.refreshRegistration();
  }

  /** Unregisters (best effort) and disconnects; ends a call in progress. */
  async stop(): Promise<void> {
    await this.#connection.stop();
    this.#consultCall.end('Disconnected');
    this.#waitingCall.end('Disconnected');
    this.#calls.end('Disconnected');
    this.#hooks.changed();
  }

  /** Places a call to an extension, number, SIP user or sip: URI. */
  /**
   * The call `id` (CallView.id) is `linkedid` in the call history: set when
   * it is still the call in progress (a placed call learns it from the API).
   */
  nameCall(id: string, linkedid: string): void {
    if (this.#calls.view?.id === id && !this.#calls.view.linkedid) this.#calls.patch({ linkedid });
  }

  dial(input: string): Promise<void> {
    return this.#calls.dial(input);
  }

  answer(): Promise<void> {
    return this.#calls.answer();
  }

  reject(): Promise<void> {
    return this.#calls.reject();
  }

  hangUp(reason = 'Call ended'): Promise<void> {
    return this.#calls.hangUp(reason);
  }

  /** Puts the call on hold (or resumes it) with a re-INVITE (sendonly / sendrecv). */
  setHold(hold: boolean): Promise<void> {
    return this.#controls.setHold(hold);
  }

  setMute(muted: boolean): void {
    if (this.#consult.setMute(muted)) return;
    this.#controls.setMute(muted);
    // with two calls the agent is muted (or heard) on whichever is in use
    if (this.#waitingCall.view?.phase === 'active') this.#waitingControls.setMute(muted);
  }

  /** Blind transfer of the answered call to an extension, queue number or outside number. */
  transfer(input: string): Promise<string | undefined> {
    return this.#controls.transfer(input, this.#connection.config);
  }

  /** Attended transfer, step one: holds the caller and calls a colleague (or queue). */
  consult(input: string): Promise<string | undefined> {
    if (this.#waitingCall.view) {
      this.callError = 'End the second call before consulting.';
      this.#hooks.changed();
      return Promise.resolve(this.callError);
    }
    return this.#consult.start(input);
  }

  /** Ends the consult call and resumes the caller. */
  backToCaller(): Promise<void> {
    return this.#consult.back();
  }

  /** The caller, the colleague and the agent talk together (mixed in this browser). */
  conference(): Promise<string | undefined> {
    return this.#consult.conference();
  }

  get inConference(): boolean {
    return this.#consult.inConference;
  }

  /** Sends the held caller to the colleague on the consult call (REFER with Replaces). */
  completeTransfer(): Promise<string | undefined> {
    return this.#consult.complete();
  }

  /** Sends one DTMF digit as RTP telephone-event (RFC 4733); SIP INFO when none was negotiated. */
  sendDtmf(tone: string): boolean {
    return this.#controls.sendDtmf(tone);
  }

  /** Picks the microphone for this and later calls. */
  selectMicrophone(deviceId: string | undefined): Promise<void> {
    return this.#controls.selectMicrophone(deviceId);
  }
}
