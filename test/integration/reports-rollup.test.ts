// The reports' rollup on a real PostgreSQL: for varied queue-log rows (three
// queues and rows without one, agents, every event the reports count, waits
// and talk times that are not numbers, rows on bucket edges to the
// microsecond, late rows into buckets already rolled up, a writer whose
// transaction commits after the rollup ran past its id, deleted rows), each
// figure from the rollup plus raw rows (history written before migration 0006
// included) equals the raw SQL's, row for row, for
// days and weeks in UTC, half- and quarter-hour zones (Asia/Kolkata,
// Asia/Kathmandu, America/St_Johns), a DST change (Europe/Berlin) and an
// offset of seconds (Africa/Monrovia in 1971), every queue and one.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { migrate } from '../../operator/src/history/migrate.ts';
import { MIGRATIONS } from '../../operator/src/history/migrations/index.ts';
import { splitRange } from '../../operator/src/reports/buckets.ts';
import { parseReportParams, type ReportParams } from '../../operator/src/reports/params.ts';
import { type Query, queueReport, utcText } from '../../operator/src/reports/report.ts';
import { ROLLUP_LOCK, rollUp } from '../../operator/src/reports/rollup.ts';
import {
  ROLLUP_AGENT_CALLS_SQL,
  ROLLUP_HOURLY_SQL,
  ROLLUP_SUMMARY_SQL,
} from '../../operator/src/reports/rollup-sql.ts';
import { AGENT_CALLS_SQL, HOURLY_SQL, SUMMARY_SQL } from '../../operator/src/reports/sql.ts';
import { startTestPostgres, type TestPostgres, withClient } from '../support/postgres.ts';

let server: TestPostgres;
let pool: pg.Pool;
const query: Query = async (text, values) => pool.query(text, values);
const QUEUES = new Set(['q1', 'q2', 'q3']);
const LEVELS = new Map([
  ['q1', 20],
  ['q2', 0],
  ['q3', 45],
]);

type Row = [
  time: string,
  callid: string,
  queue: string | null,
  agent: string | null,
  event: string,
  d1?: string | null,
  d2?: string | null,
  d3?: string | null,
  d4?: string | null,
];

/** A small deterministic generator (mulberry32): the same rows every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const at = (ms: number) => {
  const d = new Date(Math.floor(ms));
  const micros = String(Math.floor((ms % 1) * 1000)).padStart(3, '0');
  return `${utcText(d)}${micros}`;
};

/** `calls` calls between start and start + days, as app_queue logs them. */
function calls(seed: number, count: number, start: number, days: number): Row[] {
  const r = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const rows: Row[] = [];
  for (let i = 0; i < count; i++) {
    const id = `s${seed}-${i}`;
    const t0 = start + r() * days * 86_400_000;
    const queue = pick(['q1', 'q1', 'q2', 'q3', null] as const);
    const agent = pick(['Ann', 'Bob', 'Cid', 'Dee', 'Eve']);
    const wait = Math.floor(r() * r() * 200);
    const waitText = r() < 0.03 ? 'x' : String(wait);
    const talk = String(Math.floor(r() * 900));
    const t = (s: number) => at(t0 + s * 1000 + r() * 999);
    rows.push([at(t0), id, queue, 'NONE', 'ENTERQUEUE', '', '0800', '1']);
    const outcome = r();
    if (outcome < 0.65) {
      if (r() < 0.2)
        rows.push([t(wait / 2), id, queue, pick(['Ann', 'Bob']), 'RINGNOANSWER', '15000']);
      rows.push([t(wait), id, queue, agent, 'CONNECT', waitText, 'peer', '2']);
      const end = pick(['COMPLETECALLER', 'COMPLETEAGENT', 'BLINDTRANSFER', 'ATTENDEDTRANSFER']);
      const talkText = r() < 0.03 ? '' : talk;
      const row: Row =
        end === 'BLINDTRANSFER'
          ? [t(wait + Number(talk)), id, queue, agent, end, '200', 'ctx', waitText, talkText]
          : end === 'ATTENDEDTRANSFER'
            ? [t(wait + Number(talk)), id, queue, agent, end, 'BRIDGE', 'b1', talkText, '1']
            : [t(wait + Number(talk)), id, queue, agent, end, waitText, talkText, '1'];
      rows.push(row);
    } else if (outcome < 0.8)
      rows.push([t(wait), id, queue, 'NONE', 'ABANDON', '1', '1', waitText]);
    else if (outcome < 0.9)
      rows.push([t(wait), id, queue, null, 'EXITWITHTIMEOUT', '1', '1', waitText]);
    else if (outcome < 0.95)
      rows.push([t(wait), id, queue, 'NONE', 'EXITEMPTY', '1', '1', waitText]);
    else rows.push([t(wait), id, queue, 'NONE', 'EXITWITHKEY', '5', '1', '1', waitText]);
  }
  return rows;
}

