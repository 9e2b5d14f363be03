// Where the operator finds the history database: the environment the chart
// sets (values `history.database.*`), the same database Asterisk's cdr_pgsql,
// cel_pgsql and realtime queue_log write into. The password comes from a
// Secret, as a file (HISTORY_DB_PASSWORD_FILE, preferred: not in the process
// environment of every child) or the variable HISTORY_DB_PASSWORD; it is never
// part of an error message. Pure apart from reading the password file.
import { readFileSync } from 'node:fs';
import type { HistoryConnection } from './asterisk-config.ts';

/** libpq's sslmode values (https://www.postgresql.org/docs/15/libpq-ssl.html). */
export const SSL_MODES = [
  'disable',
  'allow',
  'prefer',
  'require',
  'verify-ca',
  'verify-full',
] as const;
export type SslMode = (typeof SSL_MODES)[number];

export interface HistorySettings extends HistoryConnection {
  readonly password: string;
  readonly sslMode: SslMode;
  /** PEM file of the CA the server's certificate must chain to (verify-ca, verify-full). */
  readonly sslRootCertFile: string | undefined;
}

/** undefined when HISTORY_DB_HOST is unset: call history is off, the rest of the operator runs. */
export function loadHistorySettings(
  env: NodeJS.ProcessEnv = process.env,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): HistorySettings | undefined {
  const host = env.HISTORY_DB_HOST?.trim();
  if (!host) return undefined;
  const portText = env.HISTORY_DB_PORT?.trim() || '5432';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`HISTORY_DB_PORT must be a port (1-65535), got "${portText}"`);
  const sslMode = (env.HISTORY_DB_SSLMODE?.trim() || 'prefer') as SslMode;
  if (!SSL_MODES.includes(sslMode))
    throw new Error(`HISTORY_DB_SSLMODE must be one of ${SSL_MODES.join(', ')}, got "${sslMode}"`);
  const sslRootCertFile = env.HISTORY_DB_SSLROOTCERT?.trim() || undefined;
  if ((sslMode === 'verify-ca' || sslMode === 'verify-full') && !sslRootCertFile)
    throw new Error(
      `HISTORY_DB_SSLMODE ${sslMode} needs HISTORY_DB_SSLROOTCERT (the CA certificate file)`,
    );
  let password = env.HISTORY_DB_PASSWORD ?? '';
  const passwordFile = env.HISTORY_DB_PASSWORD_FILE?.trim();
  if (passwordFile) {
    try {
      password = readFile(passwordFile).replace(/\r?\n$/, '');
    } catch (err) {
      throw new Error(
        `HISTORY_DB_PASSWORD_FILE ${passwordFile} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  return {
    host,
    port,
    database: env.HISTORY_DB_NAME?.trim() || 'switchboard',
    user: env.HISTORY_DB_USER?.trim() || 'switchboard',
    password,
    sslMode,
    sslRootCertFile,
  };
}
