// Call history on a real Asterisk 22 and a real PostgreSQL: the operator
// provisions Asterisk as always, the history folder and PGPASSWORD turn on
// cdr_pgsql and cel_pgsql (scripts/lib/asterisk-history.ts), and real calls
// (AMI Originate of a Local channel into the echo test *43, through the
// dialplan the operator rendered) leave their CDR rows and channel events in
// PostgreSQL, and a copy of each in the spool file (cdr_sqlite3_custom,
// cel_sqlite3_custom) that equals PostgreSQL's row column by column once
// converted. Then what happens when PostgreSQL is not there: down when a
// call ends (Asterisk keeps running; cdr_pgsql and cel_pgsql drop that
// call's CDR and last events, the spool shipper puts them in from the copy
// once PostgreSQL is back, each once), and down when Asterisk starts or before
// its tables exist (the operator's leader refreshes the history modules once
// the database is ready and migrated: the next call is recorded whole).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import pino from 'pino';
import { AmiClient } from '../../operator/src/asterisk/ami/client.ts';
import { SpoolShipper } from '../../operator/src/history/spool.ts';
import {
  CDR_RECORDS,
  CEL_RECORDS,
  type SpooledRecords,
  selectSpooledSql,
} from '../../operator/src/history/spool-records.ts';
import { historyEnv, spoolFile, writeHistoryConfig } from '../../scripts/lib/asterisk-history.ts';
import type { AsteriskProcess } from '../../scripts/lib/asterisk-process.ts';
import { operatorHistoryEnv } from '../../scripts/lib/history-database.ts';
import type { DatabaseAccess } from '../../scripts/lib/postgres-process.ts';
import { createNamespace, testCluster } from '../support/cluster.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import { startTestPostgres, type TestPostgres, withClient } from '../support/postgres.ts';
import { type RealAsterisk, startRealAsterisk } from '../support/real-asterisk.ts';
import { Resources } from '../support/resources.ts';
import { waitUntil } from '../support/wait.ts';

const cluster = testCluster();
let ns: Awaited<ReturnType<typeof createNamespace>>;
let r: Resources;
let postgres: TestPostgres;
let db: DatabaseAccess;
let pbx: RealAsterisk;
let operator: OperatorProcess;
let caller: AmiClient;
const figures: Record<string, string> = {};
/** The call the first test records while PostgreSQL is up. */
let recorded = '';
const ms = (x: number) => `${Math.round(x)} ms`;

interface CdrRow {
  channel: string;
  uniqueid: string;
  linkedid: string;
  src: string | null;
  clid: string | null;
  dst: string | null;
  dcontext: string | null;
  lastapp: string | null;
  disposition: string | null;
  duration: number;
  billsec: number;
  answered: boolean;
  ordered: boolean;
}
interface CelRow {
  eventtype: string;
  uniqueid: string;
  channame: string;
  extra: string;
  at_ms: number;
}

const cdr = (linkedid: string) =>
  withClient(db, async (c) => {
    const { rows } = await c.query<CdrRow>(
      `SELECT channel, uniqueid, linkedid, src, clid, dst, dcontext, lastapp, disposition,
              duration, billsec, answer IS NOT NULL AS answered,
              start <= answer AND answer <= "end" AS ordered
         FROM cdr WHERE linkedid = $1 ORDER BY uniqueid`,
      [linkedid],
    );
    return rows;
  });
// In the order cel_pgsql wrote them (id), which is the order Asterisk's CEL
// engine handled them. Not by eventtime: an event's time is when its stasis
// message was made (main/cel.c, stasis_message_timestamp), in the thread of
// the channel that changed, so when both halves of a call hang up at once the
// last CHAN_END handled (and its LINKEDID_END, which takes that CHAN_END's
// time) can carry an earlier time than the other half's CHAN_END. Ordered by
// eventtime, LINKEDID_END is then not last, and a wait for "LINKEDID_END is
// the last event" never ends: that was the 30 s flake of the outage test
// below (the modules had reconnected and written every row).
const cel = (linkedid: string) =>
  withClient(db, async (c) => {
    const { rows } = await c.query<CelRow>(
      `SELECT eventtype, uniqueid, channame, extra,
              extract(epoch FROM eventtime)::float8 * 1000 AS at_ms
         FROM cel WHERE linkedid = $1 ORDER BY id`,
      [linkedid],
    );
    return rows;
  });

