// The call-history database of `make run`: a local PostgreSQL
// (postgres-process.ts) in <dir>, a database and owner "switchboard" with a
// generated password, migrated to the newest schema, and a pgpass file
// (0600) so psql finds the password without it being printed anywhere.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { migrate } from '../../operator/src/history/migrate.ts';
import { MIGRATIONS } from '../../operator/src/history/migrations/index.ts';
import {
  createPostgres,
  type DatabaseAccess,
  type PostgresProcess,
  postgresBinDir,
} from './postgres-process.ts';

export interface HistoryDatabase {
  /** The folder it lives in (data, pgpass). */
  readonly dir: string;
  readonly postgres: PostgresProcess;
  readonly db: DatabaseAccess;
  /** A psql command line that opens the database (password from the pgpass file). */
  readonly psql: string;
}

export async function startHistoryDatabase(dir: string): Promise<HistoryDatabase> {
  const postgres = await createPostgres({ dir });
  await postgres.start();
  const db = await postgres.createDatabase('switchboard');
  const client = new pg.Client(db);
  await client.connect();
  try {
    await migrate(client, MIGRATIONS);
  } finally {
    await client.end();
  }
  const pgpass = join(dir, 'pgpass');
  writeFileSync(pgpass, `${db.host}:${db.port}:${db.database}:${db.user}:${db.password}\n`, {
    mode: 0o600,
  });
  const psql = `PGPASSFILE=${pgpass} ${join(postgresBinDir(), 'psql')} -h ${db.host} -p ${db.port} -U ${db.user} ${db.database}`;
  return { dir, postgres, db, psql };
}

/**
 * The operator's environment for the history database (operator/src/history/settings.ts):
 * the password in a file only we can read (HISTORY_DB_PASSWORD_FILE, as the
 * chart mounts the Secret), never in the environment. Loopback: no TLS.
 */
export function operatorHistoryEnv(
  db: DatabaseAccess,
  passwordFile: string,
): Record<string, string> {
  writeFileSync(passwordFile, `${db.password}\n`, { mode: 0o600 });
  return {
    HISTORY_DB_HOST: db.host,
    HISTORY_DB_PORT: String(db.port),
    HISTORY_DB_NAME: db.database,
    HISTORY_DB_USER: db.user,
    HISTORY_DB_PASSWORD_FILE: passwordFile,
    HISTORY_DB_SSLMODE: 'disable',
  };
}
