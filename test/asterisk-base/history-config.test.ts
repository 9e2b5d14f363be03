// Call history in the base configuration (asterisk/etc), loaded the way
// Asterisk loads it (the AMI test server's reader of main/config.c): without
// the history folder nothing about PostgreSQL loads; with the folder that
// operator/src/history/asterisk-config.ts renders, both back ends and the
// realtime driver load with the tables the migrations create (the queue log
// through realtime), and no file holds a password. Pure.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HISTORY_DIR, renderHistoryConfig } from '../../operator/src/history/asterisk-config.ts';
import { MIGRATIONS } from '../../operator/src/history/migrations/index.ts';
import { type ConfigCategory, readConfig } from '../ami-server/config-reader.ts';
import { repoRoot } from '../cluster/tools.ts';

const BASE = join(repoRoot, 'asterisk', 'etc');
const ETC = '/etc/asterisk';
const option = (c: ConfigCategory | undefined, key: string) =>
  c?.lines.findLast((l) => l.key === key)?.value;
// The logger reads its [general] with ast_variable_retrieve: the first value wins.
const first = (c: ConfigCategory | undefined, key: string) =>
  c?.lines.find((l) => l.key === key)?.value;
const values = (c: ConfigCategory | undefined, key: string) =>
  (c?.lines ?? []).filter((l) => l.key === key).map((l) => l.value);

