// A Registerer whose own REGISTERs (the refresh before expiry, the retry
// after a 423) report to the softphone like the ones it sends: SIP.js sends
// those without a request delegate, so a refresh the server refuses (401
// after credentials were rotated, 404 for an endpoint that is gone) would
// only show as "unregistered", with no status code, and be retried blindly.
//
// Every REGISTER also gets a deadline for its final answer. Over a WebSocket
// nothing retransmits a request, and Asterisk ignores all SIP until it has
// fully booted while it already serves the WebSocket ("let the peer
// retransmit", pjsip_distributor.c): SIP.js would wait out its 32 s
// transaction timeout. Past the deadline the owner sends a fresh REGISTER
// from a fresh Registerer (this one cannot send while it waits) and retires
// this one.
import {
  Registerer,
  type RegistererOptions,
  type RegistererRegisterOptions,
  RegistererState,
  type UserAgent,
} from 'sip.js';

export type RegisterDelegate = NonNullable<RegistererRegisterOptions['requestDelegate']>;

export interface AnswerDeadline {
  readonly ms: number;
  /** A REGISTER of this Registerer got no final answer within `ms`. */
  readonly missed: () => void;
}

export class LineRegisterer extends Registerer {
  readonly #delegate: RegisterDelegate;
  readonly #deadline: AnswerDeadline;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** A REGISTER of ours is out and has no final answer yet (SIP.js keeps its own flag private). */
  #waiting = false;
  #retired = false;

  constructor(
    ua: UserAgent,
    options: RegistererOptions,
    delegate: RegisterDelegate,
    deadline: AnswerDeadline,
  ) {
    super(ua, options);
    this.#delegate = delegate;
    this.#deadline = deadline;
  }

  override register(options: RegistererRegisterOptions = {}): ReturnType<Registerer['register']> {
    // a retired one's refresh timer still fires: its successor refreshes now
    if (this.#retired) return new Promise(() => undefined);
    const delegate = options.requestDelegate ?? this.#delegate;
    const sent = super.register({
      ...options,
      requestDelegate: {
        ...delegate,
        onAccept: (response) => {
          this.#settled();
          delegate.onAccept?.(response);
        },
        onReject: (response) => {
          this.#settled();
          delegate.onReject?.(response);
        },
        onRedirect: (response) => {
          this.#settled();
          delegate.onRedirect?.(response);
        },
      },
    });
    // SIP.js refuses a second REGISTER while one waits: that one keeps its deadline
    if (this.#waiting) return sent;
    this.#waiting = true;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#waiting && !this.#retired) this.#deadline.missed();
    }, this.#deadline.ms);
    // rejected = not sent (an un-REGISTER was pending): nothing to wait for
    sent.catch(() => this.#settled());
    return sent;
  }

  /**
   * Replaced by a fresh Registerer for the same contact: sends nothing more
   * and is disposed once its REGISTER is over. Disposing now would wait for
   * that answer and, had it registered, un-REGISTER the contact both share.
   */
  retire(): void {
    this.#retired = true;
    clearTimeout(this.#timer);
    this.stateChange.addListener(() => this.#dropIfDone());
    this.#dropIfDone();
  }

  #settled(): void {
    this.#waiting = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#retired) this.#dropIfDone();
  }

  #dropIfDone(): void {
    // a late 200 keeps it until that registration expires (its refreshes are muted)
    if (this.#waiting || this.state === RegistererState.Registered) return;
    if (this.state !== RegistererState.Terminated) void this.dispose();
  }
}
