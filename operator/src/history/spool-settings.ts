// The settings of the queue log spool's shipper (`main.mjs spool-shipper`,
// the native sidecar beside Asterisk in the chart): where the spool file is,
// the database as the operator gets it (HISTORY_DB_*, settings.ts) and the
// port of its /healthz and /metrics. The password comes only from a mounted
// file (HISTORY_DB_PASSWORD_FILE): a password variable is refused, so it can
// be in no container's environment. Pure apart from reading that file.
import { readFileSync } from 'node:fs';
import { SPOOL_FILE } from './asterisk-config.ts';
import { type HistorySettings, loadHistorySettings } from './settings.ts';

export interface SpoolShipperSettings {
  /** The SQLite file Asterisk's realtime fails over into (spool.conf's dbfile). */
  readonly spoolFile: string;
  readonly database: HistorySettings;
  /** The file the password was read from (read again at each connect: a rotated Secret is taken). */
  readonly passwordFile: string;
  readonly healthHost: string;
  readonly healthPort: number;
  /** How often the spool is looked at (ms). */
  readonly intervalMs: number;
}

export const DEFAULT_HEALTH_PORT = 8090;

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number) {
  const text = env[name]?.trim() || String(fallback);
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${text}"`);
  return n;
}

export function loadSpoolShipperSettings(
  env: NodeJS.ProcessEnv = process.env,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): SpoolShipperSettings {
  if (env.HISTORY_DB_PASSWORD !== undefined)
    throw new Error(
      'HISTORY_DB_PASSWORD is not read by the spool shipper: mount the password as a file and set HISTORY_DB_PASSWORD_FILE',
    );
  const passwordFile = env.HISTORY_DB_PASSWORD_FILE?.trim();
  if (!passwordFile)
    throw new Error('HISTORY_DB_PASSWORD_FILE must name the mounted password file');
  const database = loadHistorySettings(env, readFile);
  if (!database) throw new Error('HISTORY_DB_HOST must name the history database');
  const spoolFile = env.SPOOL_FILE?.trim() || SPOOL_FILE;
  if (!spoolFile.startsWith('/'))
    throw new Error(`SPOOL_FILE must be an absolute path, got "${spoolFile}"`);
  return {
    spoolFile,
    database,
    passwordFile,
    healthHost: env.SPOOL_HEALTH_HOST?.trim() || '0.0.0.0',
    healthPort: integer(env, 'SPOOL_HEALTH_PORT', DEFAULT_HEALTH_PORT, 1, 65535),
    intervalMs: integer(env, 'SPOOL_INTERVAL_MS', 1000, 10, 600_000),
  };
}
