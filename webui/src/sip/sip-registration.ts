// The REGISTER half of a softphone's SIP line: one Registerer per UserAgent
// and a fresh REGISTER on every new connection (SIP.js sends none after a
// reconnect). Registered counts only when the server confirmed it on the
// live connection; failures retry with backoff unless retrying cannot help,
// and a REGISTER left unanswered (Asterisk still booting) is sent again
// after a short deadline instead of SIP.js's 32 s transaction timeout.
import { type Registerer, RegistererState, RequestPendingError, type UserAgent } from 'sip.js';
import { LineRegisterer } from './line-registerer.ts';
import type { PhoneHooks } from './phone-timeline.ts';
import { REGISTER_ANSWER_MS, registerRetryDelayMs } from './register-retry-delay.ts';
import {
  isTerminalRejection,
  type RegistrationFacts,
  registerRejectionReason,
} from './registration-status.ts';
import { RetryTimer } from './retry-timer.ts';
import { settleWithin } from './settle-within.ts';

/** The facts behind the registration view, kept by the connection and the registration together. */
export type LineFacts = { -readonly [K in keyof RegistrationFacts]: RegistrationFacts[K] };

export interface RegistrationHooks extends PhoneHooks {
  /** A rejection retrying cannot fix (wrong password, unknown user): the line gives up. */
  readonly rejected: (reason: string) => void;
}

export class SipRegistration {
  readonly #facts: LineFacts;
  readonly #hooks: RegistrationHooks;
  #ua: UserAgent | undefined;
  #registerer: LineRegisterer | undefined;
  #expires = 300;
  #inFlight = false;
  #retries = 0;
  readonly #retry = new RetryTimer();

  constructor(facts: LineFacts, hooks: RegistrationHooks) {
    this.#facts = facts;
    this.#hooks = hooks;
  }

  /** Register pressed again: what happened before no longer counts. */
  reset(): void {
    this.#facts.everRegistered = false;
    this.#facts.confirmedOnThisConnection = false;
    this.#retries = 0;
  }

  attach(ua: UserAgent, expiresSeconds: number): void {
    this.#ua = ua;
    this.#expires = expiresSeconds;
    this.#registerer = this.#newRegisterer(ua);
  }

  /** Lets go of the UserAgent (late events are ignored); returns its Registerer for a last un-REGISTER. */
  detach(): Registerer | undefined {
    const registerer = this.#registerer;
    this.#ua = undefined;
    this.#registerer = undefined;
    this.#facts.confirmedOnThisConnection = false;
    // A REGISTER still waiting for its answer belonged to the old UserAgent:
    // left set, the next Register press would never send its own.
    this.#inFlight = false;
    this.#retry.cancel();
    return registerer;
  }

  /** A new connection is up: the server bound the old contact to the old connection and dropped it with it. */
  connected(): void {
    this.#register();
  }

  /** REGISTER now (e.g. the operator says Asterisk lost the contact): the answer tells the truth. */
  refresh(): void {
    if (this.#facts.transport === 'connected') this.#register();
  }

  /** Nothing is confirmed on a dead connection; a pending retry waits for the next one. */
  connectionLost(): void {
    this.#facts.confirmedOnThisConnection = false;
    this.#inFlight = false;
    this.#retry.cancel();
  }

  #newRegisterer(ua: UserAgent): LineRegisterer {
    const registerer: LineRegisterer = new LineRegisterer(
      ua,
      {
        expires: this.#expires,
        // refresh well before expiry: a slow refresh must not leave a gap
        refreshFrequency: 80,
      },
      // also for SIP.js's own refreshes: a refused one shows its reason at once
      {
        onAccept: () => this.#accepted(registerer),
        onReject: ({ message }) =>
          this.#rejected(registerer, message.statusCode ?? 0, message.reasonPhrase ?? ''),
      },
      { ms: REGISTER_ANSWER_MS, missed: () => this.#unanswered(registerer) },
    );
    registerer.stateChange.addListener((state) => {
      if (ua !== this.#ua || registerer !== this.#registerer) return;
      const facts = this.#facts;
      if (state === RegistererState.Registered) {
        facts.confirmedOnThisConnection = facts.transport === 'connected';
      } else {
        facts.confirmedOnThisConnection = false;
        // a refresh failed or timed out while the socket stayed up: try again
        if (
          state === RegistererState.Unregistered &&
          facts.wanted &&
          !this.#inFlight &&
          !facts.failure &&
          facts.transport === 'connected'
        ) {
          facts.retryReason = 'The registration was not refreshed';
          this.#scheduleRetry();
        }
      }
      this.#hooks.changed();
    });
    return registerer;
  }

  #register(): void {
    const ua = this.#ua;
    const registerer = this.#registerer;
    if (!ua || !registerer || !this.#facts.wanted || this.#inFlight) return;
    this.#retry.cancel();
    this.#inFlight = true;
    this.#hooks.mark('register-sent');
    this.#send(registerer).catch((error: unknown) => {
      if (error instanceof RequestPendingError && ua === this.#ua) {
        // a REGISTER sent on the dead connection waits for its 32 s timeout
        this.#sendFresh(ua, registerer);
        return;
      }
      this.#notSent(error);
    });
  }

