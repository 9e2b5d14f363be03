// The history database's versioned schema. Migrations are SQL kept in the
// code (migrations/): the operator image is one esbuild bundle with no source
// files beside it, so a runner that reads migration files from a directory at
// run time would need them shipped separately. This one is small:
// - a session advisory lock serialises runners (a second replica, a test, a
//   leader change mid-run): the second waits, then finds nothing to do;
// - each version runs in its own transaction together with its row in
//   switchboard_schema_migrations: applied completely or not at all;
// - a released migration must never change: its SHA-256 is recorded and a
//   different text for an applied version is an error, not a silent skip;
// - a database newer than the code (an operator rolled back) is left alone.
import { createHash } from 'node:crypto';
import type pg from 'pg';

export interface Migration {
  /** 1, 2, 3, ... in order, without gaps. */
  readonly version: number;
  readonly name: string;
  /** One or more SQL statements (run with the simple query protocol). */
  readonly sql: string;
}

export interface MigrationOutcome {
  /** Versions applied by this run, in order. */
  readonly applied: readonly number[];
  /** The database's version afterwards. */
  readonly version: number;
  /** Set when the database is at a version this code does not know (left as it is). */
  readonly newerThanCode?: number;
}

export const MIGRATIONS_TABLE = 'switchboard_schema_migrations';

/** pg_advisory_lock key of the history schema ("sbhist" in ASCII, below 2^53). */
export const MIGRATION_LOCK = 0x73_62_68_69_73_74;

export function checksum(m: Migration): string {
  return createHash('sha256').update(m.sql).digest('hex');
}

/** Refuses a list whose versions are not 1, 2, 3, ... */
export function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(
        `migration "${m.name}" has version ${m.version}, expected ${i + 1} (versions are 1, 2, 3, ... without gaps)`,
      );
  });
}

/** Brings the database to the newest version; safe to run again and concurrently. */
export async function migrate(
  client: pg.ClientBase,
  migrations: readonly Migration[],
): Promise<MigrationOutcome> {
  checkOrder(migrations);
  await client.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK})`);
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
  version integer PRIMARY KEY,
  name text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`);
    const { rows } = await client.query<{ version: number; checksum: string }>(
      `SELECT version, checksum FROM ${MIGRATIONS_TABLE} ORDER BY version`,
    );
    const current = rows.at(-1)?.version ?? 0;
    for (const row of rows) {
      const known = migrations[row.version - 1];
      if (known && checksum(known) !== row.checksum)
        throw new Error(
          `history schema version ${row.version} ("${known.name}") was applied with a different text: released migrations must not change`,
        );
    }
    if (current > migrations.length)
      return { applied: [], version: current, newerThanCode: current };
    const applied: number[] = [];
    for (const m of migrations.slice(current)) {
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query(
          `INSERT INTO ${MIGRATIONS_TABLE} (version, name, checksum) VALUES ($1, $2, $3)`,
          [m.version, m.name, checksum(m)],
        );
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw new Error(
          `history schema version ${m.version} ("${m.name}") failed: ${(err as Error).message}`,
          {
            cause: err,
          },
        );
      }
      applied.push(m.version);
    }
    return { applied, version: Math.max(current, migrations.length) };
  } finally {
    // A broken connection has released the lock with its session already.
    await client.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`).catch(() => {});
  }
}
