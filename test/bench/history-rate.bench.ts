// make bench: call history under load on the real Asterisk 22 and a real
// PostgreSQL (issue 14, "Figures"), and the database's size per 100,000 calls.
//
// Load: 50 calls at once through a queue the operator rendered, in waves
// (BENCH_HISTORY_WAVES, 4: 200 calls). The callers are AMI Originates of
// Local/117 (test/support/queue-callers.ts); the 50 answering members are
// Local desks the bench adds over AMI (QueueAdd), each answering, talking
// BENCH_HISTORY_TALK_S (5) seconds and hanging up. Asterisk writes every CDR
// (cdr_pgsql), channel event (cel_pgsql) and queue event (realtime queue_log)
// itself. Measured from PostgreSQL's own commit time stamps
// (track_commit_timestamp, turned on for the bench): rows per second
// sustained over the load (all rows / first to last commit) and at the
// busiest second, and the lag of each row: its commit time minus the time
// Asterisk stamped on it (cel.eventtime, queue_log.time, cdr."end").
//
// Size: one real call's rows, the two channels a browser-to-browser queue
// call has (the caller's leg in the queue and the leg that answered: the
// Local halves the bench adds on either side are left out) with their CDRs,
// channel events and queue events, copied BENCH_HISTORY_FILL (20,000) times
// with new ids and times spread over 30 days; the tables' size with their
// indexes (pg_total_relation_size, after VACUUM ANALYZE) less their size
// before, per call, times 100,000.
//
// BENCH_HISTORY=0 skips it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import pino from 'pino';
import { AmiClient } from '../../operator/src/asterisk/ami/client.ts';
import { historyEnv, writeHistoryConfig } from '../../scripts/lib/asterisk-history.ts';
import type { AsteriskProcess } from '../../scripts/lib/asterisk-process.ts';
import { operatorHistoryEnv } from '../../scripts/lib/history-database.ts';
import type { DatabaseAccess } from '../../scripts/lib/postgres-process.ts';
import { createNamespace, testCluster } from '../support/cluster.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import { startTestPostgres, type TestPostgres, withClient } from '../support/postgres.ts';
import { addQueueCallers, type QueueCallers } from '../support/queue-callers.ts';
import { type RealAsterisk, startRealAsterisk } from '../support/real-asterisk.ts';
import { Resources } from '../support/resources.ts';
import { waitUntil } from '../support/wait.ts';

const ENABLED = process.env.BENCH_HISTORY !== '0';
const CONCURRENT = 50;
const WAVES = Number(process.env.BENCH_HISTORY_WAVES ?? 4);
const TALK_S = Number(process.env.BENCH_HISTORY_TALK_S ?? 5);
const FILL = Number(process.env.BENCH_HISTORY_FILL ?? 20_000);

const cluster = testCluster();
let ns: Awaited<ReturnType<typeof createNamespace>>;
let r: Resources;
let postgres: TestPostgres;
let db: DatabaseAccess;
let pbx: RealAsterisk;
let operator: OperatorProcess;
let callers: QueueCallers;
let desks: AmiClient;
const figures: Record<string, string> = {};

/** 50 desks: Local/talk-NN@history-desks answers, talks TALK_S seconds, hangs up. */
function addDesks(asterisk: AsteriskProcess): AmiClient {
  const path = join(asterisk.etcDir, 'extensions.conf');
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  const last = lines.pop() ?? '';
  const desk = [
    '[history-desks]',
    'exten => _talk-X.,1,Answer()',
    ` same => n,Wait(${TALK_S})`,
    ' same => n,Hangup()',
    '',
  ];
  writeFileSync(path, `${[...lines, ...desk, last].join('\n')}\n`);
  const secret = randomBytes(16).toString('hex');
  appendFileSync(
    join(asterisk.etcDir, 'ami', 'manager_user.conf'),
    `\n[bench-desks]\nsecret = ${secret}\nread = agent\nwrite = agent\n`,
  );
  return new AmiClient({
    host: '127.0.0.1',
    port: asterisk.amiPort,
    username: 'bench-desks',
    secret,
    actionTimeoutMs: 20_000,
    logger: pino({ level: 'silent' }),
  });
}