/** Rows on the edges of buckets and of local days (midnight in Kolkata 18:30 UTC, Kathmandu 18:15). */
const EDGES: Row[] = [
  ['2026-10-25 00:14:59.999999', 'e1', 'q1', 'NONE', 'ENTERQUEUE'],
  ['2026-10-25 00:15:00', 'e1', 'q1', 'Ann', 'CONNECT', '7'],
  ['2026-10-24 18:29:59.999999', 'e2', 'q2', 'NONE', 'ENTERQUEUE'],
  ['2026-10-24 18:30:00', 'e2', 'q2', 'Bob', 'CONNECT', '0'],
  ['2026-10-24 18:14:59.999999', 'e3', 'q3', 'NONE', 'ENTERQUEUE'],
  ['2026-10-24 18:15:00', 'e3', 'q3', 'NONE', 'ABANDON', '1', '1', '199'],
  ['2026-10-25 00:59:59.999999', 'e4', 'q1', 'Ann', 'COMPLETEAGENT', '7', '61', '1'],
  ['2026-10-25 01:00:00', 'e5', 'q1', 'NONE', 'ENTERQUEUE'],
  ['infinity', 'e6', 'q1', 'NONE', 'ENTERQUEUE'],
  ['-infinity', 'e7', 'q1', 'NONE', 'ENTERQUEUE'],
];

async function insert(rows: readonly Row[], client: pg.ClientBase | pg.Pool = pool): Promise<void> {
  const col = (i: number) => rows.map((r) => r[i] ?? null);
  await client.query(
    `INSERT INTO queue_log (time, callid, queuename, agent, event, data1, data2, data3, data4)
     SELECT * FROM unnest($1::timestamp[], $2::text[], $3::text[], $4::text[], $5::text[],
       $6::text[], $7::text[], $8::text[], $9::text[])`,
    Array.from({ length: 9 }, (_, i) => col(i)),
  );
}

function params(from: string, to: string, tz: string, queue?: string): ReportParams {
  const r = parseReportParams(
    { period: 'custom', from, to, tz, ...(queue ? { queue } : {}) },
    QUEUES,
    new Date('2027-01-01T00:00:00Z'),
  );
  assert.ok(r.ok, JSON.stringify(r));
  return r.params;
}

const PERIODS: ReportParams[] = [];
for (const tz of ['UTC', 'Asia/Kolkata', 'Asia/Kathmandu', 'Europe/Berlin', 'America/St_Johns'])
  for (const queue of [undefined, 'q1'])
    for (const [from, to] of [
      ['2026-10-24', '2026-10-24'],
      ['2026-10-25', '2026-10-25'],
      ['2026-10-26', '2026-10-26'],
      ['2026-10-23', '2026-10-28'],
      ['2026-10-01', '2026-10-31'],
    ] as const)
      PERIODS.push(params(from, to, tz, queue));
PERIODS.push(params('1971-06-01', '1971-06-01', 'Africa/Monrovia'));
PERIODS.push(params('1971-05-31', '1971-06-02', 'Africa/Monrovia', 'q1'));

const sortBy = <T extends Record<string, unknown>>(rows: T[], key: keyof T) =>
  [...rows].sort((a, b) => String(a[key]).localeCompare(String(b[key])));

/** Raw and rollup figures of a period, side by side. */
async function both(p: ReportParams) {
  const base = [utcText(p.range.from), utcText(p.range.to), p.queue ?? null];
  const s = splitRange(p.range);
  const rolled = [...base, utcText(s.fullFrom), utcText(s.fullTo)];
  const levels = [[...LEVELS.keys()], [...LEVELS.values()]];
  const rows = async (sql: string, values: unknown[]) => (await pool.query(sql, values)).rows;
  return {
    raw: {
      summary: await rows(SUMMARY_SQL, [...base, ...levels]),
      hourly: await rows(HOURLY_SQL, [...base, p.timeZone]),
      agents: sortBy(await rows(AGENT_CALLS_SQL, base), 'agent'),
    },
    rollup: {
      summary: await rows(ROLLUP_SUMMARY_SQL, [...rolled, ...levels]),
      hourly: await rows(ROLLUP_HOURLY_SQL, [...rolled, p.timeZone]),
      agents: sortBy(await rows(ROLLUP_AGENT_CALLS_SQL, rolled), 'agent'),
    },
  };
}

async function assertEqualEverywhere(stage: string): Promise<void> {
  let answered = 0;
  for (const p of PERIODS) {
    const { raw, rollup } = await both(p);
    const what = `${stage}: ${p.firstDay}..${p.lastDay} ${p.timeZone} ${p.queue ?? 'all'}`;
    assert.deepEqual(rollup, raw, what);
    answered += Number(raw.summary[0]?.answered ?? 0);
  }
  assert.ok(answered > 1000, `${stage}: the periods hold calls (${answered} answered)`);
}

