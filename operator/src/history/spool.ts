// The queue log's local spool: Asterisk's realtime fails over from
// PostgreSQL to a SQLite file on its own volume (asterisk-config.ts,
// extconfig.conf), so a queue event written while PostgreSQL is down waits
// there; the shipper moves it into queue_log once PostgreSQL answers. It runs
// beside Asterisk (it needs the file), never in the operator: the records
// must not depend on the operator being up.
//
// The same file holds a copy of every CDR and channel event (spool-records.ts,
// written by Asterisk whether PostgreSQL is up or not); the shipper checks
// each copy once it is old enough and inserts what PostgreSQL lacks.
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
import { insertSpooledSql, SPOOLED_RECORDS, type SpooledRecords } from './spool-records.ts';

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
      // Asterisk writes a CDR/CEL copy at every call: wait for its lock, never report "not ready" for it.
      db.exec('PRAGMA busy_timeout = 2000');
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

/** Runs `sql` once per parameter list in one transaction; the rows it inserted. */
async function insertInOneTransaction(
  client: pg.ClientBase,
  sql: string,
  params: readonly (readonly unknown[])[],
): Promise<number> {
  let inserted = 0;
  await client.query('BEGIN');
  try {
    for (const p of params) inserted += (await client.query(sql, [...p])).rowCount ?? 0;
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
  return inserted;
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
    const inserted = await insertInOneTransaction(
      client,
      INSERT,
      rows.map((row) => COLUMNS.map((c) => row[c])),
    );
    db.prepare('DELETE FROM queue_log WHERE rowid <= ?').run(last.rowid);
    return { taken: rows.length, inserted };
  } finally {
    db.close();
  }
}

/**
 * Checks up to `batch` copied call records (CDR or CEL, spool-records.ts)
 * whose time is at least `graceMs` old: each goes into PostgreSQL unless it
 * is there, then leaves the spool. The grace lets cdr_pgsql/cel_pgsql write
 * first (they do within milliseconds, or give up within PGCONNECT_TIMEOUT):
 * a row they write after the shipper's would be there twice.
 */
export async function shipSpooledRecords(
  path: string,
  client: pg.ClientBase,
  records: SpooledRecords,
  graceMs: number,
  batch = 500,
  now = Date.now(),
): Promise<ShipResult> {
  const db = new DatabaseSync(path);
  try {
    db.exec('PRAGMA busy_timeout = 2000');
    // Asterisk's module makes the table when it loads: none yet, nothing to ship.
    const exists = db
      .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`)
      .get(records.table);
    if (!exists) return { taken: 0, inserted: 0 };
    const columns = records.columns.map((c) => c.sqlite);
    const rows = db
      .prepare(
        `SELECT AcctId, ${columns.join(', ')} FROM ${records.table}
          WHERE CAST(${records.time} AS REAL) <= ? ORDER BY AcctId LIMIT ?`,
      )
      .all((now - graceMs) / 1000, batch) as unknown as Record<string, string | number | null>[];
    if (rows.length === 0) return { taken: 0, inserted: 0 };
    const inserted = await insertInOneTransaction(
      client,
      insertSpooledSql(records),
      rows.map((row) => columns.map((c) => (row[c] === null ? '' : String(row[c])))),
    );
    const remove = db.prepare(`DELETE FROM ${records.table} WHERE AcctId = ?`);
    db.exec('BEGIN');
    try {
      for (const row of rows) remove.run(row.AcctId as number);
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
    return { taken: rows.length, inserted };
  } finally {
    db.close();
  }
}

const shipped = new Counter({
  name: 'switchboard_history_spool_rows_shipped_total',
  help: 'Rows moved from the local spool into PostgreSQL because PostgreSQL did not have them (queue_log, cdr, cel)',
  labelNames: ['table'],
});

export interface SpoolShipperOptions {
  readonly path: string;
  readonly pool: pg.Pool;
  readonly logger: Logger;
  /** How often the spool is looked at (default 1000 ms). */
  readonly intervalMs?: number;
  /** How old a copied CDR/CEL row must be before it is checked (default 60 s). */
  readonly recordsGraceMs?: number;
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

  /** Rows this shipper put into PostgreSQL so far (rows it already had not counted). */
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

  #count(table: string, inserted: number): void {
    shipped.inc({ table }, inserted);
    this.#shipped += inserted;
  }

  async #tick(): Promise<void> {
    try {
      const client = await this.#o.pool.connect();
      try {
        for (;;) {
          const r = await shipSpool(this.#o.path, client);
          if (r.taken === 0) break;
          this.#count('queue_log', r.inserted);
          this.#o.logger.info(r, 'queue log rows shipped from the spool');
        }
        for (const records of SPOOLED_RECORDS)
          for (;;) {
            const r = await shipSpooledRecords(
              this.#o.path,
              client,
              records,
              this.#o.recordsGraceMs ?? 60_000,
            );
            if (r.taken === 0) break;
            this.#count(records.table, r.inserted);
            // Normally PostgreSQL had every row: say only what it lacked.
            if (r.inserted > 0)
              this.#o.logger.info(
                { table: records.table, ...r },
                'call records PostgreSQL lacked shipped from the spool',
              );
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