before(async () => {
  if (!ENABLED) return;
  ns = await createNamespace(cluster, 'bench-history');
  r = new Resources(cluster, ns.name);
  postgres = await startTestPostgres();
  // Commit time stamps: when each row became visible, by PostgreSQL's clock.
  await withClient(postgres.server.superuser, (c) =>
    c.query('ALTER SYSTEM SET track_commit_timestamp = on'),
  );
  await postgres.server.stop();
  await postgres.server.start();
  db = await postgres.historyDatabase('history');
  pbx = await startRealAsterisk(cluster, r, { env: historyEnv(db) });
  writeHistoryConfig(pbx.asterisk, db);
  desks = addDesks(pbx.asterisk);
  const callerUser = addQueueCallers(pbx.asterisk);
  operator = await startOperator(cluster, ns.name, 'bench-history', {
    ASTERISK_POLL_MS: '100',
    ...operatorHistoryEnv(db, join(postgres.dir, 'operator-password')),
  });
  await r.createConfig(pbx.configSpec);
  await r.createQueue('support', {
    numbers: ['117'],
    strategy: 'rrmemory',
    retrySeconds: 1,
    joinWithoutAgents: true,
    stayWithoutAgents: true,
  });
  await pbx.start();
  callers = await callerUser.connect();
  desks.start();
  await desks.ready(10_000);
  await waitUntil(
    '117 reaches its queue',
    async () => /Queue\(/.test(await pbx.asterisk.cli('dialplan show 117@switchboard-agents')),
    30_000,
    100,
  );
  // The operator owns queue membership and removes members it did not add
  // (operator/src/agentstate/plan.ts), such as the desks: it stops here.
  // Asterisk keeps the dialplan and queue it was given, and writes the
  // history itself.
  await operator.stop();
  for (let i = 0; i < CONCURRENT; i++) {
    const n = String(i).padStart(2, '0');
    await desks.action({
      action: 'QueueAdd',
      queue: 'support',
      interface: `Local/talk-${n}@history-desks/n`,
      membername: `Desk ${n}`,
    });
  }
});
after(async () => {
  console.log(`figures (call history under load): ${JSON.stringify(figures, null, 1)}`);
  await callers?.stop();
  await desks?.stop();
  await operator?.stop();
  await pbx?.close();
  await postgres?.close();
  await ns?.cleanup();
});

const count = (sql: string) =>
  withClient(db, async (c) => Number((await c.query<{ n: string }>(sql)).rows[0]?.n));

it(`sustains ${CONCURRENT} concurrent calls: rows per second and lag`, {
  skip: !ENABLED,
}, async () => {
  const ids: string[] = [];
  const loadStart = await count(`SELECT extract(epoch FROM clock_timestamp()) * 1000 AS n`);
  for (let wave = 0; wave < WAVES; wave++) {
    const batch = Array.from(
      { length: CONCURRENT },
      (_, i) => `hr-${wave}-${String(i).padStart(2, '0')}-${randomBytes(2).toString('hex')}`,
    );
    ids.push(...batch);
    await Promise.all(batch.map((id) => callers.call('117', id)));
    // the wave is over once every caller's call is complete in queue_log
    await waitUntil(
      `wave ${wave + 1}: ${CONCURRENT} calls complete`,
      async () =>
        (await count(
          `SELECT count(*) AS n FROM queue_log WHERE event LIKE 'COMPLETE%' AND callid LIKE 'hr-${wave}-%'`,
        )) === CONCURRENT,
      120_000,
      200,
    );
  }
  // every call's CEL is complete too (LINKEDID_END of each, linkedid o-<id>)
  await waitUntil(
    'every LINKEDID_END',
    async () =>
      (await count(
        `SELECT count(*) AS n FROM cel WHERE eventtype = 'LINKEDID_END' AND linkedid LIKE 'o-hr-%'`,
      )) === ids.length,
    60_000,
    200,
  );
  const since = [loadStart];
  const stats = await withClient(db, async (c) => {
    const { rows } = await c.query<{ rows: string; first: number; last: number; busiest: string }>(
      `WITH r AS (
         SELECT pg_xact_commit_timestamp(xmin) AS committed FROM cel
         UNION ALL SELECT pg_xact_commit_timestamp(xmin) FROM cdr
         UNION ALL SELECT pg_xact_commit_timestamp(xmin) FROM queue_log
       ), l AS (SELECT committed FROM r WHERE committed >= to_timestamp($1 / 1000.0))
       SELECT count(*) AS rows,
              extract(epoch FROM min(committed)) * 1000 AS first,
              extract(epoch FROM max(committed)) * 1000 AS last,
              (SELECT max(n) FROM (SELECT count(*) AS n FROM l GROUP BY date_trunc('second', committed)) s) AS busiest
         FROM l`,
      since,
    );
    return rows[0];
  });
  assert.ok(stats);
  /** Lag of one table's rows: commit time less the time Asterisk stamped on the row. */
  const lag = (table: string, stamp: string) =>
    withClient(db, async (c) => {
      const { rows } = await c.query<{ p50: number; p95: number; max: number }>(
        `WITH l AS (
           SELECT extract(epoch FROM pg_xact_commit_timestamp(xmin) - (${stamp} AT TIME ZONE 'UTC')) * 1000 AS ms
             FROM ${table} WHERE pg_xact_commit_timestamp(xmin) >= to_timestamp($1 / 1000.0))
         SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
                percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) AS p95, max(ms) AS max FROM l`,
        since,
      );
      const row = rows[0];
      assert.ok(row);
      return { p50: Number(row.p50), p95: Number(row.p95), max: Number(row.max) };
    });
  const lags = {
    cel: await lag('cel', 'eventtime'),
    queue_log: await lag('queue_log', 'time'),
    cdr: await lag('cdr', '"end"'),
  };
  const rowsWritten = Number(stats.rows);
  const seconds = (stats.last - stats.first) / 1000;
  figures.calls = `${ids.length} (${WAVES} waves of ${CONCURRENT} at once, ${TALK_S} s talk)`;
  figures['rows written (cdr + cel + queue_log)'] = String(rowsWritten);
  figures['rows per call (4 Local channels per call)'] = (rowsWritten / ids.length).toFixed(1);
  figures['rows/s over the load (first to last commit)'] = (rowsWritten / seconds).toFixed(0);
  figures['rows/s at the busiest second'] = stats.busiest;
  for (const [table, l] of Object.entries(lags))
    figures[`lag ${table} (commit - Asterisk's time stamp) p50 / p95 / max`] =
      `${[l.p50, l.p95, l.max].map((v) => v.toFixed(1)).join(' / ')} ms`;
  // cdr."end" is stamped to the second: its lag includes up to 1 s of rounding.
  // Rows are written as calls happen, not in batches: the events and queue
  // rows of a burst of 50 calls are in within a couple of seconds.
  assert.ok(lags.cel.p95 < 2000 && lags.queue_log.p95 < 2000, JSON.stringify(lags));
  // Nothing lost under load: every call's three kinds of rows.
  assert.equal(
    await count(
      `SELECT count(DISTINCT callid) AS n FROM queue_log WHERE event = 'CONNECT' AND callid LIKE 'hr-%'`,
    ),
    ids.length,
  );
  assert.deepEqual(pbx.problems(), []);
});

it('takes this much room per 100,000 calls (synthetic fill from a real call)', {
  skip: !ENABLED,
}, async () => {
  const tables = ['cdr', 'cel', 'queue_log'];
  /** Bytes of each table with its TOAST and indexes. */
  const sizes = () =>
    withClient(db, async (c) => {
      const { rows } = await c.query<{ t: string; n: string }>(
        `SELECT t::text AS t, pg_total_relation_size(t) AS n
           FROM unnest(ARRAY['cdr','cel','queue_log']::regclass[]) t`,
      );
      return new Map(rows.map((row) => [row.t, Number(row.n)]));
    });
  // The template: one real call's two channels: the caller's leg in the queue
  // (hr-…) and the desk leg that answered it (CONNECT data2).
  const call = await withClient(db, async (c) => {
    const { rows } = await c.query<{ callid: string; member: string }>(
      `SELECT callid, data2 AS member FROM queue_log WHERE event = 'CONNECT' AND callid LIKE 'hr-%' ORDER BY id LIMIT 1`,
    );
    return rows[0];
  });
  assert.ok(call);
  const perCall = await withClient(db, async (c) => {
    const n = async (sql: string) =>
      Number((await c.query<{ n: string }>(sql, [call.callid, call.member])).rows[0]?.n);
    return {
      cdr: await n(`SELECT count(*) AS n FROM cdr WHERE uniqueid IN ($1, $2)`),
      cel: await n(`SELECT count(*) AS n FROM cel WHERE uniqueid IN ($1, $2)`),
      queue_log: await n(
        `SELECT count(*) AS n FROM queue_log WHERE callid = $1 AND $2::text IS NOT NULL`,
      ),
    };
  });
  await withClient(db, (c) => c.query(`VACUUM ANALYZE ${tables.join(', ')}`));
  const before = await sizes();
  const started = performance.now();
  await withClient(db, async (c) => {
    // Copies with new ids (…-<n>) and times moved back by up to 30 days.
    const shift = `(g * interval '1 second' * ${Math.floor((30 * 86_400) / FILL)})`;
    await c.query(
      `INSERT INTO cdr (start, answer, "end", clid, src, dst, dcontext, channel, dstchannel, lastapp,
                        lastdata, duration, billsec, disposition, amaflags, accountcode, peeraccount,
                        uniqueid, linkedid, userfield, sequence, tenantid, peertenantid)
       SELECT start - ${shift}, answer - ${shift}, "end" - ${shift}, clid, src, dst, dcontext,
              channel || '-' || g, dstchannel, lastapp, lastdata, duration, billsec, disposition, amaflags,
              accountcode, peeraccount, uniqueid || '-' || g, linkedid || '-' || g, userfield, sequence,
              tenantid, peertenantid
         FROM cdr, generate_series(1, $3) g WHERE uniqueid IN ($1, $2)`,
      [call.callid, call.member, FILL],
    );
    await c.query(
      `INSERT INTO cel (eventtype, eventtime, userdeftype, cid_name, cid_num, cid_ani, cid_rdnis, cid_dnid,
                        exten, context, channame, appname, appdata, accountcode, peeraccount, uniqueid,
                        linkedid, amaflags, userfield, peer, extra)
       SELECT eventtype, eventtime - ${shift}, userdeftype, cid_name, cid_num, cid_ani, cid_rdnis, cid_dnid,
              exten, context, channame || '-' || g, appname, appdata, accountcode, peeraccount,
              uniqueid || '-' || g, linkedid || '-' || g, amaflags, userfield, peer, extra
         FROM cel, generate_series(1, $3) g WHERE uniqueid IN ($1, $2)`,
      [call.callid, call.member, FILL],
    );
    await c.query(
      `INSERT INTO queue_log (time, callid, queuename, agent, event, data1, data2, data3, data4, data5)
       SELECT time - ${shift}, callid || '-' || g, queuename, agent, event, data1,
              CASE WHEN event = 'CONNECT' THEN data2 || '-' || g ELSE data2 END, data3, data4, data5
         FROM queue_log, generate_series(1, $2) g WHERE callid = $1`,
      [call.callid, FILL],
    );
    await c.query(`VACUUM ANALYZE ${tables.join(', ')}`);
  });
  const fillMs = performance.now() - started;
  const after = await sizes();
  const grownBy = tables.map((t) => (after.get(t) ?? 0) - (before.get(t) ?? 0));
  const grown = grownBy.reduce((a, b) => a + b, 0);
  figures['bytes per call by table (cdr / cel / queue_log)'] = grownBy
    .map((g) => (g / FILL).toFixed(0))
    .join(' / ');
  const per100k = (grown / FILL) * 100_000;
  figures['rows per call in the fill (cdr / cel / queue_log)'] =
    `${perCall.cdr} / ${perCall.cel} / ${perCall.queue_log}`;
  figures[`fill: ${FILL} calls`] = `${Math.round(fillMs)} ms`;
  figures['bytes per call (tables + indexes)'] = (grown / FILL).toFixed(0);
  figures['size per 100,000 calls'] = `${(per100k / 1024 / 1024).toFixed(1)} MiB`;
  assert.ok(grown > 0);
});