const count = async (table: string) =>
  Number((await pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n);

before(async () => {
  server = await startTestPostgres();
  // A database with history from before the rollup (version 5), then upgraded.
  const access = await server.database('rollup');
  await withClient(access, (c) => migrate(c, MIGRATIONS.slice(0, 5)));
  pool = new pg.Pool({ ...access, max: 5 });
  pool.on('error', () => undefined); // idle connections closed by the server's stop
  await insert(calls(9, 500, Date.UTC(2026, 9, 22), 4));
  await withClient(access, (c) => migrate(c, MIGRATIONS));
});
after(async () => {
  await pool?.end();
  await server?.close();
});

describe('report rollup on real PostgreSQL', () => {
  const oct20 = Date.UTC(2026, 9, 20);

  it('before any run every bucket is stale and read raw; after one, from the rollup', async () => {
    const { rows } = await pool.query(
      `SELECT (SELECT count(DISTINCT date_bin('15 minutes', time, timestamp '1970-01-01')) FROM queue_log)::int AS history,
         (SELECT count(DISTINCT bucket) FROM report_rollup_dirty)::int AS marked`,
    );
    assert.ok(rows[0].history > 300);
    assert.equal(rows[0].marked, rows[0].history, 'migration 0006 marks the history already there');
    await insert(calls(1, 3000, oct20, 10));
    await insert(EDGES);
    await insert([[null as unknown as string, 'e8', 'q1', 'NONE', 'ENTERQUEUE']]);
    await insert(calls(2, 40, Date.UTC(1971, 4, 31), 3));
    assert.ok((await count('report_rollup_dirty')) > 0, 'the writes marked their buckets');
    await assertEqualEverywhere('nothing rolled up');
    const out = await rollUp(pool, 100); // several chunks
    assert.ok(out.ran && out.buckets > 400, `rolled ${out.buckets} buckets`);
    assert.equal(await count('report_rollup_dirty'), 0);
    assert.ok((await count('report_rollup_wait')) > 1000);
    await assertEqualEverywhere('all rolled up');
  });

  it('late rows into rolled-up buckets are read raw until the next run', async () => {
    await insert(calls(3, 300, oct20, 10));
    await insert([['2026-10-25 00:15:00', 'late', 'q1', 'Eve', 'CONNECT', '33']]);
    await assertEqualEverywhere('late rows, not rolled');
    const out = await rollUp(pool);
    assert.ok(out.buckets > 100 && out.buckets < 400, `rebuilt ${out.buckets} buckets`);
    await assertEqualEverywhere('late rows rolled');
  });

  it('a writer that commits after the rollup passed its id is not lost', async () => {
    const writer = await pool.connect();
    try {
      await writer.query('BEGIN');
      await insert(calls(4, 50, oct20 + 5 * 86_400_000, 1), writer); // takes ids now
      await insert(calls(5, 50, oct20 + 4 * 86_400_000, 1)); // higher ids, committed first
      const out = await rollUp(pool);
      assert.ok(out.buckets > 0);
      await writer.query('COMMIT');
    } finally {
      writer.release();
    }
    await assertEqualEverywhere('out-of-order commit, not rolled');
    await rollUp(pool);
    await assertEqualEverywhere('out-of-order commit rolled');
  });

  it('deleted and changed rows mark their buckets too', async () => {
    await pool.query(`DELETE FROM queue_log WHERE callid LIKE 's1-1%'`);
    await pool.query(
      `UPDATE queue_log SET time = time + interval '20 minutes' WHERE callid LIKE 's1-2%'`,
    );
    await assertEqualEverywhere('deleted and moved, not rolled');
    await rollUp(pool);
    assert.equal(await count('report_rollup_dirty'), 0);
    await assertEqualEverywhere('deleted and moved, rolled');
  });

  it('the report through queueReport equals the raw one; one runner at a time', async () => {
    const p = params('2026-10-23', '2026-10-28', 'Asia/Kathmandu');
    const r = await queueReport(query, p, LEVELS, () => null, new Date('2027-01-01T00:00:00Z'));
    const raw = (
      await pool.query(SUMMARY_SQL, [
        utcText(p.range.from),
        utcText(p.range.to),
        null,
        [...LEVELS.keys()],
        [...LEVELS.values()],
      ])
    ).rows[0];
    assert.equal(r.summary.offered, raw.offered);
    assert.equal(r.summary.p90WaitSeconds, Math.round(raw.p90_wait * 10) / 10);
    assert.ok(r.agents.length >= 5);
    // A second runner while one holds the lock does nothing.
    const holder = await pool.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(${ROLLUP_LOCK})`);
      await insert([['2026-10-26 10:00:00', 'z', 'q2', 'NONE', 'ENTERQUEUE']]);
      assert.equal((await rollUp(pool)).ran, false);
      assert.ok((await count('report_rollup_dirty')) > 0);
      await holder.query(`SELECT pg_advisory_unlock(${ROLLUP_LOCK})`);
    } finally {
      holder.release();
    }
    assert.equal((await rollUp(pool)).ran, true);
    await assertEqualEverywhere('final');
  });
});
