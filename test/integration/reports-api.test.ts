// The reports API in the real operator process (real control plane, real
// PostgreSQL with the fixture queue log): the admin's JSON and CSV for a
// period and queue, each bad parameter answered 400 naming it, an agent
// refused (403) but answered with their own calls today, and a database that
// is down answered 503 with the reason (never the password), then back.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DatabaseAccess } from '../../scripts/lib/postgres-process.ts';
import { queueLogInsert, REPORT_QUEUE_LOG } from '../fixtures/reports-queue-log.ts';
import { ApiSession, signInAdmin } from '../support/api-session.ts';
import { createNamespace, testCluster } from '../support/cluster.ts';
import { installCrds } from '../support/crds.ts';
import { type CreatedAgent, createHrAgent } from '../support/hr-agents.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import { startTestPostgres, type TestPostgres, withClient } from '../support/postgres.ts';
import { Resources } from '../support/resources.ts';
import { waitUntil } from '../support/wait.ts';

const cluster = testCluster();
let ns: Awaited<ReturnType<typeof createNamespace>>;
let r: Resources;
let postgres: TestPostgres;
let db: DatabaseAccess;
let secrets: string;
let operator: OperatorProcess;
let admin: ApiSession;
let agent: ApiSession;
let ann: CreatedAgent;
let annUser = '';

interface ErrorBody {
  message: string;
  errors?: { field: string; message: string }[];
}
const DAY = '/reports/queues?period=custom&from=2026-11-10&to=2026-11-10&tz=UTC';

before(async () => {
  await installCrds(cluster);
  ns = await createNamespace(cluster, 'reports-api');
  r = new Resources(cluster, ns.name);
  postgres = await startTestPostgres();
  db = await postgres.historyDatabase('reports_api');
  const insert = queueLogInsert(REPORT_QUEUE_LOG);
  await withClient(db, (c) => c.query(insert.text, insert.values));
  secrets = mkdtempSync(join(tmpdir(), 'switchboard-reports-'));
  writeFileSync(join(secrets, 'password'), db.password, { mode: 0o600 });
  operator = await startOperator(cluster, ns.name, 'reports-api', {
    HISTORY_DB_HOST: db.host,
    HISTORY_DB_PORT: String(db.port),
    HISTORY_DB_NAME: db.database,
    HISTORY_DB_USER: db.user,
    HISTORY_DB_PASSWORD_FILE: join(secrets, 'password'),
    HISTORY_DB_SSLMODE: 'disable',
  });
  await r.createConfig({ extensions: { start: 1000, end: 1099 } });
  await r.createQueue('support', { numbers: ['201'], serviceLevelSeconds: 20 });
  await r.createQueue('sales', { numbers: ['202'], serviceLevelSeconds: 30 });
  const base = `http://127.0.0.1:${operator.port}`;
  ({ session: admin } = await signInAdmin(r, base));
  ann = await createHrAgent(admin, 'Ann Agent', 'ann-login-pw');
  annUser = ann.sipCredentials.username;
  agent = new ApiSession(base);
  await waitUntil(
    'the agent can sign in',
    async () => (await agent.login(annUser, 'ann-login-pw')).status === 200,
  );
  await waitUntil(
    'the operator knows both queues',
    async () => (await admin.call('GET', `${DAY}&queue=sales`)).status === 200,
  );
  // Ann's own call records today (UTC): two answered calls (out and in), one
  // not answered; yesterday's and another agent's (a longer name) do not count.
  await withClient(db, (c) =>
    c.query(
      `WITH t AS (SELECT date_trunc('day', now() AT TIME ZONE 'UTC') AS d)
       INSERT INTO cdr (start, answer, "end", channel, dstchannel, billsec, disposition, linkedid)
       SELECT d + s, CASE WHEN a THEN d + s END, d + s, ch, dch, b, CASE WHEN a THEN 'ANSWERED' ELSE 'NO ANSWER' END, l
       FROM t, (VALUES
         (interval '1 second', true, $1 || '-00000001', 'PJSIP/echo-00000002', 45, 'k1'),
         (interval '2 seconds', true, 'PJSIP/caller-00000003', $1 || '-00000004', 30, 'k2'),
         (interval '3 seconds', false, 'PJSIP/caller-00000005', $1 || '-00000006', 0, 'k3'),
         (interval '-1 second', true, $1 || '-00000007', '', 100, 'k4'),
         (interval '4 seconds', true, $1 || 'x-00000008', '', 999, 'k5')
       ) AS v(s, a, ch, dch, b, l)`,
      [`PJSIP/${annUser}`],
    ),
  );
});
after(async () => {
  await operator?.stop();
  await postgres?.close();
  await ns?.cleanup();
  if (secrets) rmSync(secrets, { recursive: true, force: true });
});

