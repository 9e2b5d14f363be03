// The operator process with a history database that is down when it starts
// (real operator, real Asterisk, real PostgreSQL): agents are provisioned all
// the same, history is reported unavailable (a warning in the log with the
// reason, switchboard_history_available 0, never the password); once the
// database answers, the leader migrates the empty database to the newest
// schema and the metric says 1; then it keeps the reports' rollup: queue-log
// rows written are rolled up (every second here), none stale afterwards.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MIGRATIONS } from '../../operator/src/history/migrations/index.ts';
import { operatorHistoryEnv } from '../../scripts/lib/history-database.ts';
import type { DatabaseAccess } from '../../scripts/lib/postgres-process.ts';
import { createNamespace, testCluster } from '../support/cluster.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import { startTestPostgres, type TestPostgres, withClient } from '../support/postgres.ts';
import { type RealAsterisk, startRealAsterisk } from '../support/real-asterisk.ts';
import { condition, Resources } from '../support/resources.ts';
import { waitUntil } from '../support/wait.ts';

const cluster = testCluster();
let ns: Awaited<ReturnType<typeof createNamespace>>;
let r: Resources;
let postgres: TestPostgres;
let db: DatabaseAccess;
let pbx: RealAsterisk;
let operator: OperatorProcess;
let secrets: string;
const figures: Record<string, string> = {};

const availability = async () =>
  /^switchboard_history_available (\d)$/m.exec(await operator.metrics())?.[1];

before(async () => {
  ns = await createNamespace(cluster, 'history-operator');
  r = new Resources(cluster, ns.name);
  postgres = await startTestPostgres();
  // An empty database: nobody migrated it; the leader will.
  db = await postgres.database('history');
  await postgres.server.stop();
  secrets = mkdtempSync(join(tmpdir(), 'switchboard-history-secret-'));
  pbx = await startRealAsterisk(cluster, r);
  operator = await startOperator(cluster, ns.name, 'history-operator', {
    ASTERISK_POLL_MS: '100',
    REPORT_ROLLUP_INTERVAL_SECONDS: '1',
    ...operatorHistoryEnv(db, join(secrets, 'password')),
  });
  await r.createConfig(pbx.configSpec);
  await pbx.start();
});
after(async () => {
  console.log(`figures (history, operator): ${JSON.stringify(figures, null, 1)}`);
  await operator?.stop();
  await pbx?.close();
  await postgres?.close();
  await ns?.cleanup();
  rmSync(secrets, { recursive: true, force: true });
});

describe('the operator with its history database down at start', () => {
  it('provisions agents all the same, and says history is unavailable (log, metric)', async () => {
    await r.createAgent('ann', { displayName: 'Ann Agent' });
    await waitUntil(
      'ann Provisioned',
      async () => condition(await r.agent('ann'), 'Provisioned')?.status === 'True',
      30_000,
    );
    const username = (await r.agent('ann')).status?.sipUsername;
    assert.ok(username);
    await waitUntil(
      'Asterisk knows the endpoint',
      async () => (await pbx.asterisk.cli(`pjsip show endpoint ${username}`)).includes(username),
      30_000,
      100,
    );
    assert.equal(await availability(), '0');
    const log = readFileSync(operator.logPath, 'utf8');
    const warning = log
      .split('\n')
      .find((l) => l.includes('call history unavailable: agents are still provisioned'));
    assert.ok(warning, 'the operator logs why history is unavailable');
    assert.match(warning, /connection refused by 127\.0\.0\.1:\d+/);
    assert.ok(!log.includes(db.password), 'the password is in no log line');
  });

  it('the leader migrates the database once it answers; the metric says available', async () => {
    const started = performance.now();
    await postgres.server.start();
    await waitUntil('history available', async () => (await availability()) === '1', 30_000, 100);
    figures['database back -> history available, schema migrated'] =
      `${Math.round(performance.now() - started)} ms`;
    const version = await withClient(db, async (c) => {
      const { rows } = await c.query<{ v: number }>(
        'SELECT max(version)::int AS v FROM switchboard_schema_migrations',
      );
      return rows[0]?.v;
    });
    assert.equal(version, MIGRATIONS.length);
    const log = readFileSync(operator.logPath, 'utf8');
    assert.match(log, /history schema migrated/);
    assert.match(log, /call history available/);
  });

  it('the leader keeps the reports rollup: rows written are rolled up', async () => {
    const started = performance.now();
    await withClient(db, (c) =>
      c.query(`INSERT INTO queue_log (time, callid, queuename, agent, event, data1)
        VALUES ('2026-12-01 09:00:00', 'r1', 'support', 'NONE', 'ENTERQUEUE', ''),
               ('2026-12-01 09:00:12', 'r1', 'support', 'Ann Agent', 'CONNECT', '12'),
               ('2026-12-02 10:20:00', 'r2', 'support', 'NONE', 'ENTERQUEUE', '')`),
    );
    const rolled = () =>
      withClient(db, async (c) => {
        const { rows } = await c.query<{ offered: number; stale: number }>(
          `SELECT (SELECT coalesce(sum(offered), 0)::int FROM report_rollup_queue) AS offered,
             (SELECT count(*)::int FROM report_rollup_dirty) AS stale`,
        );
        return rows[0];
      });
    await waitUntil(
      'the rows rolled up',
      async () => {
        const x = await rolled();
        return x?.offered === 2 && x.stale === 0;
      },
      30_000,
      200,
    );
    figures['queue_log rows written -> rolled up by the leader'] =
      `${Math.round(performance.now() - started)} ms`;
    await waitUntil(
      'the metric says nothing pending',
      async () =>
        /^switchboard_report_rollup_pending_buckets 0$/m.test(await operator.metrics()) &&
        /^switchboard_report_rollup_last_success_timestamp_seconds \d/m.test(
          await operator.metrics(),
        ),
      10_000,
      200,
    );
    assert.match(readFileSync(operator.logPath, 'utf8'), /report rollup: stale buckets rebuilt/);
  });
});
