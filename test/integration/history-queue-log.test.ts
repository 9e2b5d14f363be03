// The queue log in PostgreSQL on a real Asterisk 22: the history folder loads
// res_config_pgsql and sends app_queue's log through realtime into the
// queue_log table (migration 0002, Asterisk's adaptive data1..data5 columns),
// times in UTC. Proven with real calls through real queues the operator
// rendered, and agent states changed through the operator:
//   - members: the operator adds an agent with QueueAdd (ADDMEMBER), the
//     agent pauses with a reason and comes back through the API
//     (QueuePause: PAUSE with the reason, UNPAUSE), signs out (REMOVEMEMBER)
//   - calls: AMI Originates of Local/<queue number> (test/support/queue-callers.ts)
//     answered by "desks", queue members the test adds over AMI (QueueAdd,
//     as the operator adds agents) that are Local channels into a test
//     context: one answers (Echo), one rings and never answers. Browsers
//     would answer the same way app_queue sees it (a member channel that
//     answers or not); they cost two cores' worth of time this test does
//     not need.
// Every row the calls leave is compared, with its ids and times made
// generic, to the transcript in test/fixtures/queue-log.tsv (the README
// shows it): SWITCHBOARD_WRITE_FIXTURES=1 rewrites it from a run.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, afterEach, before, describe, it } from 'node:test';
import pg from 'pg';
import pino from 'pino';
import { AmiClient } from '../../operator/src/asterisk/ami/client.ts';
import { SpoolShipper } from '../../operator/src/history/spool.ts';
import { silentLogger } from '../../operator/src/log.ts';
import { historyEnv, spoolFile, writeHistoryConfig } from '../../scripts/lib/asterisk-history.ts';
import type { AsteriskProcess } from '../../scripts/lib/asterisk-process.ts';
import { operatorHistoryEnv } from '../../scripts/lib/history-database.ts';
import type { DatabaseAccess } from '../../scripts/lib/postgres-process.ts';
import { ApiSession, signInAdmin } from '../support/api-session.ts';
import { createNamespace, testCluster } from '../support/cluster.ts';
import { type CreatedAgent, createHrAgent } from '../support/hr-agents.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import { startTestPostgres, type TestPostgres, withClient } from '../support/postgres.ts';
import { addQueueCallers, field, type QueueCallers } from '../support/queue-callers.ts';
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
let callers: QueueCallers;
let desks: AmiClient;
let ann: CreatedAgent;
let annSession: ApiSession;
let pool: pg.Pool;
let shipper: SpoolShipper;
const figures: Record<string, string> = {};
const LOGIN = 'agent-login-pw';
const FIXTURE = new URL('../fixtures/queue-log.tsv', import.meta.url);

export interface QueueLogRow {
  time: Date;
  callid: string;
  queuename: string;
  agent: string;
  event: string;
  data1: string;
  data2: string;
  data3: string;
  data4: string;
  data5: string;
}

const rows = (where: string, params: unknown[]) =>
  withClient(db, async (c) => {
    const { rows } = await c.query<QueueLogRow>(
      `SELECT time, callid, queuename, agent, event, data1, data2, data3, data4, data5
         FROM queue_log WHERE ${where} ORDER BY time, id`,
      params,
    );
    return rows;
  });
const ofCall = (id: string) => rows('callid = $1', [id]);