describe('reports API', () => {
  it('answers the admin the figures of a day, with members mapped to agents', async () => {
    const res = await admin.call<{
      period: Record<string, string>;
      queues: string[];
      summary: Record<string, number>;
      hours: unknown[];
      agents: { member: string; agent: string | null; answered: number }[];
    }>('GET', DAY);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.deepEqual(res.body.period, {
      name: 'custom',
      firstDay: '2026-11-10',
      lastDay: '2026-11-10',
      timeZone: 'UTC',
      from: '2026-11-10T00:00:00.000Z',
      to: '2026-11-11T00:00:00.000Z',
    });
    assert.deepEqual(res.body.queues, ['sales', 'support']); // the hotline feeds support (the default)
    assert.equal(res.body.summary.offered, 7);
    assert.equal(res.body.summary.serviceLevelPercent, 75);
    assert.equal(res.body.summary.p90WaitSeconds, 20.5);
    assert.equal(res.body.hours.length, 24);
    const annRow = res.body.agents.find((a) => a.member === 'Ann Agent');
    assert.equal(annRow?.agent, ann.user.id);
    assert.equal(annRow?.answered, 2);
  });

  it('downloads each table as CSV', async () => {
    const summary = await admin.call(
      'GET',
      `${DAY}&queue=support`.replace('/queues?', '/queues.csv?'),
    );
    assert.equal(summary.status, 200, summary.text);
    assert.match(summary.headers.get('content-type') ?? '', /^text\/csv/);
    assert.equal(
      summary.headers.get('content-disposition'),
      'attachment; filename="summary-support-2026-11-10-2026-11-10.csv"',
    );
    assert.equal(
      summary.text,
      'offered,answered,abandoned,timed_out,answered_within_service_level,service_level_percent,average_wait_s,p90_wait_s,longest_wait_s,average_handle_s\r\n' +
        '5,3,1,0,2,66.7,13.3,22,40,160\r\n',
    );
    const agents = await admin.call('GET', DAY.replace('/queues?', '/queues.csv?table=agents&'));
    assert.equal(agents.status, 200);
    assert.match(
      agents.text,
      /^member,agent,answered,missed,talk_s,average_handle_s,signed_in_s,paused_no_reason_s,paused_lunch_s,paused_training_s\r\n/,
    );
    assert.match(
      agents.text,
      new RegExp(`\r\nAnn Agent,${ann.user.id},2,1,660,330,64800,0,3600,900\r\n`),
    );
    const hours = await admin.call('GET', DAY.replace('/queues?', '/queues.csv?table=hours&'));
    assert.equal(hours.text.split('\r\n').length, 26); // header, 24 hours, final line end
  });

  it('answers bad parameters 400, naming each', async () => {
    const cases: [string, string, RegExp][] = [
      ['period=custom&from=2016-01-01&to=2026-01-01', 'to', /at most 400 days/],
      ['queue=nosuchqueue', 'queue', /no queue named "nosuchqueue"/],
      ['period=custom&from=2026-13-01&to=2026-12-01', 'from', /YYYY-MM-DD/],
      ['tz=Mars%2FOlympus', 'tz', /IANA time zone/],
      ['period=decade', 'period', /one of today, 7d, 30d, custom/],
    ];
    for (const [q, field, message] of cases) {
      const res = await admin.call<ErrorBody>('GET', `/reports/queues?${q}`);
      assert.equal(res.status, 400, q);
      assert.equal(res.body.errors?.[0]?.field, field, q);
      assert.match(res.body.errors?.[0]?.message ?? '', message, q);
      assert.match(res.body.message, new RegExp(`^invalid request: ${field}: `));
    }
    const table = await admin.call<ErrorBody>('GET', '/reports/queues.csv?table=secrets');
    assert.equal(table.status, 400);
    assert.equal(table.body.errors?.[0]?.field, 'table');
  });

  it('refuses agents (403) and strangers (401)', async () => {
    assert.equal((await agent.call('GET', DAY)).status, 403);
    assert.equal((await agent.call('GET', DAY.replace('/queues?', '/queues.csv?'))).status, 403);
    assert.equal((await new ApiSession(admin.base).call('GET', DAY)).status, 401);
  });

  it("gives an agent their own calls today, and nobody else's", async () => {
    const res = await agent.call<Record<string, unknown>>('GET', '/softphone/history?tz=UTC');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(
      { ...res.body, day: undefined },
      { day: undefined, timeZone: 'UTC', answered: 2, unanswered: 1, talkSeconds: 75 },
    );
    // No parameter names another agent; the admin has no phone history.
    assert.equal((await admin.call('GET', '/softphone/history')).status, 403);
    const bad = await agent.call<ErrorBody>('GET', '/softphone/history?tz=Nowhere%2FLand');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors?.[0]?.field, 'tz');
  });

  it('answers 503 with the reason while the database is down, and recovers', async () => {
    await postgres.server.stop();
    try {
      for (const [session, path] of [
        [admin, DAY],
        [agent, '/softphone/history'],
      ] as const) {
        const res = await session.call<ErrorBody>('GET', path);
        assert.equal(res.status, 503, res.text);
        assert.match(
          res.body.message,
          /^call history is unavailable: connection refused by 127\.0\.0\.1:\d+$/,
        );
        assert.ok(!res.text.includes(db.password));
      }
    } finally {
      await postgres.server.start();
    }
    await waitUntil(
      'reports answer again',
      async () => (await admin.call('GET', DAY)).status === 200,
      15_000,
    );
  });
});