/** A call's rows in the spool file's copy (SQLite), in the order Asterisk wrote them. */
function spooled(records: SpooledRecords, linkedid: string): string[][] {
  const file = new DatabaseSync(spoolFile(pbx.asterisk), { readOnly: true });
  try {
    file.exec('PRAGMA busy_timeout = 2000'); // Asterisk may be writing a copy
    const names = records.columns.map((c) => c.sqlite);
    const linked = records.columns.find((c) => c.pg === 'linkedid')?.sqlite;
    return (
      file
        .prepare(
          `SELECT ${names.join(', ')} FROM ${records.table} WHERE ${linked} = ? ORDER BY AcctId`,
        )
        .all(linkedid) as Record<string, unknown>[]
    ).map((row) => names.map((n) => String(row[n] ?? '')));
  } finally {
    file.close();
  }
}

/** What PostgreSQL's row of a spooled row is (the shipper's conversion), and PostgreSQL's rows of the call. */
async function agreement(records: SpooledRecords, linkedid: string) {
  const columns = records.columns.map((c) => `"${c.pg}"`).join(', ');
  return withClient(db, async (c) => {
    const converted = [];
    for (const row of spooled(records, linkedid))
      converted.push((await c.query(selectSpooledSql(records), row)).rows[0]);
    const { rows } = await c.query(
      `SELECT ${columns} FROM ${records.table} WHERE linkedid = $1 ORDER BY id`,
      [linkedid],
    );
    const key = (r: Record<string, unknown>) => JSON.stringify(r);
    return { converted: converted.map(key).sort(), stored: rows.map(key).sort() };
  });
}

/** An AMI user that may place and end calls (the operator's may not); written before Asterisk starts. */
function addAmiCaller(asterisk: AsteriskProcess): AmiClient {
  const secret = randomBytes(16).toString('hex');
  appendFileSync(
    join(asterisk.etcDir, 'ami', 'manager_user.conf'),
    `\n[test-caller]\nsecret = ${secret}\nread = call\nwrite = originate,call,agent\n`,
  );
  return new AmiClient({
    host: '127.0.0.1',
    port: asterisk.amiPort,
    username: 'test-caller',
    secret,
    actionTimeoutMs: 20_000,
    logger: pino({ level: 'silent' }),
  });
}

/**
 * A call into the echo test, as a caller with number 5550100: Local/*43;1
 * waits `seconds` in Wait() (or until hung up), Local/*43;2 runs the
 * dialplan the operator rendered (Answer, Playback, Echo). Resolves once
 * answered; the call's uniqueid (and linkedid) is `id`, the other half's
 * `${id}-2`.
 */
async function call(id: string, seconds: number): Promise<void> {
  await caller.action({
    action: 'Originate',
    channel: 'Local/*43@switchboard-agents',
    application: 'Wait',
    data: String(seconds),
    callerid: '"Cara Caller" <5550100>',
    channelid: id,
    otherchannelid: `${id}-2`,
    timeout: '15000',
  });
}

/** How often the operator refreshed Asterisk's history modules (its metric). */
async function refreshesDone(): Promise<number> {
  const m = (await operator.metrics()).match(
    /^switchboard_history_module_refreshes_total\{[^}]*outcome="done"[^}]*\} (\d+)$/m,
  );
  return Number(m?.[1] ?? 0);
}

/** A queue event (AMI QueueLog) lands in PostgreSQL's queue_log, its fields in data1 and data2. */
async function queueEventRecorded(id: string): Promise<void> {
  await caller.action({
    action: 'QueueLog',
    queue: 'history-test',
    event: 'SBTEST',
    message: `${id}|b`,
  });
  await waitUntil(`queue event ${id} in queue_log, its fields in data1 and data2`, () =>
    withClient(db, async (c) => {
      const { rows } = await c.query(
        `SELECT 1 FROM queue_log WHERE event = 'SBTEST' AND data1 = $1 AND data2 = 'b'`,
        [id],
      );
      return rows.length === 1;
    }),
  );
}

