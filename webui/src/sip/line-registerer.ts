// A Registerer whose own REGISTERs (the refresh before expiry, the retry
// after a 423) report to the softphone like the ones it sends: SIP.js sends
// those without a request delegate, so a refresh the server refuses (401
// after credentials were rotated, 404 for an endpoint that is gone) would
// only show as "unregistered", with no status code, and be retried blindly.
import {
  Registerer,
  type RegistererOptions,
  type RegistererRegisterOptions,
  type UserAgent,
} from 'sip.js';

export type RegisterDelegate = NonNullable<RegistererRegisterOptions['requestDelegate']>;

export class LineRegisterer extends Registerer {
  readonly #delegate: RegisterDelegate;

  constructor(ua: UserAgent, options: RegistererOptions, delegate: RegisterDelegate) {
    super(ua, options);
    this.#delegate = delegate;
  }

  override register(options: RegistererRegisterOptions = {}): ReturnType<Registerer['register']> {
    return super.register({
      ...options,
      requestDelegate: options.requestDelegate ?? this.#delegate,
    });
  }
}
