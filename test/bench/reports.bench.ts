// make bench: the reports' queries at 1,000,000 calls. A real PostgreSQL is
// filled in SQL with what Asterisk would have written for 90 days of a call
// center (reports-fill.ts).
// Then each report query, for the last 1, 7 and 30 days, all queues and one,
// is run 10 times (after a warm-up): p95 and median per query, raw and from
// the rollup the leader keeps (rollup-sql.ts), the whole report's, and the
// tables' sizes; then the time to build the rollup for the whole history, and
// a report with stale buckets (late rows) read raw beside the rollup, and the
// run that catches up. BENCH_REPORT_CALLS changes the size.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import pg from 'pg';
import { splitRange } from '../../operator/src/reports/buckets.ts';
import { parseReportParams, type ReportParams } from '../../operator/src/reports/params.ts';
import { ownHistory, type Query, queueReport, utcText } from '../../operator/src/reports/report.ts';
import { rollUp } from '../../operator/src/reports/rollup.ts';
import {
  ROLLUP_AGENT_CALLS_SQL,
  ROLLUP_HOURLY_SQL,
  ROLLUP_SUMMARY_SQL,
} from '../../operator/src/reports/rollup-sql.ts';
import {
  AGENT_CALLS_SQL,
  HOURLY_SQL,
  PAUSED_SQL,
  SIGNED_IN_SQL,
  SUMMARY_SQL,
} from '../../operator/src/reports/sql.ts';
import { startTestPostgres, type TestPostgres } from '../support/postgres.ts';
import { fillReportData } from './reports-fill.ts';

const CALLS = Number(process.env.BENCH_REPORT_CALLS ?? 1_000_000);
const DAYS = 90;
const RUNS = 10;
let server: TestPostgres;
let pool: pg.Pool;
const query: Query = async (text, values) => pool.query(text, values);
const SERVICE_LEVELS = new Map(Array.from({ length: 5 }, (_, q) => [`q${q}`, 20] as const));
/** The data's end: the bench's "now". */
const END = new Date(Date.UTC(2026, 10, 30));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)] ?? NaN;

async function timed(f: () => Promise<unknown>): Promise<number[]> {
  await f();
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await f();
    ms.push(performance.now() - t);
  }
  return ms;
}

/** The rollup's figures equal the raw queries' for a period. */
async function equalToRaw(p: ReportParams): Promise<void> {
  const base = [utcText(p.range.from), utcText(p.range.to), p.queue ?? null];
  const split = splitRange(p.range);
  const rolled = [...base, utcText(split.fullFrom), utcText(split.fullTo)];
  const levels = [[...SERVICE_LEVELS.keys()], [...SERVICE_LEVELS.values()]];
  const rows = async (sql: string, values: unknown[]) => (await pool.query(sql, values)).rows;
  const byAgent = (xs: { agent: string }[]) => xs.sort((a, b) => a.agent.localeCompare(b.agent));
  assert.deepEqual(
    await rows(ROLLUP_SUMMARY_SQL, [...rolled, ...levels]),
    await rows(SUMMARY_SQL, [...base, ...levels]),
  );
  assert.deepEqual(
    await rows(ROLLUP_HOURLY_SQL, [...rolled, p.timeZone]),
    await rows(HOURLY_SQL, [...base, p.timeZone]),
  );
  assert.deepEqual(
    byAgent(await rows(ROLLUP_AGENT_CALLS_SQL, rolled)),
    byAgent(await rows(AGENT_CALLS_SQL, base)),
  );
}

function params(period: '1' | '7' | '30' | '90', queue?: string): ReportParams {
  const last = new Date(END.getTime() - 1);
  const first = new Date(END.getTime() - Number(period) * 86_400_000);
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const r = parseReportParams(
    {
      period: 'custom',
      from: day(first),
      to: day(last),
      tz: 'Europe/Berlin',
      ...(queue ? { queue } : {}),
    },
    new Set(SERVICE_LEVELS.keys()),
    END,
  );
  assert.ok(r.ok);
  return r.params;
}

before(async () => {
  server = await startTestPostgres();
  pool = new pg.Pool({ ...(await server.historyDatabase('reports_bench')), max: 5 });
  pool.on('error', () => undefined); // idle connections closed by the server's stop
});
after(async () => {
  await pool?.end();
  await server?.close();
});

