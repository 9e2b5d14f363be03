// The report queries on a real PostgreSQL with queue-log rows shaped as
// app_queue writes them (test/fixtures/reports-queue-log.ts): every figure
// against values worked out by hand, for a UTC day, the same rows seen from
// Tokyo (the local day starts at 15:00 UTC), a queue alone, and "today" on
// either side of a zone's midnight (the open end is now, not the day's end).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { parseReportParams, type ReportParams } from '../../operator/src/reports/params.ts';
import { type AgentRow, type Query, queueReport } from '../../operator/src/reports/report.ts';
import {
  queueLogInsert,
  REPORT_QUEUE_LOG,
  REPORT_SERVICE_LEVELS,
} from '../fixtures/reports-queue-log.ts';
import { startTestPostgres, type TestPostgres } from '../support/postgres.ts';

let server: TestPostgres;
let pool: pg.Pool;
const query: Query = async (text, values) => pool.query(text, values);
const QUEUES = new Set(REPORT_SERVICE_LEVELS.keys());
const agentOf = (m: string) => (m === 'Ann Agent' ? 'ann' : null);
const LATER = new Date('2026-12-06T12:00:00Z');

function params(q: Record<string, string>, now = LATER): ReportParams {
  const r = parseReportParams(q, QUEUES, now);
  assert.ok(r.ok, JSON.stringify(r));
  return r.params;
}
const day = (d: string, extra: Record<string, string> = {}) =>
  params({ period: 'custom', from: d, to: d, ...extra });
const byMember = (agents: AgentRow[]) => Object.fromEntries(agents.map((a) => [a.member, a]));

before(async () => {
  server = await startTestPostgres();
  pool = new pg.Pool({ ...(await server.historyDatabase('reports')), max: 5 });
  pool.on('error', () => undefined); // idle connections closed by the server's stop
  const insert = queueLogInsert(REPORT_QUEUE_LOG);
  await pool.query(insert.text, insert.values);
});
after(async () => {
  await pool?.end();
  await server?.close();
});

