// The call records' local copy: besides cdr_pgsql and cel_pgsql, Asterisk
// writes every CDR and channel event into the spool's SQLite file too
// (cdr_sqlite3_custom and cel_sqlite3_custom, Asterisk's own modules). The
// PostgreSQL modules give a record up when the database does not answer
// (cdr_pgsql: "HARD ERROR! ... DROPPING CALL RECORD"); the copy does not
// depend on the network. The shipper (spool.ts) later checks each copied row:
// PostgreSQL has it (the normal case) or gets it; then it leaves the spool.
//
// One table describes both sides, so the SQLite columns Asterisk writes and
// the SQL that turns them into PostgreSQL's row cannot drift apart. Values are
// written so that the shipped row equals the one cdr_pgsql/cel_pgsql would
// have written (test/integration/history-cdr.test.ts compares them column by
// column): times as epoch seconds with microseconds ("(double)": the
// sample file's "(float)" is no type res_cdrel_custom knows), converted to
// UTC timestamps as the PostgreSQL modules write them (CDR to the second, CEL
// to the microsecond). Pure.

/** How a SQLite text value becomes the PostgreSQL column's value ($n is the value). */
type Conversion = 'text' | 'text-or-null' | 'integer' | 'epoch-seconds' | 'epoch-microseconds';

export interface SpooledColumn {
  /** The PostgreSQL column (cdr/cel, migrations 0001 and 0003). */
  readonly pg: string;
  /** The SQLite column; Asterisk pastes the names into its CREATE TABLE unquoted. */
  readonly sqlite: string;
  /** The field in Asterisk's "fields" list (res_cdrel_custom's names and qualifiers). */
  readonly field: string;
  readonly as: Conversion;
}

export interface SpooledRecords {
  /** The table, the same name in SQLite and PostgreSQL. */
  readonly table: 'cdr' | 'cel';
  /** Asterisk's module that writes the SQLite copy, and its configuration file. */
  readonly module: string;
  readonly columns: readonly SpooledColumn[];
  /** The PostgreSQL columns that find the same record; the first one indexed and never empty. */
  readonly key: readonly string[];
  /** The SQLite column holding the record's time (epoch seconds): shipped only once old enough. */
  readonly time: string;
}

const col = (pg: string, as: Conversion = 'text', field = pg, sqlite = pg): SpooledColumn => ({
  pg,
  sqlite,
  field,
  as,
});

export const CDR_RECORDS: SpooledRecords = {
  table: 'cdr',
  module: 'cdr_sqlite3_custom',
  columns: [
    col('start', 'epoch-seconds', 'start(double)', 'start_at'),
    col('answer', 'epoch-seconds', 'answer(double)', 'answer_at'),
    // "end" is an SQL keyword: Asterisk's CREATE TABLE would fail on it.
    col('end', 'epoch-seconds', 'end(double)', 'end_at'),
    col('clid', 'text-or-null'),
    col('src', 'text-or-null'),
    col('dst', 'text-or-null'),
    col('dcontext', 'text-or-null'),
    col('channel', 'text-or-null'),
    col('dstchannel', 'text-or-null'),
    col('lastapp', 'text-or-null'),
    col('lastdata', 'text-or-null'),
    col('duration', 'integer'),
    col('billsec', 'integer'),
    col('disposition', 'text-or-null'),
    col('amaflags', 'text-or-null'),
    col('accountcode', 'text-or-null'),
    col('peeraccount', 'text-or-null'),
    col('uniqueid', 'text-or-null'),
    col('linkedid', 'text-or-null'),
    col('userfield', 'text-or-null'),
    col('sequence', 'integer'),
    col('tenantid', 'text-or-null'),
    col('peertenantid', 'text-or-null'),
    // CDR variables the dialplan sets (render/recording.ts), columns since migration 0003.
    col('recording', 'text-or-null', 'recording(uservar)'),
    col('recording_retention_days', 'integer', 'recording_retention_days(uservar)'),
  ],
  // A CDR is one leg's record: the channel's uniqueid and the CDR's sequence
  // number; the channel and start tell two Asterisk boots (or servers) apart.
  key: ['uniqueid', 'sequence', 'channel', 'start'],
  time: 'end_at',
};

