// The operator's side of the history database: one connection pool per
// replica (reports, recordings and history pages read through it), its
// availability (probed, never assumed), and the schema migrations, which only
// the leader runs (migrate.ts serialises runners anyway; one runner keeps the
// logs plain). A database that is down at start-up or later never stops the
// operator: agents are still provisioned; history is reported unavailable
// with the reason (state(), the metric switchboard_history_available) and
// reads are refused with HistoryUnavailableError until a probe succeeds.
import pg from 'pg';
import { Gauge } from 'prom-client';
import type { Logger } from '../log.ts';
import { registry } from '../metrics.ts';
import { type MigrationOutcome, migrate } from './migrate.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { describeDatabaseError, poolConfig } from './pool-config.ts';
import type { HistorySettings } from './settings.ts';

export type HistoryState =
  | { readonly state: 'connecting' }
  | { readonly state: 'ready'; readonly schemaVersion: number | undefined }
  | { readonly state: 'unavailable'; readonly reason: string; readonly since: Date };

/** A read or write refused because the database cannot be reached; the message is safe to show. */
export class HistoryUnavailableError extends Error {
  constructor(reason: string) {
    super(`call history is unavailable: ${reason}`);
    this.name = 'HistoryUnavailableError';
  }
}

const available = new Gauge({
  name: 'switchboard_history_available',
  help: '1 while the history database answers this replica, else 0',
  registers: [registry],
});

export interface HistoryDatabaseOptions {
  readonly logger: Logger;
  /** How often an unavailable database is tried again (ms). */
  readonly retryMs?: number;
  /** How often an available database is checked (ms). */
  readonly checkMs?: number;
}

export class HistoryDatabase {
  readonly pool: pg.Pool;
  readonly #settings: HistorySettings;
  readonly #logger: Logger;
  readonly #retryMs: number;
  readonly #checkMs: number;
  #state: HistoryState = { state: 'connecting' };
  #leader = false;
  #migrated: MigrationOutcome | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #listeners = new Set<(s: HistoryState) => void>();

  constructor(settings: HistorySettings, options: HistoryDatabaseOptions) {
    this.#settings = settings;
    this.#logger = options.logger.child({ component: 'history' });
    this.#retryMs = options.retryMs ?? 2_000;
    this.#checkMs = options.checkMs ?? 15_000;
    this.pool = new pg.Pool(poolConfig(settings));
    // An idle client's connection dropping (server restart) must not crash the process.
    this.pool.on('error', (err) => this.#unavailable(err));
  }

  state(): HistoryState {
    return this.#state;
  }

  onState(cb: (s: HistoryState) => void): () => void {
    this.#listeners.add(cb);
    return () => this.#listeners.delete(cb);
  }

  /** Starts probing; resolves after the first probe (whatever its outcome). */
  async start(): Promise<void> {
    await this.#probe();
  }

  /** Probes now (and migrates if due): the state the database is really in. */
  async check(): Promise<HistoryState> {
    await this.#probe();
    return this.#state;
  }

  /** The leader migrates the schema, now or as soon as the database answers. */
  async becomeLeader(): Promise<void> {
    this.#leader = true;
    if (this.#state.state === 'ready') await this.#probe();
  }

  /** One query; refused with HistoryUnavailableError when the database cannot be reached. */
  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(text, values);
    } catch (err) {
      if (isConnectionError(err)) {
        this.#unavailable(err);
        throw new HistoryUnavailableError(describeDatabaseError(err, this.#settings));
      }
      throw err;
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.pool.end();
  }

  async #probe(): Promise<void> {
    clearTimeout(this.#timer);
    if (this.#closed) return;
    try {
      const client = await this.pool.connect();
      try {
        await client.query('SELECT 1');
        if (this.#leader && !this.#migrated) {
          this.#migrated = await migrate(client, MIGRATIONS);
          this.#logger.info(
            {
              applied: this.#migrated.applied,
              version: this.#migrated.version,
              newerThanCode: this.#migrated.newerThanCode,
            },
            this.#migrated.applied.length ? 'history schema migrated' : 'history schema up to date',
          );
        }
      } finally {
        client.release();
      }
      this.#set({ state: 'ready', schemaVersion: this.#migrated?.version });
    } catch (err) {
      this.#unavailable(err);
    }
    if (!this.#closed)
      this.#timer = setTimeout(
        () => void this.#probe(),
        this.#state.state === 'ready' ? this.#checkMs : this.#retryMs,
      ).unref();
  }

  #unavailable(err: unknown): void {
    const reason = describeDatabaseError(err, this.#settings);
    if (this.#state.state === 'unavailable' && this.#state.reason === reason) return;
    this.#logger.warn(
      { reason },
      'call history unavailable: agents are still provisioned; history waits for the database',
    );
    this.#set({ state: 'unavailable', reason, since: new Date() });
    // Come back quickly once the database does (a probe may be 15 s away).
    if (!this.#closed) {
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => void this.#probe(), this.#retryMs).unref();
    }
  }

  #set(s: HistoryState): void {
    const was = this.#state.state;
    this.#state = s;
    available.set(s.state === 'ready' ? 1 : 0);
    if (was !== 'ready' && s.state === 'ready')
      this.#logger.info({ schemaVersion: s.schemaVersion }, 'call history available');
    for (const cb of this.#listeners) cb(s);
  }
}

/** Errors of reaching the server (not of a statement): the database is unavailable, not the query wrong. */
function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  const message = (err as { message?: string }).message ?? '';
  return (
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'ENOTFOUND',
      'EAI_AGAIN',
      'ETIMEDOUT',
      'EPIPE',
      '57P01',
      '57P03',
    ].includes(code) ||
    code.startsWith('08') ||
    /Connection terminated|timeout exceeded when trying to connect/i.test(message)
  );
}
