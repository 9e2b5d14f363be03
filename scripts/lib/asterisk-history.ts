// Call history for a local Asterisk (asterisk-process.ts): the history folder
// written into its etc/ as the Pod's ConfigMap would be mounted (files
// root:<Asterisk's group> 0440 when we are root), and the environment that
// carries the database password, as the Pod's env from a Secret would.
import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import {
  HISTORY_DIR,
  PASSWORD_ENV,
  renderHistoryConfig,
} from '../../operator/src/history/asterisk-config.ts';
import { createSpool, SpoolShipper } from '../../operator/src/history/spool.ts';
import type { AsteriskProcess } from './asterisk-process.ts';
import type { DatabaseAccess } from './postgres-process.ts';

/** Asterisk's extra environment for call history (pass to createAsterisk). */
export function historyEnv(db: DatabaseAccess): Record<string, string> {
  return {
    [PASSWORD_ENV]: db.password,
    // libpq's connect timeout (none by default): a database host that does
    // not answer must not hold Asterisk's CDR and CEL threads for minutes.
    PGCONNECT_TIMEOUT: '5',
  };
}

/** The queue log spool of a local Asterisk: in its spool folder, as on the Pod's volume. */
export const spoolFile = (asterisk: AsteriskProcess) =>
  join(asterisk.etcDir, '..', 'spool', 'history-spool.db');

/**
 * Writes <etc>/history and makes the queue log spool, Asterisk's to write
 * (call before Asterisk starts; a later change needs a module reload).
 */
export function writeHistoryConfig(asterisk: AsteriskProcess, db: DatabaseAccess): void {
  const dir = join(asterisk.etcDir, HISTORY_DIR);
  mkdirSync(dir, { recursive: true });
  const spool = spoolFile(asterisk);
  createSpool(spool);
  if (asterisk.runAs) chownSync(spool, asterisk.runAs.uid, asterisk.runAs.gid);
  const files = renderHistoryConfig(
    { host: db.host, port: db.port, database: db.database, user: db.user },
    spool,
  );
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    writeFileSync(path, text, { mode: 0o440 });
    if (asterisk.runAs) chownSync(path, 0, asterisk.runAs.gid);
  }
}

/**
 * The spool's shipper for a local Asterisk, as the sidecar beside it in a Pod
 * (operator/src/history/spool.ts): queue log rows PostgreSQL refused move into
 * it once it answers. Logs into `logFile`.
 */
export function startSpoolShipper(
  asterisk: AsteriskProcess,
  db: DatabaseAccess,
  logFile: string,
): { stop(): Promise<void> } {
  const pool = new pg.Pool({ ...db, max: 1 });
  pool.on('error', () => undefined); // PostgreSQL gone under an idle client: the next tick says so
  const shipper = new SpoolShipper({
    path: spoolFile(asterisk),
    pool,
    logger: pino(pino.destination({ dest: logFile, sync: false })),
  });
  shipper.start();
  return {
    async stop() {
      await shipper.stop();
      await pool.end();
    },
  };
}
