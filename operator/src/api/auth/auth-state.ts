// The API's secrets as this replica knows them: loaded (or made) in the
// background with retries, so /healthz and /readyz answer while the
// Kubernetes API is still out of reach; auth routes answer 503 until then.
import type { CoreV1Api } from '@kubernetes/client-node';
import { describeError } from '../../clients/errors.ts';
import type { Logger } from '../../log.ts';
import { ensureApiSecrets, readAdminPasswordHash } from './api-secrets.ts';
import { LateKeySigner } from './signer.ts';

export class AuthState {
  readonly signer = new LateKeySigner();
  #adminHash: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  readonly #core: CoreV1Api;
  readonly #namespace: string;
  readonly #logger: Logger;

  constructor(core: CoreV1Api, namespace: string, logger: Logger) {
    this.#core = core;
    this.#namespace = namespace;
    this.#logger = logger;
  }

  get ready(): boolean {
    return this.signer.ready && this.#adminHash !== undefined;
  }

  adminHash(): string | undefined {
    return this.#adminHash;
  }

  /** Loads the secrets, retrying with capped backoff; then re-reads the admin hash every minute. */
  start(): void {
    const attempt = async (delay: number) => {
      if (this.#stopped) return;
      try {
        const secrets = await ensureApiSecrets(this.#core, this.#namespace);
        this.signer.setKey(secrets.sessionKey);
        this.#adminHash = secrets.adminPasswordHash;
        this.#logger.info({ namespace: this.#namespace }, 'web UI login ready');
        this.#schedule(() => this.refreshAdminHash(), 60_000, true);
      } catch (err) {
        this.#logger.warn(
          { err: describeError(err), retryInMs: delay },
          'loading the web UI secrets failed',
        );
        this.#schedule(() => attempt(Math.min(delay * 2, 30_000)), delay, false);
      }
    };
    void attempt(500);
  }

  /** The stored hash, read fresh (a login uses it, so a changed password works at once). */
  async refreshAdminHash(): Promise<string | undefined> {
    try {
      const hash = await readAdminPasswordHash(this.#core, this.#namespace);
      if (hash) this.#adminHash = hash;
    } catch (err) {
      this.#logger.warn({ err: describeError(err) }, 'reading the admin password hash failed');
    }
    return this.#adminHash;
  }

  #schedule(run: () => unknown, ms: number, repeat: boolean): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      void Promise.resolve(run()).finally(() => {
        if (repeat) this.#schedule(run, ms, true);
      });
    }, ms);
    this.#timer.unref();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }
}
