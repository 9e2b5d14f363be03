// The browser phone as a Lit reactive controller: one SIP.js UserAgent and
// Registerer per Register press, one call at a time. It owns what SIP.js
// leaves to the application: reconnecting the WebSocket forever with a short
// backoff, sending a fresh REGISTER on every new connection (SIP.js sends
// none after a reconnect), and showing Registered only when the server
// confirmed it on the live connection.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import {
  type Invitation,
  Inviter,
  Registerer,
  RegistererState,
  RequestPendingError,
  type Session,
  SessionState,
  TransportState,
  UserAgent,
} from 'sip.js';
import type { SessionDescriptionHandler } from 'sip.js/lib/platform/web/session-description-handler/session-description-handler.js';
import type { SessionDescriptionHandlerOptions as WebSdhOptions } from 'sip.js/lib/platform/web/session-description-handler/session-description-handler-options.js';
import {
  dtmfSender,
  microphoneConstraints,
  replaceMicrophone,
  setReceivingEnabled,
  setSendingEnabled,
} from './call-media.ts';
import { dialTarget, isDtmfTone } from './dial-target.ts';
import { microphoneHelp } from './media-help.ts';
import { type AudioFlow, audioFlow } from './media-stats.ts';
import {
  configProblems,
  type PhoneConfig,
  type SipCredentials,
  sipDomain,
} from './phone-config.ts';
import { reconnectDelayMs } from './reconnect-delay.ts';
import {
  isTerminalRejection,
  type RegistrationFacts,
  type RegistrationView,
  registerRejectionReason,
  registrationView,
} from './registration-status.ts';

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
}

export interface EndedCall {
  readonly remoteName: string;
  readonly reason: string;
  readonly durationMs?: number | undefined;
}

export interface TimelineEntry {
  readonly event: string;
  /** performance.now() */
  readonly at: number;
}

export interface PhoneOptions {
  /** Registers the user agent (an agent's softphone) or only places calls (a caller's dialer). */
  readonly register: boolean;
}

const REGISTER_RETRY_MS = [1000, 2000, 5000, 10_000, 30_000] as const;

