import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CDR_RECORDS,
  CEL_RECORDS,
  insertSpooledSql,
  renderSpooledRecordsConfig,
  SPOOLED_RECORDS,
} from './spool-records.ts';

describe('spooled call records', () => {
  it('renders an advanced mapping with as many columns as fields, none an SQL keyword Asterisk would paste unquoted', () => {
    for (const r of SPOOLED_RECORDS) {
      const text = renderSpooledRecordsConfig(r, '/var/spool/asterisk/history-spool.db');
      const value = (k: string) =>
        text
          .split('\n')
          .find((l) => l.startsWith(`${k} = `))
          ?.slice(k.length + 3)
          .split(', ') ?? [];
      assert.match(text, /^\[\/var\/spool\/asterisk\/history-spool\.db\]\n/);
      assert.equal(value('columns').length, value('fields').length, r.table);
      for (const c of value('columns'))
        assert.ok(!['end', 'order', 'group', 'table', 'index'].includes(c), `${r.table}.${c}`);
    }
  });

  it('covers every column cdr_pgsql and cel_pgsql write (migrations 0001 and 0003)', () => {
    assert.deepEqual(
      CDR_RECORDS.columns.map((c) => c.pg),
      [
        'start',
        'answer',
        'end',
        'clid',
        'src',
        'dst',
        'dcontext',
        'channel',
        'dstchannel',
        'lastapp',
        'lastdata',
        'duration',
        'billsec',
        'disposition',
        'amaflags',
        'accountcode',
        'peeraccount',
        'uniqueid',
        'linkedid',
        'userfield',
        'sequence',
        'tenantid',
        'peertenantid',
        'recording',
        'recording_retention_days',
      ],
    );
    assert.equal(CEL_RECORDS.columns.length, 21);
  });

  it('inserts a row only when no row with its key is there, parameters in column order', () => {
    const sql = insertSpooledSql(CDR_RECORDS);
    assert.match(sql, /^INSERT INTO cdr \("start", "answer", "end", /);
    assert.match(sql, /NULLIF\(\$18, ''\) AS "uniqueid"/);
    assert.match(
      sql,
      /WHERE NOT EXISTS \(SELECT 1 FROM cdr t WHERE t\."uniqueid" = s\."uniqueid" AND t\."sequence"/,
    );
    assert.ok(sql.includes(`$${CDR_RECORDS.columns.length}`));
    assert.ok(!sql.includes(`$${CDR_RECORDS.columns.length + 1}`));
    assert.match(
      insertSpooledSql(CEL_RECORDS),
      /to_timestamp\(\$2::float8\) AT TIME ZONE 'UTC' AS "eventtime"/,
    );
  });

  it('refuses a key that is not a column', () => {
    assert.throws(
      () => insertSpooledSql({ ...CEL_RECORDS, key: ['nope'] }),
      /key column nope is not a column of cel/,
    );
  });
});