/** Waits until the call's rows include `event`; returns all of them. */
async function rowsUntil(id: string, event: string, timeoutMs = 20_000): Promise<QueueLogRow[]> {
  let found: QueueLogRow[] = [];
  await waitUntil(
    `${event} of ${id} in queue_log`,
    async () => {
      found = await ofCall(id);
      return found.some((row) => row.event === event);
    },
    timeoutMs,
    50,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; its rows: ${JSON.stringify(found)}`);
  });
  return found;
}

/**
 * The desks: a context the test adds to the base dialplan (before its last
 * line, the generated #include), and an AMI user that may add and remove
 * queue members (class agent) and transfer calls (class call).
 */
function addDesks(asterisk: AsteriskProcess): AmiClient {
  const path = join(asterisk.etcDir, 'extensions.conf');
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  const last = lines.pop() ?? '';
  const desk = [
    '[history-desks]',
    'exten => answer,1,Answer()',
    ' same => n,Echo()',
    // answers, then hangs up by itself after 1 s: the agent ends the call
    'exten => brief,1,Answer()',
    ' same => n,Wait(1)',
    ' same => n,Hangup()',
    'exten => ring,1,Ringing()',
    ' same => n,Wait(600)',
    '',
  ];
  writeFileSync(path, `${[...lines, ...desk, last].join('\n')}\n`);
  const secret = randomBytes(16).toString('hex');
  appendFileSync(
    join(asterisk.etcDir, 'ami', 'manager_user.conf'),
    `\n[test-desks]\nsecret = ${secret}\nread = agent,call\nwrite = agent,call\n`,
  );
  return new AmiClient({
    host: '127.0.0.1',
    port: asterisk.amiPort,
    username: 'test-desks',
    secret,
    actionTimeoutMs: 20_000,
    logger: pino({ level: 'silent' }),
  });
}

type Desk = 'answer' | 'brief' | 'ring';
const addDesk = (queue: string, desk: Desk, name: string) =>
  desks.action({
    action: 'QueueAdd',
    queue,
    interface: `Local/${desk}@history-desks/n`,
    membername: name,
  });
const removeDesk = (queue: string, desk: Desk) =>
  desks.action({ action: 'QueueRemove', queue, interface: `Local/${desk}@history-desks/n` });

/** The channel that answered caller `id` (AgentConnect's DestChannel: the desk's Local ;1 leg). */
async function answeredBy(id: string): Promise<string> {
  const connect = await callers.waitFor(
    'AgentConnect',
    (f) => field(f, 'uniqueid') === id,
    `${id} answered`,
  );
  return field(connect.f, 'destchannel');
}
/** Hangs up caller `id` (its ;1 leg, the one playing music: the ;2 leg in the queue follows). */
const callerHangsUp = (id: string) => {
  const ch = callers.of(`o-${id}`, 'Newchannel')[0];
  assert.ok(ch, `caller ${id} has a channel`);
  return callers.client.action({ action: 'Hangup', channel: field(ch.f, 'channel') });
};
const newId = (what: string) => `ql-${what}-${randomBytes(3).toString('hex')}`;

const DATA = ['data1', 'data2', 'data3', 'data4', 'data5'] as const;

/** A row as the fixture holds it: tab-separated, time in UTC to the microsecond Asterisk wrote. */
const line = (row: QueueLogRow) =>
  [
    row.time.toISOString(),
    row.callid,
    row.queuename,
    row.agent,
    row.event,
    ...DATA.map((d) => row[d]),
  ]
    .join('\t')
    .replace(/\t+$/, '');

/** A fixture line with what changes from run to run made generic: times, ids, durations. */
function generic(fixtureLine: string): string {
  const [, callid = '', ...rest] = fixtureLine.split('\t');
  return [callid.startsWith('ql-') ? '<caller>' : callid, ...rest]
    .map((v) => (/^\d+\.\d+$/.test(v) ? '<uniqueid>' : /^\d+$/.test(v) ? '<n>' : v))
    .join('\t');
}

const transcript: { scenario: string; rows: QueueLogRow[] }[] = [];

before(async () => {
  ns = await createNamespace(cluster, 'history-queue-log');
  r = new Resources(cluster, ns.name);
  postgres = await startTestPostgres();
  db = await postgres.historyDatabase('history');
  // Asterisk in a time zone of its own (UTC+05:30): the rows must still be UTC.
  pbx = await startRealAsterisk(cluster, r, { env: { ...historyEnv(db), TZ: 'Asia/Kolkata' } });
  writeHistoryConfig(pbx.asterisk, db);
  desks = addDesks(pbx.asterisk);
  const callerUser = addQueueCallers(pbx.asterisk);
  operator = await startOperator(cluster, ns.name, 'history-queue-log', {
    ASTERISK_POLL_MS: '100',
    ...operatorHistoryEnv(db, join(postgres.dir, 'operator-password')),
  });
  await r.createConfig({
    ami: pbx.amiSpec,
    asteriskWsUrl: pbx.asterisk.wsUrl,
    transports: { ws: true, wss: false },
    agentStates: { pauseReasons: ['break', 'lunch'] },
  });
  // support: every agent of the queue (the HR agents' default), rings 5 s.
  await r.createQueue('support', {
    numbers: ['117'],
    strategy: 'ringall',
    ringSeconds: 5,
    retrySeconds: 1,
    maxWaitSeconds: 120,
    joinWithoutAgents: true,
    stayWithoutAgents: true,
  });
  // short: nobody may serve it; a caller waits 10 s, then leaves with a timeout.
  await r.createQueue('short', {
    numbers: ['140'],
    maxWaitSeconds: 10,
    joinWithoutAgents: true,
    stayWithoutAgents: true,
    members: { skills: ['nobody-has-this'] },
  });
  await pbx.start();
  // The spool's shipper, as the sidecar beside Asterisk runs it, all along.
  pool = new pg.Pool({ ...db, max: 2 });
  pool.on('error', () => undefined); // PostgreSQL stopped under an idle client
  shipper = new SpoolShipper({
    path: spoolFile(pbx.asterisk),
    pool,
    logger: silentLogger,
    intervalMs: 200,
  });
  shipper.start();
  callers = await callerUser.connect();
  desks.start();
  await desks.ready(10_000);
  const base = `http://127.0.0.1:${operator.port}`;
  const { session: admin } = await signInAdmin(r, base);
  ann = await createHrAgent(admin, 'Ann Agent', LOGIN);
  await waitUntil(
    'Ann Provisioned',
    async () => condition(await r.agent(ann.user.id), 'Provisioned')?.status === 'True',
    30_000,
  );
  annSession = new ApiSession(base);
  assert.equal((await annSession.login(ann.sipCredentials.username, LOGIN)).status, 200);
  for (const q of ['117', '140'])
    await waitUntil(
      `${q} reaches its queue`,
      async () => /Queue\(/.test(await pbx.asterisk.cli(`dialplan show ${q}@switchboard-agents`)),
      30_000,
      100,
    );
});
after(async () => {
  const lines = transcript.flatMap(({ scenario, rows }) => [`# ${scenario}`, ...rows.map(line)]);
  if (process.env.SWITCHBOARD_WRITE_FIXTURES && transcript.length > 0)
    writeFileSync(FIXTURE, `${lines.join('\n')}\n`);
  console.log(`figures (queue log): ${JSON.stringify(figures, null, 1)}`);
  await shipper?.stop();
  await pool?.end();
  await callers?.stop();
  await desks?.stop();
  await operator?.stop();
  await pbx?.close();
  await postgres?.close();
  await ns?.cleanup();
});

afterEach(async () => {
  // whatever a test left: its callers, its desks
  await callers?.hangUpAll();
  for (const desk of ['answer', 'brief', 'ring'] as const)
    await removeDesk('support', desk).catch(() => undefined);
});

/** The fixture's rows for one scenario. */
function expected(scenario: string): string[] {
  const text = readFileSync(FIXTURE, 'utf8');
  const start = text.indexOf(`# ${scenario}\n`);
  assert.ok(start >= 0, `the fixture has "${scenario}"`);
  const rest = text.slice(start).split('\n').slice(1);
  const end = rest.findIndex((l) => l.startsWith('# ') || l === '');
  return rest.slice(0, end);
}
/** Keeps the rows for the transcript; they must be the fixture's, but for times, ids and durations. */
function record(scenario: string, found: QueueLogRow[]): QueueLogRow[] {
  transcript.push({ scenario, rows: found });
  if (!process.env.SWITCHBOARD_WRITE_FIXTURES)
    assert.deepEqual(found.map(line).map(generic), expected(scenario).map(generic));
  return found;
}
/** The one row of `event` among `found`. */
function only(found: QueueLogRow[], event: string): QueueLogRow {
  const matching = found.filter((row) => row.event === event);
  assert.equal(matching.length, 1, `one ${event} in ${JSON.stringify(found)}`);
  return matching[0] as QueueLogRow;
}

describe('the queue log in PostgreSQL (realtime), from real calls and agent states', () => {
  it('loads the realtime driver, connected to the history database, and logs the start', async () => {
    assert.match(await pbx.asterisk.cli('module show like res_config_pgsql'), /Running/);
    assert.match(
      await pbx.asterisk.cli('realtime show pgsql status'),
      new RegExp(`Connected to history@127\\.0\\.0\\.1, port ${db.port}`),
    );
    assert.equal((await rows(`event = 'QUEUESTART'`, [])).length, 1);
    // The operator's side of the same database: the leader found it migrated.
    await waitUntil('the operator reports history available', async () =>
      /^switchboard_history_available 1$/m.test(await operator.metrics()),
    );
  });

  it('writes the times in UTC, whatever the time zone Asterisk runs in', async () => {
    // Asterisk runs with TZ=Asia/Kolkata: local time would be 5.5 h ahead.
    const age = await withClient(db, async (c) => {
      const { rows } = await c.query<{ age: number }>(
        `SELECT extract(epoch FROM (now() AT TIME ZONE 'UTC') - time)::float8 AS age
           FROM queue_log WHERE event = 'QUEUESTART'`,
      );
      return rows[0]?.age;
    });
    assert.ok(age !== undefined && age >= -1 && age < 300, `QUEUESTART ${age} s ago`);
  });

  it('logs the agent the operator adds, its pause with the reason, unpause and sign-out', async () => {
    await waitUntil('ADDMEMBER of Ann Agent', async () =>
      (await rows(`agent = 'Ann Agent'`, [])).some((row) => row.event === 'ADDMEMBER'),
    );
    for (const state of [
      { presence: 'paused', reason: 'lunch' },
      { presence: 'available' },
      { presence: 'signed-out' },
    ]) {
      const res = await annSession.call('PUT', '/softphone/state', state);
      assert.equal(res.status, 200, res.text);
    }
    let found: QueueLogRow[] = [];
    await waitUntil('REMOVEMEMBER of Ann Agent', async () => {
      found = await rows(`agent = 'Ann Agent'`, []);
      return found.some((row) => row.event === 'REMOVEMEMBER');
    });
    record('agent Ann Agent: added by the operator, paused for lunch, back, signed out', found);
    assert.equal(only(found, 'PAUSE').data1, 'lunch', 'the pause reason');
    assert.equal(only(found, 'ADDMEMBER').callid, 'MANAGER', 'added over AMI');
    // From here on no operator runs until the leader-kill test: it owns queue
    // membership and removes members it did not add (operator/src/agentstate/plan.ts),
    // such as the desks below. Asterisk keeps the queues and dialplan it was given.
    await operator.stop();
  });

  it('logs a call answered and ended by the caller, then one ended by the agent', async () => {
    await addDesk('support', 'answer', 'Echo Desk');
    const id = newId('caller-ends');
    const { number } = await callers.call('117', id);
    const connected = await callers.waitFor(
      'AgentConnect',
      (f) => field(f, 'uniqueid') === id,
      `${id} answered`,
    );
    await callerHangsUp(id);
    const found = record(
      'call answered by Echo Desk, the caller hangs up',
      await rowsUntil(id, 'COMPLETECALLER'),
    );
    const enter = only(found, 'ENTERQUEUE');
    assert.equal(enter.data2, number, 'ENTERQUEUE: the caller number');
    assert.equal(enter.data3, '1', 'ENTERQUEUE: position 1');
    assert.equal(
      only(found, 'CONNECT').data2,
      field(connected.f, 'destuniqueid'),
      'CONNECT: the uniqueid of the channel that answered',
    );
    assert.equal(only(found, 'COMPLETECALLER').data3, '1', 'COMPLETECALLER: original position');

    await removeDesk('support', 'answer');
    await addDesk('support', 'brief', 'Brief Desk');
    const id2 = newId('agent-ends');
    await callers.call('117', id2);
    const ended = record(
      'call answered by Brief Desk, the agent hangs up',
      await rowsUntil(id2, 'COMPLETEAGENT'),
    );
    // Brief Desk talks 1 s (Wait(1)) before it hangs up: the call time counts it.
    assert.ok(Number(only(ended, 'COMPLETEAGENT').data2) >= 1, JSON.stringify(ended));
  });

  it('logs a blind transfer of an answered call', async () => {
    await addDesk('support', 'answer', 'Echo Desk');
    const id = newId('transfer');
    await callers.call('117', id);
    const desk = await answeredBy(id);
    await desks.action({
      action: 'BlindTransfer',
      channel: desk,
      context: 'switchboard-agents',
      exten: '*43',
    });
    // Asterisk 12 and later log a transfer as BLINDTRANSFER or ATTENDEDTRANSFER (not TRANSFER).
    const found = await rowsUntil(id, 'BLINDTRANSFER');
    record('call answered by Echo Desk, blind-transferred to *43', found);
    const transfer = only(found, 'BLINDTRANSFER');
    assert.deepEqual([transfer.data1, transfer.data2], ['*43', 'switchboard-agents']);
  });

  it('logs a desk that rang and did not answer, then the caller abandoning', async () => {
    await addDesk('support', 'ring', 'Ring Desk');
    const id = newId('abandon');
    await callers.call('117', id);
    await rowsUntil(id, 'RINGNOANSWER');
    await callerHangsUp(id);
    const found = await rowsUntil(id, 'ABANDON');
    // RINGNOANSWER repeats every ring + retry until the caller leaves: one is enough here.
    const once = found.filter(
      (row, i) =>
        row.event !== 'RINGNOANSWER' || found.findIndex((x) => x.event === row.event) === i,
    );
    record('call rung at Ring Desk, not answered, abandoned by the caller', once);
    // RINGNOANSWER: how long it rang (ms), at least the queue's 5 s ring time
    assert.ok(Number(only(once, 'RINGNOANSWER').data1) >= 5000, JSON.stringify(once));
    const abandon = only(once, 'ABANDON');
    assert.deepEqual([abandon.data1, abandon.data2], ['1', '1'], 'position, original position');
    assert.ok(Number(abandon.data3) >= 5, `waited ${abandon.data3} s`);
  });

  it('logs a caller leaving a queue at its maximum wait', async () => {
    const id = newId('timeout');
    await callers.call('140', id);
    const found = record(
      'call in a queue nobody serves, out after its 10 s maximum wait',
      await rowsUntil(id, 'EXITWITHTIMEOUT', 30_000),
    );
    const exit = only(found, 'EXITWITHTIMEOUT');
    assert.equal(exit.data1, '1', 'position');
    assert.ok(Number(exit.data3) >= 10, `waited ${exit.data3} s`);
  });

  it('logs no WARNING or ERROR, and spooled nothing while PostgreSQL was up', () => {
    assert.deepEqual(pbx.problems(), []);
    assert.deepEqual(spooled(), []);
    assert.equal(shipper.shipped, 0, 'every row went straight into PostgreSQL');
  });
});

/** The rows waiting in the spool. */
function spooled(): Record<string, unknown>[] {
  const spool = new DatabaseSync(spoolFile(pbx.asterisk), { readOnly: true });
  try {
    // Asterisk writes its CDR and CEL copies into the same file: wait for its lock.
    spool.exec('PRAGMA busy_timeout = 2000');
    return spool.prepare('SELECT * FROM queue_log ORDER BY rowid').all() as Record<
      string,
      unknown
    >[];
  } finally {
    spool.close();
  }
}

/** Every row a call left in the three tables: the call is Originate's, linkedid o-<id>. */
async function callRows(id: string) {
  return withClient(db, async (c) => {
    const cdr = (
      await c.query<{ uniqueid: string; disposition: string }>(
        'SELECT uniqueid, disposition FROM cdr WHERE linkedid = $1 ORDER BY id',
        [`o-${id}`],
      )
    ).rows;
    const cel = (
      await c.query<{ key: string; eventtype: string }>(
        `SELECT uniqueid || ' ' || eventtype || ' ' || eventtime AS key, eventtype
           FROM cel WHERE linkedid = $1 ORDER BY id`,
        [`o-${id}`],
      )
    ).rows;
    return { cdr, cel, queueLog: await ofCall(id) };
  });
}
/** Waits until the call's history is complete (LINKEDID_END, COMPLETECALLER, every leg's CDR). */
async function complete(id: string) {
  let found = await callRows(id);
  await waitUntil(`the whole history of ${id}`, async () => {
    found = await callRows(id);
    return (
      found.cel.some((e) => e.eventtype === 'LINKEDID_END') &&
      found.queueLog.some((row) => row.event === 'COMPLETECALLER') &&
      found.cdr.length >= 3
    );
  });
  return found;
}
/** Each row once: no event, CDR or queue event written twice. */
function once(found: Awaited<ReturnType<typeof callRows>>): void {
  const keys = found.cel.map((e) => e.key);
  assert.equal(new Set(keys).size, keys.length, `a CEL event twice: ${keys.join('; ')}`);
  const legs = found.cdr.map((r) => r.uniqueid);
  assert.equal(new Set(legs).size, legs.length, `a CDR twice: ${legs.join(' ')}`);
  for (const event of ['ENTERQUEUE', 'CONNECT', 'COMPLETECALLER'])
    assert.equal(
      found.queueLog.filter((row) => row.event === event).length,
      1,
      `${event} once: ${JSON.stringify(found.queueLog)}`,
    );
}

describe('a call in progress while PostgreSQL restarts or the operator leader dies', () => {
  it('PostgreSQL restarted mid-call: every CDR, CEL and queue_log row of the call there, once', async () => {
    await addDesk('support', 'answer', 'Echo Desk');
    const id = newId('pg-restart');
    await callers.call('117', id);
    await answeredBy(id);
    await rowsUntil(id, 'CONNECT');
    const from = pbx.asterisk.log().length;
    await postgres.server.stop();
    await postgres.server.start();
    await callerHangsUp(id);
    const found = await complete(id);
    once(found);
    assert.deepEqual(
      found.cdr.map((r) => r.disposition),
      found.cdr.map(() => 'ANSWERED'),
    );
    // How the back ends got through it: each found its connection closed at
    // its first write, reconnected and wrote the row again, once (no row lost
    // or doubled). None gave a record up.
    const problems = pbx.problems(from).join('\n');
    assert.doesNotMatch(
      problems,
      /DROPPING CALL RECORD|Unable to (re)?connect|Calls will not be logged/i,
    );
  });

  it('PostgreSQL stopped across the end of a call: its queue rows wait in the spool, then arrive once', async () => {
    await addDesk('support', 'answer', 'Echo Desk');
    const id = newId('pg-down');
    await callers.call('117', id);
    await answeredBy(id);
    await rowsUntil(id, 'CONNECT');
    await postgres.server.stop();
    await callerHangsUp(id);
    // Realtime failed over: PostgreSQL refused the row, the SQLite spool took it.
    const shippedBefore = shipper.shipped;
    await waitUntil('COMPLETECALLER in the spool', () =>
      spooled().some((row) => row.callid === id && row.event === 'COMPLETECALLER'),
    );
    await postgres.server.start();
    const started = performance.now();
    const found = await rowsUntil(id, 'COMPLETECALLER');
    figures['PostgreSQL back -> spooled queue row in queue_log'] =
      `${Math.round(performance.now() - started)} ms`;
    for (const event of ['ENTERQUEUE', 'CONNECT', 'COMPLETECALLER']) only(found, event);
    assert.ok(shipper.shipped > shippedBefore, 'the row came through the spool');
    await waitUntil('the spool emptied', () => spooled().length === 0);
    // The call's CDR and last channel events come from the spool's copies a
    // minute later (history-cdr.test.ts proves that with a short grace).
  });

  it('a row in both PostgreSQL and the spool is kept once (the shipper or Asterisk repeated it)', async () => {
    const [row] = await rows(`event = 'CONNECT'`, []);
    assert.ok(row);
    const spool = new DatabaseSync(spoolFile(pbx.asterisk));
    try {
      spool.exec('PRAGMA busy_timeout = 2000');
      // As Asterisk writes it: UTC, to the microsecond.
      const time = await withClient(
        db,
        async (c) =>
          (
            await c.query<{ t: string }>(
              `SELECT to_char(time, 'YYYY-MM-DD HH24:MI:SS.US') AS t FROM queue_log
              WHERE event = 'CONNECT' AND callid = $1`,
              [row.callid],
            )
          ).rows[0]?.t,
      );
      spool
        .prepare('INSERT INTO queue_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(
          time ?? '',
          row.callid,
          row.queuename,
          row.agent,
          row.event,
          row.data1,
          row.data2,
          row.data3,
          row.data4,
          row.data5,
        );
    } finally {
      spool.close();
    }
    // The shipper running all along takes it at its next look (200 ms).
    await waitUntil('the spool emptied', () => spooled().length === 0);
    assert.equal((await ofCall(row.callid)).filter((r) => r.event === 'CONNECT').length, 1);
    // and no row of the whole file is there twice
    const twice = await withClient(
      db,
      async (c) =>
        (
          await c.query(
            `SELECT time, callid, event, count(*) FROM queue_log
              GROUP BY time, callid, queuename, agent, event, data1, data2, data3, data4, data5
             HAVING count(*) > 1`,
          )
        ).rows,
    );
    assert.deepEqual(twice, []);
  });

  it('operator leader killed (-9) mid-call: the call is recorded all the same', async () => {
    operator = await startOperator(cluster, ns.name, 'history-queue-log-2', {
      ASTERISK_POLL_MS: '100',
      ...operatorHistoryEnv(db, join(postgres.dir, 'operator-password')),
    });
    // The leader: it reads the queue members (and may remove a desk after
    // that: a call it answered goes on) and serves history.
    await waitUntil(
      'the leader read the queue members and reports history available',
      async () =>
        readFileSync(operator.logPath, 'utf8').includes('queue members read') &&
        /^switchboard_history_available 1$/m.test(await operator.metrics()),
      60_000,
      200,
    );
    await addDesk('support', 'answer', 'Echo Desk');
    const id = newId('leader-kill');
    await callers.call('117', id);
    await answeredBy(id);
    await operator.kill();
    await callerHangsUp(id);
    // Asterisk writes the history itself: the operator is not on the path.
    once(await complete(id));
  });
});
