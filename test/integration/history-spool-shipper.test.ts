// The queue log spool's shipper as the chart runs it beside Asterisk: the
// operator bundle (built here with the image's esbuild options) started as
// `node main.mjs spool-shipper`, against a real PostgreSQL, with the settings
// the chart gives it (HISTORY_DB_*, the password as a file). It makes the
// spool file and table (its /healthz turns 200: the Pod's startupProbe lets
// Asterisk start), ships a spooled row once, keeps rows while PostgreSQL is
// down (without failing /healthz), ships what is left when told to stop, and
// refuses a password in its environment. Rows are put into the spool as
// Asterisk's res_config_sqlite3 writes them (history-queue-log.test.ts proves
// a real Asterisk does fail over into it).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { spoolReady } from '../../operator/src/history/spool.ts';
import { operatorBuild } from '../../scripts/build-options.ts';
import type { DatabaseAccess } from '../../scripts/lib/postgres-process.ts';
import { freePort } from '../cluster/ports.ts';
import { type ManagedProcess, ProcessGroup } from '../cluster/processes.ts';
import { startTestPostgres, type TestPostgres, withClient } from '../support/postgres.ts';
import { waitUntil } from '../support/wait.ts';

let dir: string;
let bundle: string;
let postgres: TestPostgres;
let db: DatabaseAccess;
let group: ProcessGroup;
const figures: Record<string, string> = {};

interface Shipper {
  readonly process: ManagedProcess;
  readonly port: number;
  readonly spool: string;
  get(path: string): Promise<{ status: number; text: string }>;
  metric(name: string): Promise<number | undefined>;
  log(): string;
}