it(`report queries at ${CALLS.toLocaleString('en')} calls`, { timeout: 3_600_000 }, async () => {
  const fillMs = await fillReportData(pool, CALLS, DAYS, END);
  // The fill's inserts marked every bucket stale (migration 0006's triggers): the first build.
  const built = await rollUp(pool);
  assert.ok(built.ran && built.buckets > DAYS * 40, `built ${built.buckets} buckets`);
  for (const t of ['report_rollup_queue', 'report_rollup_wait', 'report_rollup_agent'])
    await pool.query(`VACUUM ANALYZE ${t}`);
  const sizes = (
    await pool.query<{ name: string; rows: string; size: string }>(
      `SELECT relname AS name, n_live_tup::text AS rows,
         pg_size_pretty(pg_total_relation_size(relid)) AS size
       FROM pg_stat_user_tables WHERE relname IN ('queue_log', 'cdr') OR relname LIKE 'report_rollup%'
       ORDER BY relname`,
    )
  ).rows;
  const lines = [
    `reports bench: ${CALLS.toLocaleString('en')} calls over ${DAYS} days, filled in ${(fillMs / 1000).toFixed(0)} s`,
    ...sizes.map(
      (s) => `  ${s.name}: ${Number(s.rows).toLocaleString('en')} rows, ${s.size} with indexes`,
    ),
    `  rollup built for the whole history: ${built.buckets} buckets in ${(built.ms / 1000).toFixed(1)} s`,
    '  query (period, queue): p95 / median ms',
  ];
  const open = utcText(END);
  // 90 days is the whole history: raw queries there are left out (seconds each).
  for (const period of ['1', '7', '30', '90'] as const)
    for (const queue of [undefined, 'q1']) {
      const p = params(period, queue);
      const base = [utcText(p.range.from), utcText(p.range.to), p.queue ?? null];
      const split = splitRange(p.range);
      const rolled = [...base, utcText(split.fullFrom), utcText(split.fullTo)];
      const levels = [[...SERVICE_LEVELS.keys()], [...SERVICE_LEVELS.values()]];
      const cases: [string, () => Promise<unknown>][] = [
        ['summary raw', () => query(SUMMARY_SQL, [...base, ...levels])],
        ['summary rollup', () => query(ROLLUP_SUMMARY_SQL, [...rolled, ...levels])],
        ['hourly raw', () => query(HOURLY_SQL, [...base, p.timeZone])],
        ['hourly rollup', () => query(ROLLUP_HOURLY_SQL, [...rolled, p.timeZone])],
        ['agent calls raw', () => query(AGENT_CALLS_SQL, base)],
        ['agent calls rollup', () => query(ROLLUP_AGENT_CALLS_SQL, rolled)],
        ['signed in', () => query(SIGNED_IN_SQL, [...base, open])],
        ['paused', () => query(PAUSED_SQL, [...base, open])],
        ['whole report (5 at once)', () => queueReport(query, p, SERVICE_LEVELS, () => null, END)],
        [
          'whole report (5 at once) raw',
          () =>
            Promise.all([
              query(SUMMARY_SQL, [...base, ...levels]),
              query(HOURLY_SQL, [...base, p.timeZone]),
              query(AGENT_CALLS_SQL, base),
              query(SIGNED_IN_SQL, [...base, open]),
              query(PAUSED_SQL, [...base, open]),
            ]),
        ],
      ];
      for (const [name, f] of cases) {
        if (period === '90' && name.endsWith(' raw')) continue;
        const ms = await timed(f);
        lines.push(
          `  ${name} (${period} d, ${queue ?? 'all'}): ${p95(ms).toFixed(1)} / ${median(ms).toFixed(1)}`,
        );
      }
    }
  const today = { from: new Date(END.getTime() - 86_400_000), to: END };
  const own = await timed(() => ownHistory(query, today, 'agent7'));
  lines.push(`  agent's own day (cdr): ${p95(own).toFixed(1)} / ${median(own).toFixed(1)}`);
  const r = await queueReport(query, params('30'), SERVICE_LEVELS, () => null, END);
  assert.ok(r.summary.offered > CALLS / 4, 'the 30 days hold a third of the calls');
  assert.equal(r.agents.length, 100);
  await equalToRaw(params('30'));

  // Late rows: the last day's 19:00-20:00 again, logged 1, 2 and 9 days late
  // (the spool after an outage): stale buckets read raw until the next run.
  const lastHour = [
    utcText(new Date(END.getTime() - 5 * 3_600_000)),
    utcText(new Date(END.getTime() - 4 * 3_600_000)),
  ];
  const late = await pool.query(
    `INSERT INTO queue_log (time, callid, queuename, agent, event, data1, data2, data3, data4)
     SELECT time - make_interval(days => d), callid || '-late' || d, queuename, agent, event, data1, data2, data3, data4
     FROM queue_log, unnest(ARRAY[1, 2, 9]) AS d WHERE time >= $1::timestamp AND time < $2::timestamp`,
    lastHour,
  );
  const stale = (
    await pool.query(`SELECT count(DISTINCT bucket)::int AS n FROM report_rollup_dirty`)
  ).rows[0].n;
  const withTail = await timed(() =>
    queueReport(query, params('30'), SERVICE_LEVELS, () => null, END),
  );
  await equalToRaw(params('30'));
  const caughtUp = await rollUp(pool);
  await equalToRaw(params('30'));
  lines.push(
    `  ${late.rowCount} late rows in ${stale} stale buckets: whole report (30 d, all) ${p95(withTail).toFixed(1)} / ${median(withTail).toFixed(1)}; the next run rebuilt ${caughtUp.buckets} buckets in ${caughtUp.ms.toFixed(0)} ms`,
  );
  console.log(lines.join('\n'));
});
