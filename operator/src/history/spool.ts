// The queue log's local spool: Asterisk's realtime fails over from
// PostgreSQL to a SQLite file on its own volume (asterisk-config.ts,
// extconfig.conf), so a queue event written while PostgreSQL is down waits
// there; the shipper moves it into queue_log once PostgreSQL answers. It runs
// beside Asterisk (it needs the file), never in the operator: the records
// must not depend on the operator being up.
//
// Each batch is inserted in one PostgreSQL transaction and deleted from the
// spool only after the commit. A row is inserted only if the same row is not
// there yet (same time to the microsecond, call, queue, agent, event, data):
// a shipper killed between the commit and the delete ships the batch again,
// and PostgreSQL may have committed a row whose answer Asterisk never got
// (then Asterisk failed over and the row is in both). Two identical rows
// cannot happen otherwise: the time is Asterisk's to the microsecond.
import { DatabaseSync } from 'node:sqlite';
import type pg from 'pg';
import type { Logger } from 'pino';
import { Counter } from 'prom-client';

const COLUMNS = [
  'time',
  'callid',
  'queuename',
  'agent',
  'event',
  'data1',
  'data2',
  'data3',
  'data4',
  'data5',
] as const;
type SpoolRow = Record<(typeof COLUMNS)[number], string | null> & { rowid: number };

/** The table Asterisk's res_config_sqlite3 writes (it creates none with every column itself). */
export const SPOOL_TABLE = `CREATE TABLE IF NOT EXISTS queue_log (${COLUMNS.map((c) => `${c} TEXT`).join(', ')})`;

/** Makes the spool file and its table (before Asterisk starts). */
export function createSpool(path: string): void {
  const db = new DatabaseSync(path);
  try {
    db.exec(SPOOL_TABLE);
  } finally {
    db.close();
  }
}

/** Whether the spool file and its table are there (the sidecar's /healthz: Asterisk may start). */
export function spoolReady(path: string): boolean {
  try {
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      return (
        db
          .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'queue_log'")
          .get() !== undefined
      );
    } finally {
      db.close();
    }
  } catch {
    return false; // no file (yet)
  }
}

/** Rows waiting in the spool. */
export function spoolBacklog(path: string): number {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    db.exec('PRAGMA busy_timeout = 2000');
    return Number((db.prepare('SELECT count(*) AS n FROM queue_log').get() as { n: number }).n);
  } finally {
    db.close();
  }
}

// $1 is the time as Asterisk wrote it ("2026-12-06 05:48:26.280123", UTC).
const same = COLUMNS.map((c, i) =>
  c === 'time' ? 'time = $1::timestamp' : `${c} IS NOT DISTINCT FROM $${i + 1}`,
).join(' AND ');
const INSERT = `INSERT INTO queue_log (${COLUMNS.join(', ')})
  SELECT $1::timestamp, ${COLUMNS.slice(1)
    .map((_, i) => `$${i + 2}`)
    .join(', ')}
  WHERE NOT EXISTS (SELECT 1 FROM queue_log WHERE ${same})`;

export interface ShipResult {
  /** Rows taken from the spool. */
  readonly taken: number;
  /** Of those, rows PostgreSQL did not have yet. */
  readonly inserted: number;
}

/** Moves up to `batch` spooled rows into PostgreSQL's queue_log, oldest first. */
export async function shipSpool(
  path: string,
  client: pg.ClientBase,
  batch = 500,
): Promise<ShipResult> {
  const db = new DatabaseSync(path);
  try {
    // Asterisk may be writing a row: wait for its lock rather than fail.
    db.exec('PRAGMA busy_timeout = 2000');
    const rows = db
      .prepare(`SELECT rowid, ${COLUMNS.join(', ')} FROM queue_log ORDER BY rowid LIMIT ?`)
      .all(batch) as unknown as SpoolRow[];
    const last = rows.at(-1);
    if (!last) return { taken: 0, inserted: 0 };
    let inserted = 0;
    await client.query('BEGIN');
    try {
      for (const row of rows)
        inserted +=
          (
            await client.query(
              INSERT,
              COLUMNS.map((c) => row[c]),
            )
          ).rowCount ?? 0;
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
    db.prepare('DELETE FROM queue_log WHERE rowid <= ?').run(last.rowid);
    return { taken: rows.length, inserted };
  } finally {
    db.close();
  }
}

const shipped = new Counter({
  name: 'switchboard_history_spool_rows_shipped_total',
  help: 'Queue log rows moved from the local spool into PostgreSQL',
});

export interface SpoolShipperOptions {
  readonly path: string;
  readonly pool: pg.Pool;
  readonly logger: Logger;
  /** How often the spool is looked at (default 1000 ms). */
  readonly intervalMs?: number;
}

/** Empties the spool into PostgreSQL every interval, for as long as it runs. */
export class SpoolShipper {
  readonly #o: SpoolShipperOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;
  #failing = false;
  #shipped = 0;

  constructor(options: SpoolShipperOptions) {
    this.#o = options;
  }

  /** Rows this shipper put into PostgreSQL so far. */
  get shipped(): number {
    return this.#shipped;
  }

  /** Whether the last look could not reach PostgreSQL (the rows wait). */
  get failing(): boolean {
    return this.#failing;
  }

  start(): void {
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** One more look now, whether started or stopped (a sidecar told to stop ships what is left). */
  async flush(): Promise<void> {
    await this.#running;
    await this.#tick();
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.#tick().finally(() => this.#schedule(this.#o.intervalMs ?? 1000));
    }, ms);
  }

  async #tick(): Promise<void> {
    try {
      const client = await this.#o.pool.connect();
      try {
        for (;;) {
          const r = await shipSpool(this.#o.path, client);
          if (r.taken === 0) break;
          shipped.inc(r.inserted);
          this.#shipped += r.inserted;
          this.#o.logger.info(r, 'queue log rows shipped from the spool');
        }
      } finally {
        client.release();
      }
      if (this.#failing) this.#o.logger.info('queue log spool: PostgreSQL answers again');
      this.#failing = false;
    } catch (err) {
      // PostgreSQL down: the rows stay in the spool; say so once per outage.
      if (!this.#failing)
        this.#o.logger.warn(
          { err: (err as Error).message },
          'queue log spool: cannot ship, rows wait',
        );
      this.#failing = true;
    }
  }
}