export class SipPhoneController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #options: PhoneOptions;

  // registration facts (see registration-status.ts)
  #wanted = false;
  #transport: RegistrationFacts['transport'] = 'disconnected';
  #confirmed = false;
  #everRegistered = false;
  #failure: string | undefined;
  #retryReason: string | undefined;

  #ua: UserAgent | undefined;
  #registerer: Registerer | undefined;
  #registerInFlight = false;
  #registerRetries = 0;
  #reconnectAttempt = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #registerTimer: ReturnType<typeof setTimeout> | undefined;
  #config: PhoneConfig | undefined;

  #session: Session | undefined;
  #call: CallView | undefined;
  #remoteAudio: HTMLAudioElement | undefined;

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
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener('online', this.#onOnline);
    window.addEventListener('offline', this.#onOffline);
  }

  hostDisconnected(): void {
    window.removeEventListener('online', this.#onOnline);
    window.removeEventListener('offline', this.#onOffline);
    void this.stop();
  }

  get registration(): RegistrationView {
    return registrationView({
      wanted: this.#wanted,
      transport: this.#transport,
      confirmedOnThisConnection: this.#confirmed,
      everRegistered: this.#everRegistered,
      failure: this.#failure,
      retryReason: this.#retryReason,
    });
  }

  /** The WebSocket to the SIP server is up (what a dialer that never registers needs). */
  get connected(): boolean {
    return this.#transport === 'connected';
  }

  /** True while a user agent exists (connecting, registered or retrying). */
  get started(): boolean {
    return this.#ua !== undefined;
  }

  get call(): CallView | undefined {
    return this.#call;
  }

  /** The current call's peer connection (tests read getStats from it). */
  get peerConnection(): RTCPeerConnection | undefined {
    return (this.#session?.sessionDescriptionHandler as SessionDescriptionHandler | undefined)
      ?.peerConnection;
  }

  audioFlow(): Promise<AudioFlow> {
    return audioFlow(this.peerConnection);
  }

  /** Connects (and, for a softphone, registers). Resolves once the first attempt settled. */
  async start(config: PhoneConfig, credentials: SipCredentials): Promise<void> {
    await this.stop();
    const problems = configProblems(config);
    this.#failure = problems.length ? `Configuration problem: ${problems.join('; ')}` : undefined;
    this.#retryReason = undefined;
    this.#everRegistered = false;
    this.#confirmed = false;
    this.#registerRetries = 0;
    this.#reconnectAttempt = 0;
    this.lastCall = undefined;
    if (this.#failure) return this.#update();
    this.#config = config;
    this.#wanted = true;
    const domain = sipDomain(config);
    const uri = UserAgent.makeURI(`sip:${credentials.username}@${domain}`);
    if (!uri) {
      this.#failure = `"${credentials.username}@${domain}" is not a valid SIP address.`;
      return this.#update();
    }
    const ua = new UserAgent({
      uri,
      authorizationUsername: credentials.username,
      authorizationPassword: credentials.password,
      ...(credentials.displayName ? { displayName: credentials.displayName } : {}),
      transportOptions: { server: config.wsUrl, connectionTimeout: 5 },
      // reconnecting is ours (SIP.js's gives up and never re-registers)
      reconnectionAttempts: 0,
      logBuiltinEnabled: false,
      logLevel: 'warn',
      userAgentString: 'Switchboard softphone (SIP.js)',
      sessionDescriptionHandlerFactoryOptions: {
        // never SIP.js's default Google STUN: the operator's servers or none
        peerConnectionConfiguration: {
          iceServers: [...config.iceServers],
          iceTransportPolicy: config.iceTransportPolicy ?? 'all',
          bundlePolicy: 'max-bundle',
          rtcpMuxPolicy: 'require',
        },
        iceGatheringTimeout: config.iceGatheringTimeoutMs ?? 2000,
      },
      delegate: {
        onInvite: (invitation) => this.#onInvite(invitation),
      },
    });
    this.#ua = ua;
    ua.transport.stateChange.addListener((state) => this.#onTransportState(ua, state));
    if (this.#options.register) {
      this.#registerer = this.#newRegisterer(ua);
    }
    this.#mark('connect');
    this.#transport = 'connecting';
    this.#update();
    try {
      await ua.start();
    } catch (error) {
      // #onTransportState already scheduled the retry; say why meanwhile
      this.#retryReason = `Cannot reach ${config.wsUrl}: ${(error as Error).message}`;
      this.#update();
    }
  }

  /** Unregisters (best effort) and disconnects; ends a call in progress. */
  async stop(): Promise<void> {
    this.#wanted = false;
    clearTimeout(this.#reconnectTimer);
    clearTimeout(this.#registerTimer);
    this.#reconnectTimer = undefined;
    this.#registerTimer = undefined;
    const ua = this.#ua;
    const registerer = this.#registerer;
    this.#ua = undefined;
    this.#registerer = undefined;
    this.#confirmed = false;
    this.#transport = 'disconnected';
    this.#failure = undefined;
    this.#retryReason = undefined;
    if (ua) {
      if (registerer && ua.isConnected() && registerer.state === RegistererState.Registered) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 2000);
          registerer
            .unregister({
              requestDelegate: {
                onAccept: () => resolve(),
                onReject: () => resolve(),
              },
            })
            .catch(() => resolve());
          registerer.stateChange.addListener(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      await stopWithin(ua, 3000);
    }
    this.#endCall('Disconnected');
    this.#update();
  }

  // ---- registration -------------------------------------------------------

  #newRegisterer(ua: UserAgent): Registerer {
    const registerer = new Registerer(ua, {
      expires: this.#config?.registerExpires ?? 300,
      // refresh well before expiry: a slow refresh must not leave a gap
      refreshFrequency: 80,
    });
    registerer.stateChange.addListener((state) => {
      if (ua !== this.#ua || registerer !== this.#registerer) return;
      if (state === RegistererState.Registered) {
        this.#confirmed = this.#transport === 'connected';
      } else {
        this.#confirmed = false;
        // a refresh failed or timed out while the socket stayed up: try again
        if (
          state === RegistererState.Unregistered &&
          this.#wanted &&
          !this.#registerInFlight &&
          !this.#failure &&
          this.#transport === 'connected'
        ) {
          this.#retryReason = 'The registration was not refreshed';
          this.#scheduleRegister();
        }
      }
      this.#update();
    });
    return registerer;
  }

  #register(): void {
    const ua = this.#ua;
    let registerer = this.#registerer;
    if (!ua || !registerer || !this.#wanted || this.#registerInFlight) return;
    clearTimeout(this.#registerTimer);
    this.#registerTimer = undefined;
    this.#registerInFlight = true;
    this.#mark('register-sent');
    const attempt = (r: Registerer) =>
      r.register({
        requestDelegate: {
          onAccept: () => {
            if (r !== this.#registerer) return;
            this.#registerInFlight = false;
            this.#registerRetries = 0;
            this.#confirmed = this.#transport === 'connected';
            this.#everRegistered ||= this.#confirmed;
            this.#retryReason = undefined;
            this.#mark('registered');
            this.#update();
          },
          onReject: (response) => {
            if (r !== this.#registerer) return;
            this.#registerInFlight = false;
            this.#confirmed = false;
            const statusCode = response.message.statusCode ?? 0;
            const reason = registerRejectionReason(statusCode, response.message.reasonPhrase ?? '');
            if (isTerminalRejection(statusCode)) {
              this.#failure = reason;
              this.#wanted = false;
              this.#transport = 'disconnected';
              this.#ua = undefined;
              this.#registerer = undefined;
              void stopWithin(ua, 3000);
            } else {
              this.#retryReason = reason;
              this.#scheduleRegister();
            }
            this.#update();
          },
        },
      });
    attempt(registerer).catch((error: unknown) => {
      if (error instanceof RequestPendingError && ua === this.#ua) {
        // a REGISTER sent on the dead connection waits for its 32 s timeout:
        // abandon that Registerer (disposing would send an un-REGISTER) and use a new one
        registerer = this.#newRegisterer(ua);
        this.#registerer = registerer;
        attempt(registerer).catch(() => {
          this.#registerInFlight = false;
          this.#scheduleRegister();
        });
        return;
      }
      this.#registerInFlight = false;
      this.#retryReason = `REGISTER could not be sent: ${(error as Error).message}`;
      this.#scheduleRegister();
      this.#update();
    });
  }

  #scheduleRegister(): void {
    if (this.#registerTimer || !this.#wanted) return;
    const delay =
      REGISTER_RETRY_MS[Math.min(this.#registerRetries, REGISTER_RETRY_MS.length - 1)] ?? 30_000;
    this.#registerRetries++;
    this.#registerTimer = setTimeout(() => {
      this.#registerTimer = undefined;
      if (this.#transport === 'connected') this.#register();
    }, delay);
  }

  #onTransportState(ua: UserAgent, state: TransportState): void {
    if (ua !== this.#ua) return;
    if (state === TransportState.Connected) {
      this.#transport = 'connected';
      this.#reconnectAttempt = 0;
      this.#mark('connected');
      // every new connection needs its own REGISTER: the server bound the
      // old contact to the old connection and dropped it with it
      if (this.#registerer) this.#register();
      else this.#retryReason = undefined;
    } else if (state === TransportState.Connecting) {
      this.#transport = 'connecting';
    } else if (state === TransportState.Disconnected) {
      const wasConnected = this.#transport === 'connected';
      this.#transport = 'disconnected';
      this.#confirmed = false;
      this.#registerInFlight = false;
      clearTimeout(this.#registerTimer);
      this.#registerTimer = undefined;
      if (wasConnected) {
        this.#mark('disconnected');
        this.#retryReason = 'The connection to the SIP server was lost';
      }
      if (this.#wanted) this.#scheduleReconnect();
    }
    this.#update();
  }

  #scheduleReconnect(): void {
    if (this.#reconnectTimer || !this.#wanted) return;
    const delay = reconnectDelayMs(this.#reconnectAttempt++);
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      const ua = this.#ua;
      if (!ua || !this.#wanted || ua.transport.state !== TransportState.Disconnected) return;
      ua.reconnect().catch((error: unknown) => {
        if (ua !== this.#ua) return;
        this.#mark('connect-failed');
        this.#retryReason = `Cannot reach ${this.#config?.wsUrl}: ${(error as Error).message}`;
        this.#update();
        // the Disconnected transition already scheduled the next attempt
      });
    }, delay);
  }

  readonly #onOnline = (): void => {
    // the network is back: try now instead of waiting for the backoff
    if (!this.#ua || !this.#wanted || this.#transport === 'connected') return;
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    this.#reconnectAttempt = 0;
    this.#scheduleReconnect();
  };

  readonly #onOffline = (): void => {
    // the OS says the network is gone; the socket may not notice for minutes
    const ua = this.#ua;
    if (!ua || !this.#wanted || this.#transport !== 'connected') return;
    void ua.transport.disconnect();
  };

  // ---- calls --------------------------------------------------------------

  /** Places a call to an extension, number, SIP user or sip: URI. */
  async dial(input: string): Promise<void> {
    const ua = this.#ua;
    this.callError = undefined;
    this.mediaError = undefined;
    if (!ua || !this.#config) {
      this.callError = 'Register first.';
      return this.#update();
    }
    if (this.#call) {
      this.callError = 'Hang up the current call first.';
      return this.#update();
    }
    const target = dialTarget(input, sipDomain(this.#config));
    if (!target.ok) {
      this.callError = target.error;
      return this.#update();
    }
    const uri = UserAgent.makeURI(target.uri);
    if (!uri) {
      this.callError = `"${input}" is not a valid SIP address.`;
      return this.#update();
    }
    const inviter = new Inviter(ua, uri, {
      sessionDescriptionHandlerOptions: { constraints: microphoneConstraints(this.microphoneId) },
    });
    this.#adopt(inviter, 'outgoing', target.display, target.display);
    this.#mark('dial');
    try {
      await inviter.invite({
        requestDelegate: {
          onReject: (response) => {
            const { statusCode, reasonPhrase } = response.message;
            this.#endReason = `${statusCode} ${reasonPhrase}`;
          },
        },
      });
    } catch (error) {
      this.#failCall(error);
    }
  }

  async answer(): Promise<void> {
    const session = this.#session;
    if (!session || this.#call?.phase !== 'ringing' || !('accept' in session)) return;
    this.mediaError = undefined;
    try {
      await (session as Invitation).accept({
        sessionDescriptionHandlerOptions: { constraints: microphoneConstraints(this.microphoneId) },
      });
    } catch (error) {
      this.#failCall(error);
    }
  }

  async reject(): Promise<void> {
    const session = this.#session;
    if (!session || this.#call?.phase !== 'ringing' || !('reject' in session)) return;
    this.#endReason = 'Declined';
    await (session as Invitation).reject({ statusCode: 486 }).catch(() => undefined);
  }

  async hangUp(reason = 'Call ended'): Promise<void> {
    const session = this.#session;
    if (!session) return;
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

  /** Puts the call on hold (or resumes it) with a re-INVITE (sendonly / sendrecv). */
  async setHold(hold: boolean): Promise<void> {
    const session = this.#session;
    const call = this.#call;
    if (!session || !call || call.phase !== 'active' || call.held === hold || call.holdPending) {
      return;
    }
    this.#setCall({ holdPending: true });
    const options: WebSdhOptions = session.sessionDescriptionHandlerOptionsReInvite;
    const withHold = (h: boolean): WebSdhOptions => ({ ...options, hold: h });
    session.sessionDescriptionHandlerOptionsReInvite = withHold(hold);
    this.#mark(hold ? 'hold-sent' : 'unhold-sent');
    const settle = (held: boolean) => {
      const muted = this.#call?.muted ?? false;
      setReceivingEnabled(this.peerConnection, !held);
      setSendingEnabled(this.peerConnection, !held && !muted);
      this.#setCall({ held, holdPending: false });
    };
    await new Promise<void>((resolve) => {
      session
        .invite({
          requestDelegate: {
            onAccept: () => {
              this.#mark(hold ? 'held' : 'unheld');
              settle(hold);
              resolve();
            },
            onReject: () => {
              session.sessionDescriptionHandlerOptionsReInvite = withHold(!hold);
              this.callError = hold ? 'The other side refused the hold.' : 'Resuming failed.';
              settle(!hold);
              resolve();
            },
          },
        })
        .catch((error: unknown) => {
          this.callError = `Hold failed: ${(error as Error).message}`;
          settle(!hold);
          resolve();
        });
    });
  }

  setMute(muted: boolean): void {
    const call = this.#call;
    if (call?.phase !== 'active') return;
    setSendingEnabled(this.peerConnection, !muted && !call.held);
    this.#setCall({ muted });
  }

  /** Sends one DTMF digit as RTP telephone-event (RFC 4733); SIP INFO when none was negotiated. */
  sendDtmf(tone: string): boolean {
    const session = this.#session;
    if (!session || this.#call?.phase !== 'active' || !isDtmfTone(tone)) return false;
    const dtmf = dtmfSender(this.peerConnection);
    if (dtmf?.canInsertDTMF) {
      // insertDTMF replaces the tones still queued (SIP.js's sendDtmf loses
      // digits typed quickly): append to what is left instead
      dtmf.insertDTMF(dtmf.toneBuffer + tone, 120, 70);
      this.#mark(`dtmf-${tone}`);
      return true;
    }
    void session
      .info({
        requestOptions: {
          body: {
            contentDisposition: 'render',
            contentType: 'application/dtmf-relay',
            content: `Signal=${tone}\r\nDuration=120`,
          },
        },
      })
      .catch(() => undefined);
    return true;
  }

  /** Picks the microphone for this and later calls. */
  async selectMicrophone(deviceId: string | undefined): Promise<void> {
    this.microphoneId = deviceId || undefined;
    const pc = this.peerConnection;
    if (pc && this.#call?.phase === 'active') {
      try {
        await replaceMicrophone(pc, this.microphoneId, !this.#call.muted && !this.#call.held);
        this.mediaError = undefined;
      } catch (error) {
        this.mediaError = microphoneHelp(error) ?? `Switching microphones failed: ${error}`;
      }
    }
    this.#update();
  }

  #endReason: string | undefined;

  #onInvite(invitation: Invitation): void {
    if (this.#call) {
      // one call at a time: the caller hears busy (a queue tries the next agent)
      void invitation.reject({ statusCode: 486 }).catch(() => undefined);
      return;
    }
    const identity = invitation.remoteIdentity;
    const user = identity.uri.user ?? identity.uri.toString();
    this.#adopt(invitation, 'incoming', identity.displayName || user, user);
    this.#mark('incoming');
  }

  #adopt(
    session: Session,
    direction: CallView['direction'],
    remoteName: string,
    remoteUser: string,
  ): void {
    this.#session = session;
    this.#endReason = undefined;
    this.callError = undefined;
    this.lastCall = undefined;
    this.dtmfPlayed = '';
    this.#call = {
      id: session.id,
      direction,
      remoteName,
      remoteUser,
      phase: direction === 'incoming' ? 'ringing' : 'dialing',
      held: false,
      muted: false,
      holdPending: false,
    };
    session.stateChange.addListener((state) => {
      if (session !== this.#session) return;
      if (state === SessionState.Established) {
        this.#mark('established');
        this.#attachMedia(session);
        this.#setCall({ phase: 'active', answeredAt: Date.now() });
      } else if (state === SessionState.Terminated) {
        // SIP.js terminates the session before it hands the final response
        // to the request delegate: read the reason a microtask later
        queueMicrotask(() => this.#onTerminated(session, direction));
      }
    });
    this.#update();
  }

  #onTerminated(session: Session, direction: CallView['direction']): void {
    if (session !== this.#session) return;
    const reason =
      this.#endReason ??
      (this.#call?.phase === 'ringing' && direction === 'incoming'
        ? 'Missed call'
        : this.#call?.phase === 'dialing'
          ? 'No answer'
          : 'Call ended');
    this.#endCall(reason);
  }

  #attachMedia(session: Session): void {
    const sdh = session.sessionDescriptionHandler as SessionDescriptionHandler | undefined;
    if (!sdh) return;
    this.#remoteAudio ??= new Audio();
    this.#remoteAudio.autoplay = true;
    this.#remoteAudio.srcObject = sdh.remoteMediaStream;
    this.#remoteAudio.play().catch(() => undefined);
    // media that cannot recover ends the call: otherwise a BYE that could not
    // reach us (e.g. sent down a dropped WebSocket) leaves a silent call forever
    sdh.peerConnection?.addEventListener('connectionstatechange', () => {
      if (session === this.#session && sdh.peerConnection?.connectionState === 'failed') {
        void this.hangUp('Media connection lost').then(() => {
          if (session === this.#session) this.#endCall('Media connection lost');
        });
      }
    });
    const dtmf = dtmfSender(sdh.peerConnection);
    if (dtmf) {
      dtmf.addEventListener('tonechange', (event) => {
        const tone = (event as RTCDTMFToneChangeEvent).tone;
        if (tone && session === this.#session) {
          this.dtmfPlayed += tone;
          this.#update();
        }
      });
    }
  }

  #failCall(error: unknown): void {
    const help = microphoneHelp(error);
    if (help) this.mediaError = help;
    else this.callError = `The call failed: ${(error as Error)?.message ?? String(error)}`;
    this.#endReason = help ? 'Microphone unavailable' : 'Call failed';
    const session = this.#session;
    if (session && session.state !== SessionState.Terminated) {
      void this.hangUp(this.#endReason);
    } else if (this.#call) {
      this.#endCall(this.#endReason);
    } else if (this.lastCall) {
      // SIP.js may have terminated the session before invite()/accept() rejected
      this.lastCall = { ...this.lastCall, reason: this.#endReason };
    }
    this.#update();
  }

  #endCall(reason: string): void {
    const call = this.#call;
    if (!call) return;
    this.#mark('ended');
    this.lastCall = {
      remoteName: call.remoteName,
      reason,
      durationMs: call.answeredAt ? Date.now() - call.answeredAt : undefined,
    };
    this.#call = undefined;
    this.#session = undefined;
    if (this.#remoteAudio) this.#remoteAudio.srcObject = null;
    this.#update();
  }

  #setCall(patch: Partial<CallView>): void {
    if (!this.#call) return;
    this.#call = { ...this.#call, ...patch };
    this.#update();
  }

  #mark(event: string): void {
    this.timeline.push({ event, at: performance.now() });
    if (this.timeline.length > 200) this.timeline.splice(0, this.timeline.length - 200);
  }

  #update(): void {
    this.#host.requestUpdate();
  }
}

/** UserAgent.stop() un-REGISTERs over a possibly dead socket and can wait out a 32 s transaction timeout. */
async function stopWithin(ua: UserAgent, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    ua.stop().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}