async function startShipper(
  name: string,
  env: Record<string, string> = {},
): Promise<Shipper & { startedAt: number }> {
  const port = await freePort();
  const spool = join(dir, `${name}.sqlite3`);
  const startedAt = performance.now();
  const p = group.start(name, process.execPath, [bundle, 'spool-shipper'], {
    PATH: process.env.PATH,
    HISTORY_DB_HOST: db.host,
    HISTORY_DB_PORT: String(db.port),
    HISTORY_DB_NAME: db.database,
    HISTORY_DB_USER: db.user,
    HISTORY_DB_PASSWORD_FILE: join(dir, 'password'),
    HISTORY_DB_SSLMODE: 'disable',
    SPOOL_FILE: spool,
    SPOOL_HEALTH_HOST: '127.0.0.1',
    SPOOL_HEALTH_PORT: String(port),
    SPOOL_INTERVAL_MS: '200',
    ...env,
  });
  const get = async (path: string) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`);
    return { status: res.status, text: await res.text() };
  };
  return {
    process: p,
    port,
    spool,
    startedAt,
    get,
    async metric(metric) {
      const line = (await get('/metrics')).text.split('\n').find((l) => l.startsWith(`${metric} `));
      return line === undefined ? undefined : Number(line.split(' ')[1]);
    },
    log: () => readFileSync(p.logPath, 'utf8'),
  };
}

/** A queue row as res_config_sqlite3 stores it: every column text, the time UTC to the microsecond. */
function spoolRow(spool: string, callid: string, event: string, data1 = ''): void {
  const sqlite = new DatabaseSync(spool);
  try {
    sqlite
      .prepare('INSERT INTO queue_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(
        new Date().toISOString().replace('T', ' ').replace('Z', '123'),
        callid,
        'support',
        'Ann Agent',
        event,
        data1,
        '',
        '',
        '',
        '',
      );
  } finally {
    sqlite.close();
  }
}

function spooled(spool: string): number {
  const sqlite = new DatabaseSync(spool, { readOnly: true });
  try {
    return Number((sqlite.prepare('SELECT count(*) AS n FROM queue_log').get() as { n: number }).n);
  } finally {
    sqlite.close();
  }
}

const inPostgres = (callid: string) =>
  withClient(db, async (c) =>
    (await c.query('SELECT event, data1 FROM queue_log WHERE callid = $1', [callid])).rows.map(
      (r) => `${r.event} ${r.data1}`,
    ),
  );

const exited = (p: ManagedProcess) => p.exited;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'switchboard-spool-shipper-'));
  group = new ProcessGroup(dir);
  const built = performance.now();
  bundle = join(dir, 'main.mjs');
  await build({
    ...operatorBuild,
    outfile: bundle,
    sourcemap: false,
    metafile: false,
    legalComments: 'none',
  });
  figures['bundle built'] = `${Math.round(performance.now() - built)} ms`;
  postgres = await startTestPostgres();
  db = await postgres.historyDatabase('spool');
  // As the chart mounts it: the Secret's key as a file, read-only.
  writeFileSync(join(dir, 'password'), `${db.password}\n`, { mode: 0o440 });
});

after(async () => {
  console.log(`figures (spool shipper): ${JSON.stringify(figures, null, 1)}`);
  await group?.stopAll();
  await postgres?.close();
  if (dir && !process.env.SWITCHBOARD_KEEP_TEST_DIR) rmSync(dir, { recursive: true, force: true });
});

describe('the spool shipper sidecar (bundled main.mjs spool-shipper) on a real PostgreSQL', () => {
  let shipper: Shipper;

  it('makes the spool file and table, then answers /healthz 200', async () => {
    const s = await startShipper('sidecar');
    shipper = s;
    assert.equal(existsSync(s.spool), false, 'no spool before it starts');
    await waitUntil(
      '/healthz 200',
      async () => (await s.get('/healthz').catch(() => undefined))?.status === 200,
    );
    figures['process start -> /healthz 200 (spool made)'] =
      `${Math.round(performance.now() - s.startedAt)} ms`;
    assert.equal(spoolReady(s.spool), true);
    assert.equal((await s.get('/healthz')).text, 'ok\n');
    assert.equal((await s.get('/nope')).status, 404);
    const rss = await s.metric('switchboard_spool_shipper_process_resident_memory_bytes');
    assert.ok(rss !== undefined && rss > 0);
    figures['resident memory after start'] = `${(rss / 2 ** 20).toFixed(1)} MiB`;
  });

  it('ships a spooled row into queue_log once and empties the spool', async () => {
    const t0 = performance.now();
    spoolRow(shipper.spool, 'spooled-1', 'ENTERQUEUE', '117');
    await waitUntil(
      'the row in PostgreSQL',
      async () => (await inPostgres('spooled-1')).length > 0,
    );
    figures['row spooled -> in queue_log (200 ms looks)'] =
      `${Math.round(performance.now() - t0)} ms`;
    await waitUntil('the spool emptied', () => spooled(shipper.spool) === 0);
    assert.deepEqual(await inPostgres('spooled-1'), ['ENTERQUEUE 117']);
    assert.equal(
      await shipper.metric('switchboard_history_spool_rows_shipped_total{table="queue_log"}'),
      1,
    );
    assert.equal(await shipper.metric('switchboard_history_spool_rows'), 0);
    assert.equal(await shipper.metric('switchboard_history_spool_database_up'), 1);
  });

  it('ships a backlog of 5,000 rows (a long outage) in batches, each once, well under its memory limit', async () => {
    const sqlite = new DatabaseSync(shipper.spool);
    try {
      // In one transaction: the shipper sees all of them at once, as after an outage.
      sqlite.exec('BEGIN');
      const insert = sqlite.prepare('INSERT INTO queue_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
      const t = Date.parse('2026-12-06T06:00:00Z');
      for (let i = 0; i < 5_000; i++)
        insert.run(
          new Date(t + i).toISOString().replace('T', ' ').replace('Z', '000'),
          `backlog-${i % 50}`,
          'support',
          'NONE',
          'ENTERQUEUE',
          '117',
          String(i),
          '1',
          '',
          '',
        );
      sqlite.exec('COMMIT');
    } finally {
      sqlite.close();
    }
    const t0 = performance.now();
    await waitUntil('the backlog shipped', () => spooled(shipper.spool) === 0, 60_000);
    const ms = performance.now() - t0;
    figures['5,000 spooled rows -> shipped'] =
      `${Math.round(ms)} ms (${Math.round(5_000 / (ms / 1000))} rows/s)`;
    const count = await withClient(
      db,
      async (c) =>
        (await c.query(`SELECT count(*)::int AS n FROM queue_log WHERE callid LIKE 'backlog-%'`))
          .rows[0].n,
    );
    assert.equal(count, 5_000);
    assert.equal(
      await shipper.metric('switchboard_history_spool_rows_shipped_total{table="queue_log"}'),
      5_001,
    );
    // The chart's limit for it is 192Mi, its request 96Mi (values asterisk.spoolShipper.resources).
    const status = readFileSync(`/proc/${shipper.process.child.pid}/status`, 'utf8');
    const peak = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
    const anon = Number(/RssAnon:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
    figures['peak resident memory (VmHWM) / anonymous now'] =
      `${peak.toFixed(1)} / ${anon.toFixed(1)} MiB`;
    assert.ok(peak < 160, `peak ${peak} MiB`);
  });

  it('keeps rows while PostgreSQL is down (/healthz stays 200) and ships them once it is back', async () => {
    await postgres.server.stop();
    spoolRow(shipper.spool, 'spooled-2', 'ABANDON', '1');
    await waitUntil(
      'the shipper reports PostgreSQL down',
      async () => (await shipper.metric('switchboard_history_spool_database_up')) === 0,
    );
    assert.equal(
      (await shipper.get('/healthz')).status,
      200,
      'a down database is what the spool is for',
    );
    assert.equal(await shipper.metric('switchboard_history_spool_rows'), 1);
    assert.match(shipper.log(), /cannot ship, rows wait/);
    const back = performance.now();
    await postgres.server.start();
    await waitUntil(
      'the row in PostgreSQL',
      async () => (await inPostgres('spooled-2').catch(() => [])).length > 0,
    );
    figures['PostgreSQL accepting again -> spooled row in queue_log'] =
      `${Math.round(performance.now() - back)} ms`;
    await waitUntil('the spool emptied', () => spooled(shipper.spool) === 0);
    assert.deepEqual(await inPostgres('spooled-2'), ['ABANDON 1']);
    assert.equal(await shipper.metric('switchboard_history_spool_database_up'), 1);
  });

  it('on SIGTERM ships what is left, then exits 0', async () => {
    // Its only look before the stop finds PostgreSQL down; the next would be 10 minutes away.
    await postgres.server.stop();
    const late = await startShipper('sidecar-stopping', { SPOOL_INTERVAL_MS: '600000' });
    await waitUntil('its look failed', () => /cannot ship, rows wait/.test(late.log()));
    spoolRow(late.spool, 'spooled-3', 'COMPLETECALLER', '4');
    await postgres.server.start();
    const t0 = performance.now();
    late.process.child.kill('SIGTERM');
    assert.equal(await exited(late.process), 0);
    figures['SIGTERM -> exit, spool shipped'] = `${Math.round(performance.now() - t0)} ms`;
    assert.deepEqual(await inPostgres('spooled-3'), ['COMPLETECALLER 4']);
    assert.equal(spooled(late.spool), 0);
    assert.match(late.log(), /queue log spool shipper stopped/);
  });

  it('refuses a password in its environment, naming the setting and not the password', async () => {
    const refused = await startShipper('sidecar-env-password', {
      HISTORY_DB_PASSWORD: db.password,
    });
    assert.equal(await exited(refused.process), 1);
    assert.match(refused.log(), /HISTORY_DB_PASSWORD is not read by the spool shipper/);
    assert.equal(existsSync(refused.spool), false);
  });

  it('never wrote the password into a log', () => {
    for (const name of ['sidecar', 'sidecar-stopping', 'sidecar-env-password'])
      assert.ok(!readFileSync(join(dir, `${name}.log`), 'utf8').includes(db.password), name);
  });
});
