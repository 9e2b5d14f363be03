// make bench: the reports' queries at 1,000,000 calls. A real PostgreSQL is
// filled in SQL with what Asterisk would have written for 90 days of a call
// center (reports-fill.ts).
// Then each report query, for the last 1, 7 and 30 days, all queues and one,
// is run 10 times (after a warm-up): p95 and median per query, the whole
// report's p95, and the tables' sizes. BENCH_REPORT_CALLS changes the size.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import pg from 'pg';
import { parseReportParams, type ReportParams } from '../../operator/src/reports/params.ts';
import { ownHistory, type Query, queueReport, utcText } from '../../operator/src/reports/report.ts';
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

function params(period: '1' | '7' | '30', queue?: string): ReportParams {
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
  const sizes = (
    await pool.query<{ name: string; rows: string; size: string }>(
      `SELECT relname AS name, n_live_tup::text AS rows,
         pg_size_pretty(pg_total_relation_size(relid)) AS size
       FROM pg_stat_user_tables WHERE relname IN ('queue_log', 'cdr') ORDER BY relname`,
    )
  ).rows;
  const lines = [
    `reports bench: ${CALLS.toLocaleString('en')} calls over ${DAYS} days, filled in ${(fillMs / 1000).toFixed(0)} s`,
    ...sizes.map(
      (s) => `  ${s.name}: ${Number(s.rows).toLocaleString('en')} rows, ${s.size} with indexes`,
    ),
    '  query (period, queue): p95 / median ms',
  ];
  const open = utcText(END);
  for (const period of ['1', '7', '30'] as const)
    for (const queue of [undefined, 'q1']) {
      const p = params(period, queue);
      const base = [utcText(p.range.from), utcText(p.range.to), p.queue ?? null];
      const cases: [string, () => Promise<unknown>][] = [
        [
          'summary',
          () =>
            query(SUMMARY_SQL, [...base, [...SERVICE_LEVELS.keys()], [...SERVICE_LEVELS.values()]]),
        ],
        ['hourly', () => query(HOURLY_SQL, [...base, p.timeZone])],
        ['agent calls', () => query(AGENT_CALLS_SQL, base)],
        ['signed in', () => query(SIGNED_IN_SQL, [...base, open])],
        ['paused', () => query(PAUSED_SQL, [...base, open])],
        ['whole report (5 at once)', () => queueReport(query, p, SERVICE_LEVELS, () => null, END)],
      ];
      for (const [name, f] of cases) {
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
  console.log(lines.join('\n'));
});