describe('queue reports on real PostgreSQL', () => {
  it('a UTC day, every queue', async () => {
    const r = await queueReport(query, day('2026-11-10'), REPORT_SERVICE_LEVELS, agentOf, LATER);
    assert.deepEqual(r.summary, {
      offered: 7, // c1..c5 (c5 enters 23:59:50), s1, s2
      answered: 4, // c1, c2, c4, s2 (c5 is answered on the 11th)
      abandoned: 1, // c3
      timedOut: 1, // s1
      answeredWithinServiceLevel: 3, // c1 10<=20, c4 5<=20, s2 8<=30; c2 25>20
      serviceLevelPercent: 75,
      averageWaitSeconds: 12, // (10+25+5+8)/4
      p90WaitSeconds: 20.5, // [5,8,10,25] at 0.9*3=2.7: 10+0.7*15
      longestWaitSeconds: 50, // s1's timeout beats c3's 40
      averageHandleSeconds: 270, // (300+120+60+600)/4
    });
    const hours = Object.fromEntries(
      r.hours.filter((h) => h.offered + h.answered + h.abandoned > 0).map((h) => [h.hour, h]),
    );
    assert.deepEqual(hours, {
      9: { hour: 9, offered: 2, answered: 2, abandoned: 0 },
      11: { hour: 11, offered: 2, answered: 1, abandoned: 1 },
      14: { hour: 14, offered: 1, answered: 0, abandoned: 0 },
      15: { hour: 15, offered: 1, answered: 1, abandoned: 0 },
      23: { hour: 23, offered: 1, answered: 0, abandoned: 0 },
    });
    assert.equal(r.hours.length, 24);
    assert.deepEqual(byMember(r.agents), {
      'Ann Agent': {
        member: 'Ann Agent',
        agent: 'ann',
        answered: 2,
        missed: 1,
        talkSeconds: 660,
        averageHandleSeconds: 330,
        signedInSeconds: 18 * 3600, // support from before the day to 17:00 ∪ sales 06:00-18:00
        pausedSeconds: { lunch: 3600, training: 900 }, // 08:00-08:30 once, 10:15-10:45; 10:00-10:15
      },
      'Bob Agent': {
        member: 'Bob Agent',
        agent: null,
        answered: 2,
        missed: 0,
        talkSeconds: 420,
        averageHandleSeconds: 210,
        signedInSeconds: 15 * 3600, // 09:00 to the day's end
        pausedSeconds: { '': 600 },
      },
    });
  });

  it('one queue alone', async () => {
    const r = await queueReport(
      query,
      day('2026-11-10', { queue: 'support' }),
      REPORT_SERVICE_LEVELS,
      agentOf,
      LATER,
    );
    assert.equal(r.summary.offered, 5);
    assert.equal(r.summary.answered, 3);
    assert.equal(r.summary.timedOut, 0);
    assert.equal(r.summary.serviceLevelPercent, 66.7);
    assert.equal(r.summary.longestWaitSeconds, 40);
    assert.equal(r.summary.averageHandleSeconds, 160); // (300+120+60)/3
    const ann = byMember(r.agents)['Ann Agent'];
    assert.equal(ann?.signedInSeconds, 17 * 3600);
    assert.deepEqual(ann?.pausedSeconds, { lunch: 3600, training: 900 });
    assert.equal(ann?.answered, 1);
  });

  it('the same rows from Tokyo: the local day starts at 15:00 UTC', async () => {
    const r = await queueReport(
      query,
      day('2026-11-11', { tz: 'Asia/Tokyo' }),
      REPORT_SERVICE_LEVELS,
      agentOf,
      LATER,
    );
    assert.deepEqual(r.summary, {
      offered: 2, // s2 at exactly 15:00:00 UTC (included), c5
      answered: 2,
      abandoned: 0,
      timedOut: 0,
      answeredWithinServiceLevel: 1, // s2 8<=30; c5 30>20
      serviceLevelPercent: 50,
      averageWaitSeconds: 19,
      p90WaitSeconds: 27.8, // 8+0.9*22
      longestWaitSeconds: 30,
      averageHandleSeconds: 330,
    });
    const busy = r.hours.filter((h) => h.offered + h.answered > 0);
    assert.deepEqual(busy, [
      { hour: 0, offered: 1, answered: 1, abandoned: 0 }, // s2, 00:00 in Tokyo
      { hour: 8, offered: 1, answered: 0, abandoned: 0 }, // c5 enters 08:59:50
      { hour: 9, offered: 0, answered: 1, abandoned: 0 }, // and is answered 09:00:20
    ]);
    const agents = byMember(r.agents);
    assert.equal(agents['Ann Agent']?.signedInSeconds, 3 * 3600); // 15:00-18:00 UTC
    assert.deepEqual(agents['Ann Agent']?.pausedSeconds, {});
    assert.equal(agents['Bob Agent']?.signedInSeconds, 24 * 3600);
    assert.equal(agents['Bob Agent']?.talkSeconds, 60);
  });

  it('"today" on either side of midnight: New York still on the 10th, UTC already on the 11th', async () => {
    const now = new Date('2026-11-11T03:00:00Z');
    const ny = params({ period: 'today', tz: 'America/New_York' }, now);
    assert.equal(ny.firstDay, '2026-11-10');
    assert.equal(ny.range.from.toISOString(), '2026-11-10T05:00:00.000Z');
    const r = await queueReport(query, ny, REPORT_SERVICE_LEVELS, agentOf, now);
    assert.equal(r.summary.offered, 7);
    assert.equal(r.summary.answered, 5); // c5 at 00:00:20 UTC is 19:00 in New York
    const agents = byMember(r.agents);
    assert.equal(agents['Bob Agent']?.signedInSeconds, 18 * 3600); // 09:00 until now, 03:00
    assert.equal(agents['Ann Agent']?.signedInSeconds, 13 * 3600); // 05:00-18:00

    const utc = params({ period: 'today', tz: 'UTC' }, now);
    assert.equal(utc.firstDay, '2026-11-11');
    const u = await queueReport(query, utc, REPORT_SERVICE_LEVELS, agentOf, now);
    assert.equal(u.summary.offered, 0);
    assert.equal(u.summary.answered, 1);
    assert.equal(byMember(u.agents)['Bob Agent']?.signedInSeconds, 3 * 3600);
    assert.equal(byMember(u.agents)['Ann Agent'], undefined, 'Ann left on the 10th');
  });

  it('an empty period answers zeros and nulls, not errors', async () => {
    const r = await queueReport(query, day('2025-01-01'), REPORT_SERVICE_LEVELS, agentOf, LATER);
    assert.deepEqual(r.summary, {
      offered: 0,
      answered: 0,
      abandoned: 0,
      timedOut: 0,
      answeredWithinServiceLevel: 0,
      serviceLevelPercent: null,
      averageWaitSeconds: null,
      p90WaitSeconds: null,
      longestWaitSeconds: null,
      averageHandleSeconds: null,
    });
    assert.deepEqual(r.agents, []);
  });
});
