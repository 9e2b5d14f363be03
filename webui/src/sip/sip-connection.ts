// The SIP line: one UserAgent per Register press whose WebSocket is
// reconnected forever with a short backoff (SIP.js's own reconnection gives
// up and never re-registers), and, for a softphone, its registration.
import { type Invitation, TransportState, UserAgent } from 'sip.js';
import {
  configProblems,
  type PhoneConfig,
  type SipCredentials,
  sipDomain,
} from './phone-config.ts';
import type { PhoneHooks } from './phone-timeline.ts';
import { reconnectDelayMs } from './reconnect-delay.ts';
import {
  cannotReachReason,
  type RegistrationView,
  registrationView,
} from './registration-status.ts';
import { RetryTimer } from './retry-timer.ts';
import { settleWithin } from './settle-within.ts';
import { type LineFacts, SipRegistration, unregisterWithin } from './sip-registration.ts';
import { userAgentOptions } from './user-agent-options.ts';

export interface ConnectionHooks extends PhoneHooks {
  readonly invite: (invitation: Invitation) => void;
  /** The socket is up again after it was lost (a call in progress may be gone with the server). */
  readonly reconnected: () => void;
  /** The server refused the credentials (401/403/404/407): the line stopped. */
  readonly refused: (reason: string) => void;
}

