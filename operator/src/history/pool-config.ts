// How node-postgres reaches the history database from HistorySettings: the
// operator's pool (database.ts) and the spool shipper's (spool-main.ts).
// Apart from the database module so the shipper loads none of the operator's
// metrics. Pure apart from reading the CA file.
import { readFileSync } from 'node:fs';
import type pg from 'pg';
import type { HistorySettings } from './settings.ts';

/** node-postgres options for libpq's sslmode (it has no fallback: allow/prefer connect without TLS). */
export function poolConfig(
  s: HistorySettings,
  readFile = (p: string) => readFileSync(p, 'utf8'),
): pg.PoolConfig {
  const tls: pg.PoolConfig['ssl'] =
    s.sslMode === 'require'
      ? { rejectUnauthorized: false }
      : s.sslMode === 'verify-ca'
        ? {
            rejectUnauthorized: true,
            ca: readFile(s.sslRootCertFile ?? ''),
            checkServerIdentity: () => undefined,
          }
        : s.sslMode === 'verify-full'
          ? { rejectUnauthorized: true, ca: readFile(s.sslRootCertFile ?? '') }
          : false;
  return {
    host: s.host,
    port: s.port,
    database: s.database,
    user: s.user,
    password: s.password,
    ssl: tls,
    max: 5,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: 'switchboard-operator',
  };
}

/** What went wrong, in words that never carry the password (pg's messages don't; the config is not echoed). */
export function describeDatabaseError(
  err: unknown,
  s: Pick<HistorySettings, 'host' | 'port'>,
): string {
  const e = err as { code?: string; message?: string };
  if (e.code === 'ECONNREFUSED') return `connection refused by ${s.host}:${s.port}`;
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return `host ${s.host} not found`;
  if (e.code === 'ETIMEDOUT' || /timeout/i.test(e.message ?? ''))
    return `no answer from ${s.host}:${s.port}`;
  return e.message ?? String(err);
}