  /**
   * No final answer within REGISTER_ANSWER_MS (ours or a SIP.js refresh): a
   * booting Asterisk drops SIP without a word and nothing retransmits over a
   * WebSocket. The backoff is for answers; this is a lost request: send again.
   */
  #unanswered(registerer: LineRegisterer): void {
    const ua = this.#ua;
    const facts = this.#facts;
    if (!ua || registerer !== this.#registerer || !facts.wanted || facts.transport !== 'connected')
      return;
    this.#hooks.mark('register-unanswered');
    facts.retryReason = 'The SIP server did not answer the REGISTER: sending it again';
    this.#inFlight = true;
    this.#hooks.mark('register-sent');
    this.#sendFresh(ua, registerer);
    this.#hooks.changed();
  }

  /** Abandons a Registerer still waiting for its answer and sends from a new one. */
  #sendFresh(ua: UserAgent, stale: LineRegisterer): void {
    stale.retire();
    const fresh = this.#newRegisterer(ua);
    this.#registerer = fresh;
    this.#send(fresh).catch((error: unknown) => {
      if (fresh === this.#registerer) this.#notSent(error);
    });
  }

  #notSent(error: unknown): void {
    this.#inFlight = false;
    this.#facts.retryReason = `REGISTER could not be sent: ${(error as Error).message}`;
    this.#scheduleRetry();
    this.#hooks.changed();
  }

  /** Its answer reaches #accepted / #rejected through the LineRegisterer's delegate. */
  #send(registerer: Registerer): Promise<unknown> {
    return registerer.register();
  }

  #accepted(registerer: Registerer): void {
    if (registerer !== this.#registerer) return;
    const facts = this.#facts;
    this.#inFlight = false;
    this.#retries = 0;
    facts.confirmedOnThisConnection = facts.transport === 'connected';
    facts.everRegistered ||= facts.confirmedOnThisConnection;
    facts.retryReason = undefined;
    this.#hooks.mark('registered');
    this.#hooks.changed();
  }

  #rejected(registerer: Registerer, statusCode: number, reasonPhrase: string): void {
    if (registerer !== this.#registerer) return;
    this.#inFlight = false;
    this.#facts.confirmedOnThisConnection = false;
    const reason = registerRejectionReason(statusCode, reasonPhrase);
    if (isTerminalRejection(statusCode)) {
      this.#hooks.rejected(reason);
    } else {
      this.#facts.retryReason = reason;
      this.#scheduleRetry();
    }
    this.#hooks.changed();
  }

  #scheduleRetry(): void {
    if (this.#retry.pending || !this.#facts.wanted) return;
    this.#retry.schedule(registerRetryDelayMs(this.#retries++), () => {
      if (this.#facts.transport === 'connected') this.#register();
    });
  }
}

/** Best-effort un-REGISTER before the UserAgent stops: the answer or any state change ends the wait. */
export async function unregisterWithin(registerer: Registerer, ms: number): Promise<void> {
  if (registerer.state !== RegistererState.Registered) return;
  await settleWithin(
    new Promise<void>((resolve) => {
      registerer
        .unregister({
          requestDelegate: {
            onAccept: () => resolve(),
            onReject: () => resolve(),
          },
        })
        .catch(() => resolve());
      registerer.stateChange.addListener(() => resolve());
    }),
    ms,
  );
}