export class SipConnection {
  readonly #facts: LineFacts = {
    wanted: false,
    transport: 'disconnected',
    confirmedOnThisConnection: false,
    everRegistered: false,
    failure: undefined,
    retryReason: undefined,
  };
  readonly #hooks: ConnectionHooks;
  /** Only a softphone registers; a caller's dialer just places calls. */
  readonly #registration: SipRegistration | undefined;
  #ua: UserAgent | undefined;
  #config: PhoneConfig | undefined;
  #reconnectAttempt = 0;
  /** The current UserAgent's socket was up before: the next Connected is a reconnect. */
  #wasUp = false;
  readonly #reconnect = new RetryTimer();

  constructor(register: boolean, hooks: ConnectionHooks) {
    this.#hooks = hooks;
    this.#registration = register
      ? new SipRegistration(this.#facts, { ...hooks, rejected: (reason) => this.#giveUp(reason) })
      : undefined;
  }

  get registration(): RegistrationView {
    return registrationView(this.#facts);
  }

  get connected(): boolean {
    return this.#facts.transport === 'connected';
  }

  get started(): boolean {
    return this.#ua !== undefined;
  }

  get userAgent(): UserAgent | undefined {
    return this.#ua;
  }

  get config(): PhoneConfig | undefined {
    return this.#config;
  }

  /** Expects a stopped line. Resolves once the first connection attempt settled. */
  async start(config: PhoneConfig, credentials: SipCredentials): Promise<void> {
    const facts = this.#facts;
    const problems = configProblems(config);
    facts.failure = problems.length ? `Configuration problem: ${problems.join('; ')}` : undefined;
    facts.retryReason = undefined;
    this.#registration?.reset();
    this.#reconnectAttempt = 0;
    this.#wasUp = false;
    if (facts.failure) return this.#hooks.changed();
    this.#config = config;
    facts.wanted = true;
    const domain = sipDomain(config);
    const uri = UserAgent.makeURI(`sip:${credentials.username}@${domain}`);
    if (!uri) {
      facts.failure = `"${credentials.username}@${domain}" is not a valid SIP address.`;
      return this.#hooks.changed();
    }
    const ua = new UserAgent({
      ...userAgentOptions(config, credentials),
      uri,
      delegate: { onInvite: (invitation) => this.#hooks.invite(invitation) },
    });
    this.#ua = ua;
    ua.transport.stateChange.addListener((state) => this.#onTransportState(ua, state));
    this.#hooks.mark('connect');
    facts.transport = 'connecting';
    // the socket first: the Registerer is only needed once it is open (a later task)
    const started = ua.start();
    this.#registration?.attach(ua, config.registerExpires ?? 300);
    this.#hooks.changed();
    try {
      await started;
    } catch (error) {
      // #onTransportState already scheduled the retry; say why meanwhile
      facts.retryReason = cannotReachReason(config.wsUrl, error);
      this.#hooks.changed();
    }
  }

  /** REGISTERs again now, when registering and connected (the answer shows what the server thinks). */
  refreshRegistration(): void {
    if (this.#facts.wanted) this.#registration?.refresh();
  }

  /** Unregisters (best effort) and disconnects. */
  async stop(): Promise<void> {
    this.#facts.wanted = false;
    this.#reconnect.cancel();
    const { ua, registerer } = this.#drop();
    this.#facts.failure = undefined;
    this.#facts.retryReason = undefined;
    if (!ua) return;
    if (registerer && ua.isConnected()) await unregisterWithin(registerer, 2000);
    await stopWithin(ua);
  }

  #giveUp(reason: string): void {
    this.#facts.failure = reason;
    this.#facts.wanted = false;
    const { ua } = this.#drop();
    if (ua) void stopWithin(ua);
    this.#hooks.refused(reason);
  }

  /** Forgets the UserAgent: its late events no longer count. */
  #drop() {
    const ua = this.#ua;
    this.#ua = undefined;
    const registerer = this.#registration?.detach();
    this.#facts.transport = 'disconnected';
    return { ua, registerer };
  }

  #onTransportState(ua: UserAgent, state: TransportState): void {
    if (ua !== this.#ua) return;
    const facts = this.#facts;
    if (state === TransportState.Connected) {
      facts.transport = 'connected';
      this.#reconnectAttempt = 0;
      this.#hooks.mark('connected');
      if (this.#registration) this.#registration.connected();
      else facts.retryReason = undefined;
      if (this.#wasUp) this.#hooks.reconnected();
      this.#wasUp = true;
    } else if (state === TransportState.Connecting) {
      facts.transport = 'connecting';
    } else if (state === TransportState.Disconnected) {
      const wasConnected = facts.transport === 'connected';
      facts.transport = 'disconnected';
      this.#registration?.connectionLost();
      if (wasConnected) {
        this.#hooks.mark('disconnected');
        facts.retryReason = 'The connection to the SIP server was lost';
      }
      if (facts.wanted) this.#scheduleReconnect();
    }
    this.#hooks.changed();
  }

  #scheduleReconnect(): void {
    if (this.#reconnect.pending || !this.#facts.wanted) return;
    this.#reconnect.schedule(reconnectDelayMs(this.#reconnectAttempt++), () => {
      const ua = this.#ua;
      if (!ua || !this.#facts.wanted || ua.transport.state !== TransportState.Disconnected) return;
      ua.reconnect().catch((error: unknown) => {
        if (ua !== this.#ua) return;
        this.#hooks.mark('connect-failed');
        this.#facts.retryReason = cannotReachReason(this.#config?.wsUrl, error);
        this.#hooks.changed();
        // the Disconnected transition already scheduled the next attempt
      });
    });
  }

  readonly onOnline = (): void => {
    // the network is back: try now instead of waiting for the backoff
    if (!this.#ua || !this.#facts.wanted || this.#facts.transport === 'connected') return;
    this.#reconnect.cancel();
    this.#reconnectAttempt = 0;
    this.#scheduleReconnect();
  };

  readonly onOffline = (): void => {
    // the OS says the network is gone; the socket may not notice for minutes
    const ua = this.#ua;
    if (!ua || !this.#facts.wanted || this.#facts.transport !== 'connected') return;
    void ua.transport.disconnect();
  };
}

/** UserAgent.stop() un-REGISTERs over a possibly dead socket and can wait out a 32 s transaction timeout. */
function stopWithin(ua: UserAgent): Promise<void> {
  return settleWithin(ua.stop(), 3000);
}