const newId = () => `history-${randomBytes(4).toString('hex')}`;
const logLines = (re: RegExp, from: number) =>
  pbx.asterisk
    .log()
    .slice(from)
    .split('\n')
    .filter((l) => re.test(l));

before(async () => {
  ns = await createNamespace(cluster, 'history-cdr');
  r = new Resources(cluster, ns.name);
  postgres = await startTestPostgres();
  figures['PostgreSQL start (initdb + ready)'] = ms(postgres.startMs);
  db = await postgres.historyDatabase('history');
  pbx = await startRealAsterisk(cluster, r, { env: historyEnv(db) });
  writeHistoryConfig(pbx.asterisk, db);
  caller = addAmiCaller(pbx.asterisk);
  operator = await startOperator(cluster, ns.name, 'history-cdr', {
    ASTERISK_POLL_MS: '100',
    ...operatorHistoryEnv(db, join(postgres.dir, 'operator-password')),
  });
  await r.createConfig({
    ami: pbx.amiSpec,
    asteriskWsUrl: pbx.asterisk.wsUrl,
    transports: { ws: true, wss: false },
  });
  await pbx.start();
  caller.start();
  await caller.ready(10_000);
  await waitUntil(
    'the echo test in the dialplan the operator rendered',
    async () => /Echo\(\)/.test(await pbx.asterisk.cli('dialplan show *43@switchboard-agents')),
    30_000,
    100,
  );
  // The leader refreshes the history modules of this Asterisk boot once; a
  // call up then would make it retry (cdr_pgsql cannot unload with active CDRs).
  await waitUntil(
    'the history modules refreshed for this boot',
    async () => (await refreshesDone()) >= 1,
  );
});
after(async () => {
  console.log(
    `figures (call history, real Asterisk + PostgreSQL): ${JSON.stringify(figures, null, 1)}`,
  );
  await caller?.stop();
  await operator?.stop();
  await pbx?.close();
  await postgres?.close();
  await ns?.cleanup();
});

