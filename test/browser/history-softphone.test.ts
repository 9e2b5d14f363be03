// Call history from a real WebRTC call: an agent provisioned by the operator
// registers the softphone (headless Chromium) with a real Asterisk 22 that
// writes its call records into a real PostgreSQL (cdr_pgsql, cel_pgsql), dials
// the echo test, hears it, hangs up, and the call's CDR row and channel
// events are there: the agent's channel and extension, ANSWERED, billed
// seconds, the hangup cause the browser's BYE gave.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, it } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import { historyEnv, writeHistoryConfig } from '../../scripts/lib/asterisk-history.ts';
import type { DatabaseAccess } from '../../scripts/lib/postgres-process.ts';
import { createNamespace, testCluster } from '../support/cluster.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import { startTestPostgres, type TestPostgres, withClient } from '../support/postgres.ts';
import { type RealAsterisk, startRealAsterisk } from '../support/real-asterisk.ts';
import { condition, decode, Resources } from '../support/resources.ts';
import { waitUntil } from '../support/wait.ts';
import { inboundAudio } from './support/audio-stats.ts';
import { launchChromium } from './support/chromium.ts';
import { PhoneDriver } from './support/phone-driver.ts';
import { mountPhone, type PhonePageServer, startPhonePageServer } from './support/phone-page.ts';

const cluster = testCluster();
let ns: Awaited<ReturnType<typeof createNamespace>>;
let r: Resources;
let postgres: TestPostgres;
let db: DatabaseAccess;
let pbx: RealAsterisk;
let operator: OperatorProcess;
let server: PhonePageServer;
let browser: Browser;
let context: BrowserContext | undefined;
const ann = { username: '', password: '', extension: '' };
const figures: Record<string, string> = {};

before(async () => {
  ns = await createNamespace(cluster, 'history-softphone');
  r = new Resources(cluster, ns.name);
  postgres = await startTestPostgres();
  db = await postgres.historyDatabase('history');
  [pbx, server, browser] = await Promise.all([
    startRealAsterisk(cluster, r, { env: historyEnv(db) }),
    startPhonePageServer(),
    launchChromium(),
  ]);
  writeHistoryConfig(pbx.asterisk, db);
  operator = await startOperator(cluster, ns.name, 'history-softphone', {
    ASTERISK_POLL_MS: '100',
  });
  // an RTP range of its own, below Linux's ephemeral ports (32768+)
  const portStart = 20_000 + randomInt(0, 120) * 100;
  await r.createConfig({
    ami: pbx.amiSpec,
    asteriskWsUrl: pbx.asterisk.wsUrl,
    transports: { ws: true, wss: false },
    iceServers: {},
    rtp: { portStart, portEnd: portStart + 99 },
  });
  await r.createAgent('ann', { displayName: 'Ann Agent' });
  await pbx.start();
  await waitUntil(
    'ann Provisioned=True',
    async () => condition(await r.agent('ann'), 'Provisioned')?.status === 'True',
    60_000,
    100,
  );
  const secret = await r.secret('ann-sip-credentials');
  ann.username = decode(secret, 'username') ?? '';
  ann.password = decode(secret, 'password') ?? '';
  ann.extension = decode(secret, 'extension') ?? '';
});

after(async () => {
  console.log(`figures (call history, softphone): ${JSON.stringify(figures, null, 1)}`);
  await context?.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
  await operator?.stop();
  await pbx?.close();
  await postgres?.close();
  await ns?.cleanup();
});

it("an agent's softphone call leaves its CDR row and channel events in PostgreSQL", async () => {
  context = await browser.newContext();
  const phone = new PhoneDriver(await context.newPage());
  await mountPhone(phone.page, server, 'sb-softphone', {
    wsUrl: pbx.asterisk.wsUrl,
    iceServers: [],
    iceGatheringTimeoutMs: 1000,
  });
  await phone.register(ann);
  await phone.waitForStatus('registered');

  await phone.locator('#dial').fill('*43');
  await phone.locator('button.call').click();
  await phone.waitForCall("call?.phase === 'active'", 15_000);
  // Talk for a while: 1.5 s of decoded audio (the echo test's prompt) heard.
  await waitUntil(
    '1.5 s of audio heard',
    async () => (await inboundAudio(phone)).seconds >= 1.5,
    15_000,
  );
  await phone.locator('button.hangup').click();
  await phone.waitForCall('call === undefined');
  const hungUp = Date.now();

  interface Row {
    channel: string;
    src: string;
    dst: string;
    dcontext: string;
    disposition: string;
    billsec: number;
    duration: number;
    uniqueid: string;
    linkedid: string;
  }
  let row: Row | undefined;
  await waitUntil(
    "the call's CDR row",
    async () => {
      row = await withClient(db, async (c) => {
        const { rows } = await c.query<Row>(
          `SELECT channel, src, dst, dcontext, disposition, billsec, duration, uniqueid, linkedid
             FROM cdr WHERE channel LIKE $1`,
          [`PJSIP/${ann.username}-%`],
        );
        return rows[0];
      });
      return row !== undefined;
    },
    10_000,
    5,
  );
  figures['softphone hangup -> CDR row visible'] = `${Date.now() - hungUp} ms`;
  assert.ok(row);
  assert.equal(row.src, ann.extension, "the agent's extension is the caller");
  assert.equal(row.dst, '*43');
  assert.equal(row.dcontext, 'switchboard-agents');
  assert.equal(row.disposition, 'ANSWERED');
  assert.ok(row.billsec >= 1 && row.billsec <= row.duration, `billsec ${row.billsec}`);
  assert.equal(row.linkedid, row.uniqueid, 'the agent started the call');

  const linkedid = row.linkedid;
  let events: { eventtype: string; extra: string }[] = [];
  await waitUntil('the call ended in CEL (LINKEDID_END)', async () => {
    events = await withClient(
      db,
      async (c) =>
        (
          await c.query<{ eventtype: string; extra: string }>(
            // as written (test/integration/history-cdr.test.ts says why not by eventtime)
            'SELECT eventtype, extra FROM cel WHERE linkedid = $1 ORDER BY id',
            [linkedid],
          )
        ).rows,
    );
    return events.at(-1)?.eventtype === 'LINKEDID_END';
  });
  assert.deepEqual(
    events.map((e) => e.eventtype),
    ['CHAN_START', 'ANSWER', 'HANGUP', 'CHAN_END', 'LINKEDID_END'],
  );
  // Who hung up: the agent's channel (a BYE carries no Q.850 cause, so hangupcause is 0).
  const hangup = JSON.parse(events[2]?.extra ?? '{}');
  assert.match(hangup.hangupsource, new RegExp(`^PJSIP/${ann.username}-`), events[2]?.extra);
  assert.deepEqual(pbx.problems(), []);
});
