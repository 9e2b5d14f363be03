// Call history from a real WebRTC call: an agent provisioned by the operator
// registers the softphone (headless Chromium) with a real Asterisk 22 that
// writes its call records into a real PostgreSQL (cdr_pgsql, cel_pgsql), dials
// the echo test, hears it, hangs up, and the call's CDR row and channel
// events are there: the agent's channel and extension, ANSWERED, billed
// seconds, the hangup cause the browser's BYE gave. Then a second agent,
// signed in to the web UI the operator serves (its history on the same
// database), takes a call from the first, saves a note and an outcome in
// the softphone's note form, and the call_notes row carries the linkedid
// of the call's CDR rows; a note on a call it was not in is refused (403),
// an outcome not in the list too (400). Last, that agent places a call: once
// it is answered the softphone learns the call's linkedid by its INVITE's
// Call-ID (the dialplan's UserEvent, kept by the operator) and shows the
// note form; the saved note carries the linkedid of the call's CDR row.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import type { Browser, BrowserContext, Locator } from 'playwright-core';
import { historyEnv, writeHistoryConfig } from '../../scripts/lib/asterisk-history.ts';
import type { DatabaseAccess } from '../../scripts/lib/postgres-process.ts';
import type { SbSoftphone } from '../../webui/src/softphone/sb-softphone.ts';
import { signInAdmin } from '../support/api-session.ts';
import { createNamespace, testCluster } from '../support/cluster.ts';
import { createHrAgent } from '../support/hr-agents.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import { startTestPostgres, type TestPostgres, withClient } from '../support/postgres.ts';
import { type RealAsterisk, startRealAsterisk } from '../support/real-asterisk.ts';
import { condition, decode, Resources } from '../support/resources.ts';
import { waitUntil } from '../support/wait.ts';
import { AppPhone } from './support/app-phone.ts';
import { inboundAudio } from './support/audio-stats.ts';
import { launchChromium } from './support/chromium.ts';
import { PhoneDriver } from './support/phone-driver.ts';
import { mountPhone, type PhonePageServer, startPhonePageServer } from './support/phone-page.ts';
import { bundleWebUi } from './support/webui-bundle.ts';

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
let annPhone: PhoneDriver;
let bea: AppPhone | undefined;
let webuiDir: string;
let secrets: string;
/** Ann's echo call: Bea was no party of it. */
let echoLinkedid = '';
/** Bea's SIP username (the web UI agent of the note tests). */
let beaUsername = '';
const ann = { username: '', password: '', extension: '' };
const figures: Record<string, string> = {};

