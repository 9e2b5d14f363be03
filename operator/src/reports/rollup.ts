// The leader keeps the reports' rollup (migration 0006, rollup-sql.ts) up to
// date: every ~30 s (REPORT_ROLLUP_INTERVAL_SECONDS) it rebuilds the buckets
// the queue log's writers marked stale, oldest first, a chunk per transaction. Each chunk runs in REPEATABLE
// READ, so it reads the marks and the rows they stand for in one snapshot and
// removes only the marks it read; a row committed meanwhile keeps its own
// mark for the next run. A session advisory lock keeps a second runner (a
// leader change, a bench) from rebuilding the same buckets at once. Reports
// stay exact whatever the lag: stale buckets are read raw.
import type pg from 'pg';
import { Gauge, Histogram } from 'prom-client';
import type { Logger } from '../log.ts';
import { registry } from '../metrics.ts';
import { DEFAULT_ROLLUP_INTERVAL_MS } from './rollup-settings.ts';
import { DIRTY_BUCKETS_SQL, PENDING_SQL, ROLLUP_BUILD_SQL } from './rollup-sql.ts';

/** While runs fail (database down, schema not migrated yet): try again this soon. */
const RETRY_MS = 5_000;
/** Buckets per transaction: ~5 days of a busy call center, a short transaction. */
export const ROLLUP_CHUNK = 500;
/** pg_advisory_lock key of the rollup ("sbroll" in ASCII, below 2^53). */
export const ROLLUP_LOCK = 0x73_62_72_6f_6c_6c;

const runSeconds = new Histogram({
  name: 'switchboard_report_rollup_run_seconds',
  help: 'How long one rollup run of the reports took (all stale buckets rebuilt).',
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
  registers: [registry],
});
const pendingBuckets = new Gauge({
  name: 'switchboard_report_rollup_pending_buckets',
  help: 'Stale 15-minute buckets the rollup has not rebuilt yet (reports read them raw).',
  registers: [registry],
});
const lastRun = new Gauge({
  name: 'switchboard_report_rollup_last_success_timestamp_seconds',
  help: 'When the last rollup run finished without error (lag: now minus this).',
  registers: [registry],
});

export interface RollupOutcome {
  /** Buckets rebuilt. */
  readonly buckets: number;
  /** False when another runner held the lock (nothing done). */
  readonly ran: boolean;
  readonly ms: number;
}

/** Rebuilds one chunk of stale buckets; answers how many. */
export async function rollUpChunk(client: pg.ClientBase, chunk = ROLLUP_CHUNK): Promise<number> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  try {
    const { rows } = await client.query<{ buckets: string[] }>(DIRTY_BUCKETS_SQL, [chunk]);
    const buckets = rows[0]?.buckets ?? [];
    if (buckets.length > 0) for (const sql of ROLLUP_BUILD_SQL) await client.query(sql, [buckets]);
    await client.query('COMMIT');
    return buckets.length;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

/** Rebuilds every stale bucket (one chunk per transaction) unless another runner is at it. */
export async function rollUp(pool: pg.Pool, chunk = ROLLUP_CHUNK): Promise<RollupOutcome> {
  const started = performance.now();
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    const { rows } = await client.query<{ locked: boolean }>(
      `SELECT pg_try_advisory_lock(${ROLLUP_LOCK}) AS locked`,
    );
    if (!rows[0]?.locked) return { buckets: 0, ran: false, ms: performance.now() - started };
    try {
      let buckets = 0;
      for (;;) {
        const n = await rollUpChunk(client, chunk);
        buckets += n;
        if (n < chunk) break;
      }
      return { buckets, ran: true, ms: performance.now() - started };
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${ROLLUP_LOCK})`).catch(() => {});
    }
  } catch (err) {
    broken = err as Error;
    throw err;
  } finally {
    // A failed connection is not given back to the pool.
    client.release(broken && isConnectionLost(broken) ? broken : undefined);
  }
}

const isConnectionLost = (err: Error & { code?: string }) =>
  !err.code || err.code.startsWith('08') || err.code.startsWith('57');

/** The leader's loop: a run now, then every intervalMs after the previous one ended. */
export class ReportRollup {
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #lastError: string | undefined;
  readonly #pool: pg.Pool;
  readonly #logger: Logger;
  readonly #intervalMs: number;

  constructor(pool: pg.Pool, logger: Logger, intervalMs = DEFAULT_ROLLUP_INTERVAL_MS) {
    this.#pool = pool;
    this.#logger = logger.child({ component: 'report-rollup' });
    this.#intervalMs = intervalMs;
  }

  start(): void {
    if (this.#timer || this.#stopped) return;
    const run = async () => {
      let next = this.#intervalMs;
      try {
        const out = await rollUp(this.#pool);
        if (out.ran) {
          runSeconds.observe(out.ms / 1000);
          lastRun.set(Date.now() / 1000);
          if (out.buckets > 0)
            this.#logger.info(
              { buckets: out.buckets, ms: Math.round(out.ms) },
              'report rollup: stale buckets rebuilt',
            );
        }
        const { rows } = await this.#pool.query<{ buckets: number }>(PENDING_SQL);
        pendingBuckets.set(rows[0]?.buckets ?? 0);
        this.#lastError = undefined;
      } catch (err) {
        // The database may be down or not migrated yet (42P01): reports read raw
        // meanwhile; try again soon, and say so once per distinct failure.
        const e = err as Error & { code?: string };
        if (e.message !== this.#lastError)
          this.#logger.warn({ err: e.message, code: e.code }, 'report rollup run failed');
        this.#lastError = e.message;
        next = Math.min(this.#intervalMs, RETRY_MS);
      }
      if (!this.#stopped) this.#timer = setTimeout(() => void run(), next).unref();
    };
    this.#timer = setTimeout(() => void run(), 0).unref();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }
}