describe('call history: Asterisk writes its CDR and CEL into PostgreSQL', () => {
  it('loads both back ends, connected to the history database', async () => {
    const modules = await pbx.asterisk.cli('module show like pgsql');
    assert.match(modules, /cdr_pgsql\.so\s.*Running/);
    assert.match(modules, /cel_pgsql\.so\s.*Running/);
    assert.match(
      await pbx.asterisk.cli('cdr show pgsql status'),
      new RegExp(`Connected to history@127\\.0\\.0\\.1, port ${db.port}`),
    );
  });

  it('records a call: one CDR row per leg, ANSWERED with its billed seconds, and its channel events', async () => {
    const id = newId();
    await call(id, 2);
    // The CDR rows appear once the call has ended (Wait(2) ends it): the
    // latency is measured from the HANGUP event's own time stamp.
    let seenAt = 0;
    await waitUntil(
      'both CDR rows of the call',
      async () => {
        const rows = await cdr(id);
        seenAt = Date.now();
        return rows.length === 2;
      },
      20_000,
      5,
    );
    const legs = await cdr(id);
    // CEL is written by its own thread: its last event may come a moment after the CDR.
    let events: CelRow[] = [];
    await waitUntil("the call's LINKEDID_END event", async () => {
      events = await cel(id);
      return events.some((e) => e.eventtype === 'LINKEDID_END');
    });
    const hangup = events.find((e) => e.eventtype === 'HANGUP');
    assert.ok(hangup, JSON.stringify(events));
    figures['hangup -> CDR row visible in PostgreSQL'] = ms(seenAt - hangup.at_ms);

    const [waiting, echo] = legs;
    assert.ok(waiting && echo, JSON.stringify(legs));
    assert.equal(waiting.uniqueid, id);
    assert.equal(echo.uniqueid, `${id}-2`);
    for (const leg of legs) {
      assert.equal(leg.linkedid, id, 'every leg carries the call id');
      assert.equal(leg.disposition, 'ANSWERED');
      assert.ok(
        leg.billsec >= 1 && leg.billsec <= leg.duration,
        `billsec ${leg.billsec}, duration ${leg.duration}`,
      );
      assert.ok(leg.answered && leg.ordered, 'start <= answer <= end');
      assert.equal(leg.dst, '*43');
      assert.equal(leg.dcontext, 'switchboard-agents');
    }
    assert.match(waiting.channel, /^Local\/\*43@switchboard-agents-[0-9a-f]+;1$/);
    assert.equal(waiting.lastapp, 'Wait');
    assert.equal(waiting.src, '5550100');
    assert.equal(waiting.clid, '"Cara Caller" <5550100>');
    assert.match(echo.channel, /;2$/);
    // the leg that ran the echo test: its prompt, or the echo once the prompt is over
    assert.match(echo.lastapp ?? '', /^(Playback|Echo)$/);

    const types = events.map((e) => e.eventtype);
    assert.equal(types.filter((t) => t === 'CHAN_START').length, 2, types.join(' '));
    assert.ok(types.includes('ANSWER'), types.join(' '));
    assert.equal(types.filter((t) => t === 'HANGUP').length, 2, types.join(' '));
    assert.equal(types.filter((t) => t === 'CHAN_END').length, 2, types.join(' '));
    assert.equal(types.at(-1), 'LINKEDID_END', 'the call ends with LINKEDID_END, once');
    assert.equal(types.filter((t) => t === 'LINKEDID_END').length, 1);
    assert.equal(types[0], 'CHAN_START');
    // Each channel's own events are in time order, to the microsecond (across
    // channels the times may cross: see cel above).
    for (const uid of [id, `${id}-2`]) {
      const own = events.filter((e) => e.uniqueid === uid);
      assert.ok(
        own.every((e, i) => i === 0 || e.at_ms >= (own[i - 1]?.at_ms ?? 0)),
        `${uid}: in time order`,
      );
    }
    // HANGUP carries the cause as JSON (cel.extra)
    assert.equal(typeof JSON.parse(hangup.extra).hangupcause, 'number', hangup.extra);
    recorded = id;
  });

  it("copies the call into the spool file: each copy, converted as the shipper does, is PostgreSQL's row column by column", async () => {
    assert.ok(recorded, 'the call above was recorded');
    for (const records of [CDR_RECORDS, CEL_RECORDS]) {
      const { converted, stored } = await agreement(records, recorded);
      assert.ok(stored.length >= 2, `${records.table}: ${stored.length} rows`);
      assert.deepEqual(converted, stored, records.table);
    }
  });

  it('logs no WARNING or ERROR while PostgreSQL is up', () => {
    assert.deepEqual(pbx.problems(), []);
  });

  it('PostgreSQL down when a call ends: Asterisk keeps running; the CDR and last events cdr_pgsql and cel_pgsql dropped arrive from the spool once it is back, each once', async () => {
    const id = newId();
    await call(id, 120);
    // Up to here: CHAN_START and ANSWER of both halves (Wait and Playback log no events).
    await waitUntil(
      'the call answered and its first events written',
      async () => (await cel(id)).filter((e) => e.eventtype === 'ANSWER').length === 2,
    );
    const before = await cel(id);
    assert.deepEqual(before.map((e) => e.eventtype).sort(), [
      'ANSWER',
      'ANSWER',
      'CHAN_START',
      'CHAN_START',
    ]);
    const channel = before.find((e) => e.uniqueid === id)?.channame;
    assert.ok(channel);
    const from = pbx.asterisk.log().length;

    await postgres.server.stop();
    const downAt = performance.now();
    await caller.action({ action: 'Hangup', channel });
    // cdr_pgsql tries once, reconnects once, gives up; cel_pgsql logs one of
    // these lines for each event it could not write (HANGUP, CHAN_END of both
    // halves, LINKEDID_END: 5).
    await waitUntil(
      'cdr_pgsql gave the record up',
      () => logLines(/cdr_pgsql\.c: Unable to reconnect to database server/, from).length > 0,
    );
    await waitUntil(
      "cel_pgsql gave up the call's 5 last events",
      () =>
        logLines(
          /cel_pgsql\.c: (Failed to insert call detail record|Unable to reconnect to database server|cel_pgsql: Unable to connect to database server)/,
          from,
        ).length >= 5,
    );
    assert.match(await pbx.asterisk.cli('core show uptime'), /System uptime/, 'Asterisk runs');
    assert.equal((await caller.action({ action: 'Ping' })).response, 'Success');
    // The copy has the whole call.
    await waitUntil(
      'the whole call in the spool file: both CDRs, the 4 events before the outage and the 5 during',
      () => spooled(CDR_RECORDS, id).length === 2 && spooled(CEL_RECORDS, id).length === 9,
    );

    await postgres.server.start();
    const upAt = performance.now();
    figures['PostgreSQL outage in the test (stop -> hangup -> start)'] = ms(upAt - downAt);
    // The shipper, as the sidecar runs it beside Asterisk; a short grace here
    // (60 s in a Pod) so the test waits seconds, not a minute.
    const pool = new pg.Pool({ ...db, max: 1 });
    pool.on('error', () => undefined);
    const shipper = new SpoolShipper({
      path: spoolFile(pbx.asterisk),
      pool,
      logger: pino({ level: 'silent' }),
      intervalMs: 200,
      recordsGraceMs: 2_000,
    });
    shipper.start();
    try {
      await waitUntil(
        'the dropped CDRs and events of the call in PostgreSQL',
        async () =>
          (await cdr(id)).length === 2 &&
          (await cel(id)).some((e) => e.eventtype === 'LINKEDID_END'),
        30_000,
        100,
      );
      figures['PostgreSQL back -> dropped CDR and events shipped from the spool (2 s grace)'] = ms(
        performance.now() - upAt,
      );
      const next = newId();
      await call(next, 1);
      await waitUntil('the next call recorded whole', async () => {
        const events = await cel(next);
        return (await cdr(next)).length === 2 && events.at(-1)?.eventtype === 'LINKEDID_END';
      });
      // Everything the spool held is checked (older than the grace): the
      // first call's copies, this one's, the next call's.
      await waitUntil(
        'the spool emptied',
        () => spooled(CDR_RECORDS, next).length + spooled(CEL_RECORDS, next).length === 0,
        30_000,
        100,
      );

      const types = (await cel(id)).map((e) => e.eventtype).sort();
      assert.deepEqual(
        types,
        [
          'ANSWER',
          'ANSWER',
          'CHAN_END',
          'CHAN_END',
          'CHAN_START',
          'CHAN_START',
          'HANGUP',
          'HANGUP',
          'LINKEDID_END',
        ],
        'every event once: the 4 written before the outage were not added again',
      );
      const legs = await cdr(id);
      assert.deepEqual(
        legs.map((l) => l.uniqueid),
        [id, `${id}-2`],
      );
      for (const leg of legs) {
        assert.equal(leg.disposition, 'ANSWERED');
        assert.ok(leg.answered && leg.ordered, 'start <= answer <= end');
      }
      assert.equal(shipper.shipped, 2 + 5, 'the shipper inserted exactly what was dropped');
      assert.equal((await cdr(next)).length, 2, 'the next call once (cdr_pgsql wrote it)');
      for (const records of [CDR_RECORDS, CEL_RECORDS]) {
        const { converted, stored } = await agreement(records, recorded);
        assert.deepEqual(converted, [], `${records.table}: the first call's copy left the spool`);
        assert.ok(stored.length >= 2, `${records.table}: the first call still there`);
      }
    } finally {
      await shipper.stop();
      await pool.end();
    }
  });

  it('PostgreSQL down when Asterisk starts: once it is back, the operator refreshes the history modules and the next call is recorded whole', async () => {
    const refreshedBefore = await refreshesDone();
    await postgres.server.stop();
    await pbx.asterisk.stop();
    await pbx.asterisk.start();
    // Both modules load (Asterisk needs no database to run) but could not
    // read the tables' columns, so every INSERT they build would be empty.
    // The operator's leader refreshes them (ModuleLoad refresh) once the
    // database answers: no `module refresh` by hand.
    const from = pbx.asterisk.log().length;
    await postgres.server.start();
    const upAt = performance.now();
    await waitUntil(
      'the operator refreshed the history modules',
      async () => (await refreshesDone()) > refreshedBefore,
      30_000,
      100,
    );
    const refreshedMs = performance.now() - upAt;
    const id = newId();
    await call(id, 1);
    await waitUntil('the first call after PostgreSQL came back recorded whole', async () => {
      const events = await cel(id);
      return (await cdr(id)).length === 2 && events.at(-1)?.eventtype === 'LINKEDID_END';
    });
    figures['database ready -> modules refreshed (Asterisk started while it was down)'] =
      ms(refreshedMs);
    figures['database ready -> first call recorded whole (1 s call)'] = ms(
      performance.now() - upAt,
    );
    assert.deepEqual(
      logLines(/cdr_pgsql\.c: HARD ERROR!.*DROPPING CALL RECORD/, from),
      [],
      'no call record dropped',
    );
    // The queue log needs no refresh: the logger found data1..data5 in the
    // SQLite spool's table while PostgreSQL was down (the first engine that has them).
    await queueEventRecorded(id);
    // Once per Asterisk boot and database-ready transition: not again for the next call.
    const refreshed = await refreshesDone();
    const next = newId();
    await call(next, 1);
    await waitUntil('the next call recorded', async () => (await cdr(next)).length === 2);
    assert.equal(await refreshesDone(), refreshed, 'no refresh without a reason');
  });

  it('tables created after Asterisk started (PostgreSQL empty and down then): the leader migrates the empty database, refreshes the modules, and the next call is recorded whole', async () => {
    // A fresh Helm install (an empty database: no tables, no functions):
    // Asterisk starts before the quick-start PostgreSQL
    // is up and before the operator's leader has migrated. (With PostgreSQL
    // up but the cdr table missing, Asterisk 22.10 itself crashes at start:
    // cdr_pgsql's "No columns found" path frees its settings twice. The
    // operator therefore refreshes only once the leader has migrated.)
    await operator.stop();
    await withClient(db, async (c) => {
      const { rows } = await c.query<{ name: string }>(
        `SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public'`,
      );
      await c.query(`DROP TABLE ${rows.map((t) => t.name).join(', ')} CASCADE`);
      // and the migrations' functions (the rollup's trigger functions depend on no table)
      const fns = await c.query<{ name: string }>(
        `SELECT p.oid::regprocedure::text AS name FROM pg_proc p
           JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'`,
      );
      if (fns.rows.length > 0)
        await c.query(`DROP FUNCTION ${fns.rows.map((f) => f.name).join(', ')} CASCADE`);
    });
    await postgres.server.stop();
    await pbx.asterisk.stop();
    await pbx.asterisk.start();
    await postgres.server.start();
    const from = pbx.asterisk.log().length;
    const startedAt = performance.now();
    operator = await startOperator(cluster, ns.name, 'history-cdr', {
      ASTERISK_POLL_MS: '100',
      ...operatorHistoryEnv(db, join(postgres.dir, 'operator-password')),
    });
    await waitUntil(
      'the new leader migrated and refreshed the history modules',
      async () => (await refreshesDone()) > 0,
      60_000,
      100,
    );
    const refreshedMs = performance.now() - startedAt;
    const id = newId();
    await call(id, 1);
    await waitUntil('the first call after the migration recorded whole', async () => {
      const events = await cel(id);
      return (await cdr(id)).length === 2 && events.at(-1)?.eventtype === 'LINKEDID_END';
    });
    figures['operator start on an empty database -> migrated and modules refreshed'] =
      ms(refreshedMs);
    figures['operator start on an empty database -> first call recorded whole (1 s call)'] = ms(
      performance.now() - startedAt,
    );
    assert.deepEqual(
      logLines(/cdr_pgsql\.c: HARD ERROR!.*DROPPING CALL RECORD/, from),
      [],
      'no call record dropped',
    );
    await queueEventRecorded(id);
  });
});