before(async () => {
  ns = await createNamespace(cluster, 'history-softphone');
  r = new Resources(cluster, ns.name);
  postgres = await startTestPostgres();
  db = await postgres.historyDatabase('history');
  [pbx, server, browser, webuiDir] = await Promise.all([
    startRealAsterisk(cluster, r, { env: historyEnv(db) }),
    startPhonePageServer(),
    launchChromium(),
    bundleWebUi(),
  ]);
  writeHistoryConfig(pbx.asterisk, db);
  secrets = mkdtempSync(join(tmpdir(), 'switchboard-history-softphone-'));
  writeFileSync(join(secrets, 'password'), db.password, { mode: 0o600 });
  // the operator reads the same history (the note API checks who was in a call)
  operator = await startOperator(cluster, ns.name, 'history-softphone', {
    ASTERISK_POLL_MS: '100',
    WEBUI_DIR: webuiDir,
    HISTORY_DB_HOST: db.host,
    HISTORY_DB_PORT: String(db.port),
    HISTORY_DB_NAME: db.database,
    HISTORY_DB_USER: db.user,
    HISTORY_DB_PASSWORD_FILE: join(secrets, 'password'),
    HISTORY_DB_SSLMODE: 'disable',
  });
  // an RTP range of its own, below Linux's ephemeral ports (32768+)
  const portStart = 20_000 + randomInt(0, 120) * 100;
  await r.createConfig({
    ami: pbx.amiSpec,
    asteriskWsUrl: pbx.asterisk.wsUrl,
    transports: { ws: true, wss: false },
    iceServers: {},
    rtp: { portStart, portEnd: portStart + 99 },
    dispositions: [
      { code: 'resolved', label: 'Resolved' },
      { code: 'callback', label: 'Call back' },
    ],
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
  await bea?.context.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
  await operator?.stop();
  await pbx?.close();
  await postgres?.close();
  await ns?.cleanup();
  if (webuiDir) rmSync(webuiDir, { recursive: true, force: true });
  if (secrets) rmSync(secrets, { recursive: true, force: true });
});

it("an agent's softphone call leaves its CDR row and channel events in PostgreSQL", async () => {
  context = await browser.newContext();
  const phone = new PhoneDriver(await context.newPage());
  annPhone = phone;
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
  echoLinkedid = linkedid;
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

it('an agent saves an outcome and a note on a call in the softphone; the note is filed under the call', async () => {
  const base = `http://localhost:${operator.port}`;
  const admin = await signInAdmin(r, base);
  const created = await createHrAgent(admin.session, 'Bea Agent', 'bea-login-pw');
  const beaLine = created.sipCredentials;
  beaUsername = beaLine.username;
  await waitUntil(
    'Bea Provisioned=True',
    async () => condition(await r.agent(created.user.id), 'Provisioned')?.status === 'True',
    30_000,
    100,
  );
  bea = await AppPhone.signIn(browser, base, beaLine.username, 'bea-login-pw');
  await bea.locator('#password').fill(beaLine.password);
  await bea.locator('button.register').click();
  await bea.waitForStatus('registered');
  // no call named yet: no note form
  assert.equal(await bea.locator('sb-call-note').count(), 0);

  await annPhone.locator('#dial').fill(String(beaLine.extension));
  await annPhone.locator('button.call').click();
  await bea.locator('button.answer').click();
  const linkedid = await bea.element.evaluate(
    (el) => (el as SbSoftphone).phone.call?.linkedid ?? '',
  );
  assert.match(linkedid, /^\d+\.\d+$/, 'the INVITE named the call');
  const form = (selector: string) => bea?.locator(`sb-call-note ${selector}`) as Locator;
  await form('#note').waitFor();
  assert.deepEqual(await form('#disposition option').allTextContents(), [
    'Not set',
    'Resolved',
    'Call back',
  ]);
  await form('#disposition').selectOption('callback');
  await form('#note').fill('Wants the invoice again; call back Monday');
  const pressed = Date.now();
  await form('button.save-note').click();
  await waitUntil(
    '"Saved" shown',
    async () => ((await form('.note-status').textContent()) ?? '').trim() === 'Saved',
    10_000,
    10,
  );
  figures['Save note pressed -> "Saved" shown (PUT, party check, upsert)'] =
    `${Date.now() - pressed} ms`;

  await bea.locator('button.hangup').click();
  await annPhone.waitForCall('call === undefined');
  // after the call the form stays on it, with what was saved, until the next call
  assert.equal(await form('#disposition').inputValue(), 'callback');
  assert.equal(await form('#note').inputValue(), 'Wants the invoice again; call back Monday');
  // the form shown for the call again (as after a re-render) reads the saved note back (GET)
  const cleared = await bea.locator('sb-call-note').evaluate(async (el, id) => {
    const note = el as HTMLElement & { linkedid: string; updateComplete: Promise<boolean> };
    note.linkedid = '';
    await note.updateComplete;
    const shown = note.shadowRoot?.querySelector('textarea')?.value;
    note.linkedid = id;
    return shown;
  }, linkedid);
  assert.equal(cleared, '', 'the form starts empty for a call');
  await waitUntil(
    'the saved note read back',
    async () =>
      (await form('#note').inputValue()) === 'Wants the invoice again; call back Monday' &&
      (await form('#disposition').inputValue()) === 'callback',
  );

  const notes = await withClient(
    db,
    async (c) => (await c.query('SELECT linkedid, agent, disposition, note FROM call_notes')).rows,
  );
  assert.deepEqual(notes, [
    {
      linkedid,
      agent: beaLine.username,
      disposition: 'callback',
      note: 'Wants the invoice again; call back Monday',
    },
  ]);
  let legs: { linkedid: string }[] = [];
  await waitUntil("the call's CDR rows", async () => {
    legs = await withClient(
      db,
      async (c) =>
        (
          await c.query<{ linkedid: string }>(
            'SELECT linkedid FROM cdr WHERE channel LIKE $1 OR dstchannel LIKE $1',
            [`PJSIP/${beaLine.username}-%`],
          )
        ).rows,
    );
    return legs.length > 0;
  });
  assert.deepEqual(
    legs.map((l) => l.linkedid),
    legs.map(() => linkedid),
    'the note and the CDR rows share the linkedid',
  );

  // Through the page's own session (cookie and CSRF token, as the app sends them).
  const put = (id: string, body: unknown) =>
    bea?.page.evaluate(
      async ({ id, body }) => {
        const session = (await (await fetch('/auth/session')).json()) as { csrfToken: string };
        const res = await fetch(`/softphone/calls/${encodeURIComponent(id)}/note`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
          body: JSON.stringify(body),
        });
        return { status: res.status, message: ((await res.json()) as { message: string }).message };
      },
      { id, body },
    );
  const other = await put(echoLinkedid, { disposition: 'resolved', note: 'not mine' });
  assert.equal(other?.status, 403, other?.message);
  assert.match(other?.message ?? '', /^linkedid: .* was not a party/);
  const bad = await put(linkedid, { disposition: 'sold', note: '' });
  assert.equal(bad?.status, 400, bad?.message);
  assert.match(bad?.message ?? '', /^disposition: "sold" is not one of resolved, callback/);
  // nothing half-applied: the saved note is as it was
  const after = await withClient(
    db,
    async (c) => (await c.query('SELECT disposition FROM call_notes')).rows,
  );
  assert.deepEqual(after, [{ disposition: 'callback' }]);
  assert.deepEqual(bea.errors, []);
});

it('an agent places a call; once answered the note form is on it, filed under the call', async () => {
  assert.ok(bea);
  const app = bea;
  const form = (selector: string) => app.locator(`sb-call-note ${selector}`);
  assert.equal(await app.status(), 'registered');

  await app.locator('#dial').fill(ann.extension);
  await app.locator('button.call').click();
  await annPhone.waitForCall("call?.phase === 'ringing'");
  // a new call: the last call's form is gone, and a ringing call has none
  assert.equal(await app.locator('sb-call-note').count(), 0);
  // when (Bea's page clock) the form first shows
  const shown = app.element.evaluate(
    (el) =>
      new Promise<number>((resolve, reject) => {
        const start = performance.now();
        const check = () => {
          if (el.shadowRoot?.querySelector('sb-call-note')) resolve(performance.now());
          else if (performance.now() - start > 15_000) reject(new Error('no note form in 15 s'));
          else setTimeout(check, 2);
        };
        check();
      }),
  );
  await annPhone.locator('button.answer').click();
  const shownAt = await shown;
  const { answeredAt, linkedid, sipCallId } = await app.element.evaluate((el) => {
    const phone = (el as SbSoftphone).phone;
    return {
      answeredAt: phone.timeline.findLast((t) => t.event === 'established')?.at ?? 0,
      linkedid: phone.call?.linkedid ?? '',
      sipCallId: phone.call?.sipCallId ?? '',
    };
  });
  figures['outgoing call answered (200 OK) -> note form visible (GET by Call-ID)'] =
    `${Math.round(shownAt - answeredAt)} ms`;
  assert.match(linkedid, /^\d+\.\d+$/, 'the operator named the call');
  assert.ok(sipCallId, 'the INVITE Call-ID is known');
  // the called agent's INVITE named the same call (X-Switchboard-Call)
  assert.equal((await annPhone.call())?.linkedid, linkedid);

  await form('#disposition').selectOption('resolved');
  await form('#note').fill('Called Ann about the invoice');
  const pressed = Date.now();
  await form('button.save-note').click();
  await waitUntil(
    '"Saved" shown',
    async () => ((await form('.note-status').textContent()) ?? '').trim() === 'Saved',
    10_000,
    10,
  );
  figures['outgoing call: Save note pressed -> "Saved" shown'] = `${Date.now() - pressed} ms`;
  await app.locator('button.hangup').click();
  await annPhone.waitForCall('call === undefined');
  // the form stays on the call that ended, as for incoming calls
  assert.equal(await form('#note').inputValue(), 'Called Ann about the invoice');

  const notes = await withClient(
    db,
    async (c) =>
      (
        await c.query('SELECT agent, disposition, note FROM call_notes WHERE linkedid = $1', [
          linkedid,
        ])
      ).rows,
  );
  assert.deepEqual(notes, [
    { agent: beaUsername, disposition: 'resolved', note: 'Called Ann about the invoice' },
  ]);
  let leg: { uniqueid: string; linkedid: string; dcontext: string; dst: string } | undefined;
  await waitUntil("the placed call's CDR row", async () => {
    leg = await withClient(
      db,
      async (c) =>
        (
          await c.query<{ uniqueid: string; linkedid: string; dcontext: string; dst: string }>(
            'SELECT uniqueid, linkedid, dcontext, dst FROM cdr WHERE channel LIKE $1 AND dstchannel LIKE $2',
            [`PJSIP/${beaUsername}-%`, `PJSIP/${ann.username}-%`],
          )
        ).rows[0],
    );
    return leg !== undefined;
  });
  assert.deepEqual(leg, {
    uniqueid: linkedid,
    linkedid,
    // the entry context only names the call: the record shows where it went on
    dcontext: 'switchboard-agents',
    dst: ann.extension,
  });

  // The lookup through the page's session: another line's call is refused, an unknown one is 404.
  await annPhone.locator('#dial').fill('*43');
  await annPhone.locator('button.call').click();
  await annPhone.waitForCall("call?.phase === 'active'", 15_000);
  const annCallId = (await annPhone.call())?.sipCallId ?? '';
  const ask = (id: string) =>
    app.page.evaluate(async (id) => {
      const started = performance.now();
      const res = await fetch(`/softphone/calls/by-sip-call-id/${encodeURIComponent(id)}`);
      const body = (await res.json()) as { message?: string; linkedid?: string };
      return { status: res.status, message: body.message ?? '', ms: performance.now() - started };
    }, id);
  const other = await ask(annCallId);
  assert.equal(other.status, 403, other.message);
  await annPhone.locator('button.hangup').click();
  await annPhone.waitForCall('call === undefined');
  const unknown = await ask('no-such-call-id');
  assert.equal(unknown.status, 404, unknown.message);
  assert.ok(unknown.ms >= 1900, `waited ${Math.round(unknown.ms)} ms for the event`);
  // the pair is gone once the call hung up
  assert.equal((await ask(sipCallId)).status, 404);
  assert.deepEqual(pbx.problems(), []);
  assert.deepEqual(app.errors, []);
});
