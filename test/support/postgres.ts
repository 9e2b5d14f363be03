// A real PostgreSQL per test file (scripts/lib/postgres-process.ts) in a temp
// folder, and history databases in it: a role and database of their own,
// migrated to the newest schema.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrate } from '../../operator/src/history/migrate.ts';
import { MIGRATIONS } from '../../operator/src/history/migrations/index.ts';
import {
  createPostgres,
  type DatabaseAccess,
  type PostgresProcess,
} from '../../scripts/lib/postgres-process.ts';

export interface TestPostgres {
  readonly server: PostgresProcess;
  readonly dir: string;
  /** initdb + start until it accepts connections (ms). */
  readonly startMs: number;
  /** A new, empty database (and its owner role). */
  database(name: string): Promise<DatabaseAccess>;
  /** A new database at the newest history schema. */
  historyDatabase(name: string): Promise<DatabaseAccess>;
  close(): Promise<void>;
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-postgres-'));
  const server = await createPostgres({ dir });
  const started = performance.now();
  await server.start();
  const startMs = performance.now() - started;
  return {
    server,
    dir,
    startMs,
    database: (name) => server.createDatabase(name),
    async historyDatabase(name) {
      const access = await server.createDatabase(name);
      await withClient(access, (c) => migrate(c, MIGRATIONS));
      return access;
    },
    async close() {
      await server.stop();
      if (!process.env.SWITCHBOARD_KEEP_TEST_DIR) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `f` with a connected client, closed afterwards. */
export async function withClient<T>(
  access: DatabaseAccess,
  f: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client(access);
  await client.connect();
  try {
    return await f(client);
  } finally {
    await client.end();
  }
}
