// Call history for a local Asterisk (asterisk-process.ts): the history folder
// written into its etc/ as the Pod's ConfigMap would be mounted (files
// root:<Asterisk's group> 0440 when we are root), and the environment that
// carries the database password, as the Pod's env from a Secret would.
import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  HISTORY_DIR,
  PASSWORD_ENV,
  renderHistoryConfig,
} from '../../operator/src/history/asterisk-config.ts';
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

/** Writes <etc>/history (call before Asterisk starts; a later change needs a module reload). */
export function writeHistoryConfig(asterisk: AsteriskProcess, db: DatabaseAccess): void {
  const dir = join(asterisk.etcDir, HISTORY_DIR);
  mkdirSync(dir, { recursive: true });
  const files = renderHistoryConfig({
    host: db.host,
    port: db.port,
    database: db.database,
    user: db.user,
  });
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    writeFileSync(path, text, { mode: 0o440 });
    if (asterisk.runAs) chownSync(path, 0, asterisk.runAs.gid);
  }
}