export const CEL_RECORDS: SpooledRecords = {
  table: 'cel',
  module: 'cel_sqlite3_custom',
  columns: [
    col('eventtype'),
    col('eventtime', 'epoch-microseconds', 'eventtime(double)', 'eventtime_at'),
    col('userdeftype'),
    col('cid_name', 'text', 'name'),
    col('cid_num', 'text', 'num'),
    col('cid_ani', 'text', 'ani'),
    col('cid_rdnis', 'text', 'rdnis'),
    col('cid_dnid', 'text', 'dnid'),
    col('exten'),
    col('context'),
    col('channame'),
    col('appname'),
    col('appdata'),
    col('accountcode'),
    col('peeraccount'),
    col('uniqueid'),
    col('linkedid'),
    col('amaflags', 'integer'),
    col('userfield'),
    col('peer'),
    col('extra', 'text', 'eventextra'),
  ],
  // One channel's event of one type at one microsecond (cel.linkedid is indexed).
  key: ['linkedid', 'uniqueid', 'eventtype', 'eventtime'],
  time: 'eventtime_at',
};

export const SPOOLED_RECORDS = [CDR_RECORDS, CEL_RECORDS] as const;

/**
 * The module's configuration file: one category per SQLite file (its
 * absolute path), the table and the advanced "fields" mapping.
 */
export function renderSpooledRecordsConfig(r: SpooledRecords, spoolFile: string): string {
  return [
    `[${spoolFile}]`,
    `table = ${r.table}`,
    `columns = ${r.columns.map((c) => c.sqlite).join(', ')}`,
    `fields = ${r.columns.map((c) => c.field).join(', ')}`,
    // The shipper holds the file's lock for a moment per batch.
    'busy_timeout = 2000',
    '',
  ].join('\n');
}

const QUOTED = (name: string) => `"${name}"`;

function convert(c: SpooledColumn, n: number): string {
  const v = `$${n}`;
  switch (c.as) {
    case 'text':
      return `${v}::text`;
    // cdr_pgsql leaves out every empty value (ast_cdr_format_var gives none): NULL.
    case 'text-or-null':
      return `NULLIF(${v}, '')`;
    case 'integer':
      return `NULLIF(${v}, '')::integer`;
    // cdr_pgsql writes '%Y-%m-%d %T' of the time in UTC: whole seconds; a
    // time not reached (a leg never answered) is 0 here and NULL there.
    case 'epoch-seconds':
      return `to_timestamp(NULLIF(floor(NULLIF(${v}, '')::numeric), 0)::float8) AT TIME ZONE 'UTC'`;
    // cel_pgsql writes '%Y-%m-%d %T.%6q' in UTC: microseconds.
    case 'epoch-microseconds':
      return `to_timestamp(${v}::float8) AT TIME ZONE 'UTC'`;
  }
}

/**
 * The PostgreSQL row a spooled row stands for: a SELECT of the converted
 * values named as the table's columns; its parameters are the SQLite columns
 * in order.
 */
export function selectSpooledSql(r: SpooledRecords): string {
  return `SELECT ${r.columns.map((c, i) => `${convert(c, i + 1)} AS ${QUOTED(c.pg)}`).join(', ')}`;
}

/**
 * The statement that puts one spooled row into PostgreSQL unless a row with
 * the same key is there; its parameters are the SQLite columns in order.
 */
export function insertSpooledSql(r: SpooledRecords): string {
  const same = r.key.map((k, i) => {
    if (!r.columns.some((c) => c.pg === k))
      throw new Error(`key column ${k} is not a column of ${r.table}`);
    // The first is never empty and indexed: "=" (IS NOT DISTINCT FROM uses no index).
    return `t.${QUOTED(k)} ${i === 0 ? '=' : 'IS NOT DISTINCT FROM'} s.${QUOTED(k)}`;
  });
  const names = r.columns.map((c) => QUOTED(c.pg)).join(', ');
  return `INSERT INTO ${r.table} (${names})
  SELECT ${names} FROM (${selectSpooledSql(r)}) s
  WHERE NOT EXISTS (SELECT 1 FROM ${r.table} t WHERE ${same.join(' AND ')})`;
}