describe('call history in the base configuration', () => {
  let dir: string;
  const read = (file: string) => {
    const r = readConfig({ dir, etcDir: ETC }, file);
    assert.ok(r.ok, `${file}: ${r.ok ? '' : r.reason}`);
    assert.deepEqual(r.log, [], `${file} loads without warnings`);
    return r.categories;
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'asterisk-history-'));
    cpSync(BASE, dir, { recursive: true });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('without the history folder: no PostgreSQL module, CDR and CEL off', () => {
    const modules = read('modules.conf')[0];
    const loaded = [...values(modules, 'load'), ...values(modules, 'require')];
    for (const m of [
      'cdr_pgsql.so',
      'cel_pgsql.so',
      'res_config_pgsql.so',
      'res_config_sqlite3.so',
      'cdr_sqlite3_custom.so',
      'cel_sqlite3_custom.so',
    ])
      assert.ok(!loaded.includes(m), `${m} is not loaded`);
    assert.equal(option(read('cdr.conf')[0], 'enable'), 'no');
    assert.equal(option(read('cel.conf')[0], 'enable'), 'no');
    assert.equal(first(read('logger.conf')[0], 'queue_log'), 'no');
    assert.deepEqual(read('extconfig.conf')[0]?.lines ?? [], [], 'no realtime family');
  });

  it('with it: both back ends load and write the tables the migrations create', () => {
    mkdirSync(join(dir, HISTORY_DIR));
    const files = renderHistoryConfig({
      host: 'db.example',
      port: 5433,
      database: 'history',
      user: 'asterisk',
    });
    for (const [name, text] of Object.entries(files))
      writeFileSync(join(dir, HISTORY_DIR, name), text);

    const modules = read('modules.conf')[0];
    assert.deepEqual(
      values(modules, 'load').filter((m) => m.includes('pgsql')),
      ['cdr_pgsql.so', 'cel_pgsql.so', 'res_config_pgsql.so'],
    );
    assert.ok(values(modules, 'load').includes('res_config_sqlite3.so'));
    // the copy of every CDR and channel event in the spool file (spool-records.ts)
    for (const [file, table] of [
      ['cdr_sqlite3_custom.conf', 'cdr'],
      ['cel_sqlite3_custom.conf', 'cel'],
    ] as const) {
      assert.ok(values(modules, 'load').includes(file.replace('.conf', '.so')), file);
      const [copy, ...more] = read(file);
      assert.equal(copy?.name, '/var/spool/asterisk/history-spool.db', file);
      assert.equal(option(copy, 'table'), table, file);
      assert.deepEqual(more, [], `${file}: one file`);
    }
    assert.ok(values(modules, 'load').includes('res_cdrel_custom.so'), 'their common module');
    const cdr = read('cdr.conf')[0];
    assert.equal(option(cdr, 'enable'), 'yes', 'the history file comes last and wins');
    assert.equal(option(cdr, 'batch'), 'no');
    assert.equal(option(cdr, 'unanswered'), 'yes');
    const cel = read('cel.conf')[0];
    assert.equal(option(cel, 'enable'), 'yes');

    const created = MIGRATIONS.map((m) => m.sql).join('\n');
    for (const [file, table] of [
      ['cdr_pgsql.conf', 'cdr'],
      ['cel_pgsql.conf', 'cel'],
    ] as const) {
      const global = read(file).find((c) => c.name === 'global');
      assert.equal(option(global, 'hostname'), 'db.example', file);
      assert.equal(option(global, 'port'), '5433', file);
      assert.equal(option(global, 'dbname'), 'history', file);
      assert.equal(option(global, 'user'), 'asterisk', file);
      assert.equal(option(global, 'password'), '', `${file}: the password comes from PGPASSWORD`);
      assert.equal(option(global, 'table'), table, file);
      assert.match(
        created,
        new RegExp(`CREATE TABLE ${table} \\(`),
        `a migration creates ${table}`,
      );
    }
    // The queue log: app_queue's events through realtime into queue_log, on
    // the same connection settings, UTC like the others.
    const realtime = read('res_pgsql.conf').find((c) => c.name === 'general');
    assert.equal(option(realtime, 'hostname'), 'db.example');
    assert.equal(option(realtime, 'port'), '5433');
    assert.equal(option(realtime, 'user'), 'asterisk');
    assert.equal(option(realtime, 'password'), '', 'res_pgsql.conf: from PGPASSWORD');
    assert.equal(option(realtime, 'requirements'), 'warn', 'Asterisk never alters the table');
    const settings = read('extconfig.conf').find((c) => c.name === 'settings');
    assert.deepEqual(values(settings, 'queue_log'), [
      'pgsql,history,queue_log,1',
      'sqlite3,spool,queue_log,2',
    ]);
    const spool = read('res_config_sqlite3.conf').find((c) => c.name === 'spool');
    assert.equal(option(spool, 'dbfile'), '/var/spool/asterisk/history-spool.db');
    assert.equal(option(spool, 'batch'), '0');
    assert.match(created, /CREATE TABLE queue_log \(/);
    const logger = read('logger.conf').find((c) => c.name === 'general');
    assert.equal(first(logger, 'queue_log'), 'yes', 'the history file comes first and wins');
    assert.equal(first(logger, 'queue_log_realtime_use_gmt'), 'yes');
    // Both write times without a zone: UTC, as the migration's comments say.
    assert.equal(option(read('cdr_pgsql.conf')[0], 'timezone'), 'UTC');
    assert.equal(option(read('cel_pgsql.conf')[0], 'usegmtime'), 'yes');
  });

  it('tracks the events a call is told with, never DTMF digits or every prompt played', () => {
    const cel = read('cel.conf')[0];
    const events = (option(cel, 'events') ?? '').split(',');
    for (const e of ['CHAN_START', 'ANSWER', 'BRIDGE_ENTER', 'HANGUP', 'LINKEDID_END', 'APP_START'])
      assert.ok(events.includes(e), e);
    for (const e of ['ALL', 'DTMF', 'STREAM_BEGIN', 'STREAM_END'])
      assert.ok(!events.includes(e), `${e} is not tracked`);
    assert.deepEqual((option(cel, 'apps') ?? '').split(','), ['dial', 'queue']);
  });

  it('the image carries the PostgreSQL back ends', () => {
    // The source build compiles them (loaded only with call history) and the
    // runtime stage has libpq.
    const build = readFileSync(join(repoRoot, 'tools', 'asterisk', 'build.sh'), 'utf8');
    assert.match(
      build,
      /^build_only="[^"]*\bcdr_pgsql cel_pgsql res_config_pgsql res_config_sqlite3 res_cdrel_custom cdr_sqlite3_custom cel_sqlite3_custom\b/m,
    );
    const docker = readFileSync(join(repoRoot, 'asterisk', 'Dockerfile'), 'utf8');
    assert.match(docker, /tools\/asterisk\/build\.sh --destdir/);
    assert.match(docker, /^ARG RUNTIME_PACKAGES="[^"]*\blibpq5\b/m);
  });
});
