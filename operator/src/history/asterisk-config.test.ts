import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PASSWORD_ENV, renderHistoryConfig, SPOOL_FILE } from './asterisk-config.ts';

const connection = {
  host: 'history-db.support-center.svc',
  port: 5432,
  database: 'switchboard',
  user: 'asterisk',
};

describe('renderHistoryConfig', () => {
  it('loads the PostgreSQL back ends, turns CDR, CEL and the queue log on and says where the database is', () => {
    const files = renderHistoryConfig(connection);
    assert.deepEqual(Object.keys(files).sort(), [
      'cdr.conf',
      'cdr_sqlite3_custom.conf',
      'cel.conf',
      'cel_sqlite3_custom.conf',
      'connection.conf',
      'extconfig.conf',
      'logger.conf',
      'modules.conf',
      'spool.conf',
    ]);
    const lines = (name: string) =>
      (files[name] ?? '').split('\n').filter((l) => l !== '' && !l.startsWith(';'));
    assert.deepEqual(lines('modules.conf'), [
      'load => cdr_pgsql.so',
      'load => cel_pgsql.so',
      'load => res_config_pgsql.so',
      'load => res_config_sqlite3.so',
      'load => res_cdrel_custom.so',
      'load => cdr_sqlite3_custom.so',
      'load => cel_sqlite3_custom.so',
    ]);
    // every CDR and channel event copied into the spool file as well
    assert.deepEqual(lines('cdr_sqlite3_custom.conf').slice(0, 2), [
      `[${SPOOL_FILE}]`,
      'table = cdr',
    ]);
    assert.deepEqual(lines('cel_sqlite3_custom.conf').slice(0, 2), [
      `[${SPOOL_FILE}]`,
      'table = cel',
    ]);
    // PostgreSQL first; a row it refused goes to the local spool (realtime failover)
    assert.deepEqual(lines('extconfig.conf'), [
      'queue_log => pgsql,switchboard,queue_log,1',
      'queue_log => sqlite3,spool,queue_log,2',
    ]);
    assert.deepEqual(lines('spool.conf'), [
      '[spool]',
      `dbfile = ${SPOOL_FILE}`,
      'batch = 0',
      'requirements = warn',
    ]);
    assert.deepEqual(lines('logger.conf'), ['queue_log = yes', 'queue_log_realtime_use_gmt = yes']);
    assert.deepEqual(lines('cdr.conf'), ['enable = yes']);
    assert.deepEqual(lines('cel.conf'), ['enable = yes']);
    assert.deepEqual(lines('connection.conf'), [
      'hostname = history-db.support-center.svc',
      'port = 5432',
      'dbname = switchboard',
      'user = asterisk',
      // present and empty: without it both modules warn at every load
      'password =',
    ]);
    assert.match(files['connection.conf'] ?? '', new RegExp(PASSWORD_ENV));
  });

  it('refuses a spool file that is not an absolute path Asterisk can read back', () => {
    for (const bad of [
      'spool.db',
      '/var/spool/a b.db',
      '/var/spool/x;y.db',
      '/var/spool/x.sqlite3',
    ])
      assert.throws(() => renderHistoryConfig(connection, bad), /history spool file/, bad);
  });

  it('is deterministic', () => {
    assert.deepEqual(renderHistoryConfig(connection), renderHistoryConfig({ ...connection }));
  });

  it('refuses values Asterisk would paste into the connection string as more keywords', () => {
    for (const bad of [
      { host: 'db sslmode=disable' },
      { host: '' },
      { database: 'history;drop' },
      { user: 'asterisk\npassword = x' },
      { port: 0 },
      { port: 65536 },
      { port: 54.5 },
    ]) {
      assert.throws(
        () => renderHistoryConfig({ ...connection, ...bad }),
        /history database/,
        JSON.stringify(bad),
      );
    }
  });
});
