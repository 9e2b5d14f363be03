// Expired guest permissions leave AstDB (issue 15). The gate refuses an
// expired token by itself; this only keeps the family from growing with
// permissions pages fetched and never used, including those minted before a
// leader change or restart (so no per-token timer, which a restart loses).
// The leader's connection runs it: a pass lists the family (AMI DBGetTree)
// and deletes the expired keys (DBDel). Tokens never enter a log line.

import { PAGE_LABEL_SEPARATOR } from '../api/guest/page-label.ts';
import { describeError } from '../clients/errors.ts';
import type { Logger } from '../log.ts';
import type { AmiClient } from './ami/client.ts';
import { GUEST_DB_FAMILY } from './render/guests.ts';

type RawMessage = Record<string, string | string[] | undefined>;

/** The keys (tokens) of `entries` whose expiry (epoch seconds, before any `~label`) is not after `nowEpoch`; unreadable values count as expired. Pure. */
export function expiredTokens(entries: readonly RawMessage[], nowEpoch: number): string[] {
  const prefix = `/${GUEST_DB_FAMILY}/`;
  const out: string[] = [];
  for (const e of entries) {
    const key = String(e.key ?? '');
    if (!key.startsWith(prefix)) continue;
    // the expiry comes first; a page label may follow the separator
    const expires = Number(String(e.val ?? '').split(PAGE_LABEL_SEPARATOR)[0]);
    if (!Number.isFinite(expires) || expires <= nowEpoch) out.push(key.slice(prefix.length));
  }
  return out;
}

export class GuestSweep {
  readonly #client: Pick<AmiClient, 'list' | 'action' | 'state'>;
  readonly #log: Logger;
  readonly #timer: NodeJS.Timeout;
  #running = false;

  constructor(
    client: Pick<AmiClient, 'list' | 'action' | 'state'>,
    log: Logger,
    intervalMs: number,
  ) {
    this.#client = client;
    this.#log = log;
    this.#timer = setInterval(() => void this.sweep(), intervalMs);
    this.#timer.unref();
  }

  /** One pass; resolves with how many permissions it removed (0 when not connected). */
  async sweep(now = Date.now()): Promise<number> {
    if (this.#running || this.#client.state !== 'connected') return 0;
    this.#running = true;
    const started = performance.now();
    try {
      const entries = await this.#client.list(
        { action: 'DBGetTree', family: GUEST_DB_FAMILY },
        'DBGetTreeResponse',
        'DBGetTreeComplete',
      );
      let removed = 0;
      for (const key of expiredTokens(entries, Math.floor(now / 1000))) {
        // a token the gate consumed meanwhile is gone already: not an error
        await this.#client
          .action({ action: 'DBDel', family: GUEST_DB_FAMILY, key })
          .then(() => removed++)
          .catch(() => undefined);
      }
      if (removed)
        this.#log.info(
          { removed, ms: Math.round(performance.now() - started) },
          'expired guest permissions removed from AstDB',
        );
      return removed;
    } catch (err) {
      this.#log.warn({ err: describeError(err) }, 'sweeping expired guest permissions failed');
      return 0;
    } finally {
      this.#running = false;
    }
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
