// What turns call history on in Asterisk: the files of its history folder
// (/etc/asterisk/history, a ConfigMap in a Pod; <etc>/history in a local run).
// The base configuration (asterisk/etc) #tryincludes them, so without the
// folder no PostgreSQL module loads and CDR/CEL stay off:
//   modules.conf    loads cdr_pgsql, cel_pgsql, res_config_pgsql and the SQLite spool's modules
//   cdr.conf        enable = yes (the rest of the CDR policy is in the base file)
//   cel.conf        enable = yes (the events and apps are in the base file)
//   connection.conf host, port, database and user, #included by the base
//                   cdr_pgsql.conf, cel_pgsql.conf and res_pgsql.conf (the
//                   three read the same keys)
//   extconfig.conf  queue_log => pgsql,<database>,queue_log,1: app_queue's log
//                   goes through realtime into the queue_log table (migration
//                   0002, Asterisk's adaptive data1..data5 columns); then
//                   queue_log => sqlite3,spool,queue_log,2: realtime fails over
//                   (main/config.c, ast_store_realtime_fields tries each
//                   engine in turn until one stores), so a row PostgreSQL
//                   refused lands in a local SQLite file (spool.ts ships it)
//   spool.conf      that file (res_config_sqlite3's [spool]), written at once
//   logger.conf     queue_log on, its times in UTC (the table's "time" is a
//                   timestamp without zone, like cdr and cel)
//   cdr_sqlite3_custom.conf, cel_sqlite3_custom.conf
//                   every CDR and channel event copied into the spool file
//                   too (spool-records.ts): cdr_pgsql and cel_pgsql drop a
//                   record PostgreSQL does not take; the shipper fills the gap
// The password is never in these files: libpq reads it from the environment
// variable PGPASSWORD, which the Asterisk container takes from a Secret (so it
// is not in a ConfigMap, not readable through AMI GetConfig, and not printed
// by cdr_pgsql's debug log, which echoes a configured password). TLS to the
// database is set the same way (PGSSLMODE, PGSSLROOTCERT): cdr_pgsql and
// cel_pgsql have no TLS settings of their own. Pure.

import { CDR_RECORDS, CEL_RECORDS, renderSpooledRecordsConfig } from './spool-records.ts';

export const HISTORY_DIR = 'history';

/** Where Asterisk's libpq finds the database password. */
export const PASSWORD_ENV = 'PGPASSWORD';

export interface HistoryConnection {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
}

/**
 * Where the spool is in the image (Asterisk's spool folder: a volume). One
 * SQLite file for the queue log's failover rows and the CDR/CEL copies; it
 * ends in ".db" because res_cdrel_custom appends that to any other name.
 */
export const SPOOL_FILE = '/var/spool/asterisk/history-spool.db';

/** What history/modules.conf loads (res_cdrel_custom: the SQLite copies' common part). */
export const HISTORY_MODULES = [
  'cdr_pgsql',
  'cel_pgsql',
  'res_config_pgsql',
  'res_config_sqlite3',
  'res_cdrel_custom',
  'cdr_sqlite3_custom',
  'cel_sqlite3_custom',
] as const;

// cdr_pgsql and cel_pgsql paste these into a libpq conninfo string unquoted:
// a space would start another keyword, a ";" an Asterisk comment.
const plain = /^[A-Za-z0-9._-]+$/;

export function renderHistoryConfig(
  c: HistoryConnection,
  spoolFile: string = SPOOL_FILE,
): Record<string, string> {
  if (!spoolFile.startsWith('/') || /[\s;]/.test(spoolFile) || !spoolFile.endsWith('.db'))
    throw new Error(
      `history spool file "${spoolFile}" must be an absolute path ending in ".db", without spaces or ";"`,
    );
  for (const [key, value] of Object.entries({
    host: c.host,
    database: c.database,
    user: c.user,
  })) {
    if (!plain.test(value))
      throw new Error(
        `history database ${key} "${value}" must be letters, digits, ".", "_" or "-" (Asterisk pastes it into a libpq connection string unquoted)`,
      );
  }
  if (!Number.isInteger(c.port) || c.port < 1 || c.port > 65535)
    throw new Error(`history database port ${c.port} is not a port (1-65535)`);
  const header = '; Call history (operator/src/history/asterisk-config.ts).\n';
  return {
    'modules.conf': `${header}${HISTORY_MODULES.map((m) => `load => ${m}.so\n`).join('')}`,
    'cdr.conf': `${header}enable = yes\n`,
    'cel.conf': `${header}enable = yes\n`,
    // The second field is the database res_config_pgsql connects to for this family.
    // The 4th field is the priority: without it both are 1 and only one is ever used.
    'extconfig.conf': `${header}queue_log => pgsql,${c.database},queue_log,1\nqueue_log => sqlite3,spool,queue_log,2\n`,
    // batch = 0: each row committed when written (the default holds 100 ms in a transaction).
    'spool.conf': `${header}[spool]\ndbfile = ${spoolFile}\nbatch = 0\nrequirements = warn\n`,
    // Read before the base file's "queue_log = no" (the logger takes the first value).
    'logger.conf': `${header}queue_log = yes\nqueue_log_realtime_use_gmt = yes\n`,
    'cdr_sqlite3_custom.conf': header + renderSpooledRecordsConfig(CDR_RECORDS, spoolFile),
    'cel_sqlite3_custom.conf': header + renderSpooledRecordsConfig(CEL_RECORDS, spoolFile),
    'connection.conf': `${header}hostname = ${c.host}
port = ${c.port}
dbname = ${c.database}
user = ${c.user}
; Empty on purpose: libpq reads the password from ${PASSWORD_ENV}, which Asterisk
; gets from a Secret. It is never written into a file.
password =
`,
  };
}
