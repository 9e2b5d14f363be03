// Agents pass callers on (issue 19), proven on the real Asterisk 22 driven
// by the real operator, with three softphones in headless Chromium (fake
// microphones: beeps): Cara calls, Ann takes hotline calls, Bob is the
// specialist (his own extension, and the only member of the "specialists"
// queue, by skill). Blind transfer is a REFER from Ann's softphone that
// Asterisk carries out itself (res_pjsip_refer): the caller leaves Ann's call
// for Bob's extension or the queue's number, Ann's leg is hung up. Ring-back
// is Asterisk's: the agents' endpoints have inband_progress, so a caller
// hears the ring tone (and the busy tone) as early media. Attended transfer:
// Ann holds the caller (Asterisk plays it music on hold) and calls Bob on a
// second line, then sends a REFER whose Refer-To replaces her call to Bob
// (RFC 3891): Asterisk bridges Cara with Bob and hangs up both of Ann's legs.
// Call waiting: Ann (spec.callWaiting) gets Bob's call as a second line
// during Cara's, answers, swaps; Bob (without it) is busy to a second caller
// by Asterisk's own check, and the hotline queue never rings Ann on a direct
// call. Asterisk writes its CDR into the history PostgreSQL, where a
// transferred caller stays one call (one linkedid).
// Audio is asserted with getStats decoded energy on both ends, never with
// SIP state alone.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import { historyEnv, writeHistoryConfig } from '../../scripts/lib/asterisk-history.ts';
import type { DatabaseAccess } from '../../scripts/lib/postgres-process.ts';
import { dbov, energyOver } from '../browser/support/audio-stats.ts';
import { launchChromium } from '../browser/support/chromium.ts';
import { PhoneDriver } from '../browser/support/phone-driver.ts';
import {
  mountPhone,
  type PhonePageServer,
  startPhonePageServer,
} from '../browser/support/phone-page.ts';
import { signInAdmin } from '../support/api-session.ts';
import { type AmiObserver, addAmiObserver } from '../support/asterisk-observer.ts';
import { createNamespace, testCluster } from '../support/cluster.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import { startTestPostgres, type TestPostgres, withClient } from '../support/postgres.ts';
import { type RealAsterisk, startRealAsterisk } from '../support/real-asterisk.ts';
import { condition, decode, Resources } from '../support/resources.ts';
import { waitUntil } from '../support/wait.ts';

/** Mean audioLevel² above this (−40 dBov) is sound, not silence. */
const SILENCE = 1e-4;
const SPECIALISTS = '130';

interface Agent {
  readonly name: string;
  readonly displayName: string;
  username: string;
  password: string;
  extension: string;
  phone: PhoneDriver;
}
const agent = (name: string): Agent => ({
  name,
  displayName: `${name[0]?.toUpperCase()}${name.slice(1)} Agent`,
  username: '',
  password: '',
  extension: '',
  phone: undefined as unknown as PhoneDriver,
});
const ann = agent('ann');
const bob = agent('bob');
const cara = agent('cara');
const AGENTS = [ann, bob, cara];

const cluster = testCluster();
let ns: Awaited<ReturnType<typeof createNamespace>>;
let r: Resources;
let pbx: RealAsterisk;
/** Asterisk's call events (music on hold starting and stopping on a channel). */
let ami: AmiObserver;
let operator: OperatorProcess;
let server: PhonePageServer;
let browser: Browser;
let hotline = '';
/** The call history Asterisk writes its CDR into (cdr_pgsql), as in a deployment with history. */
let postgres: TestPostgres;
let db: DatabaseAccess;
const contexts: BrowserContext[] = [];
const figures: Record<string, string> = {};
const ms = (x: number) => `${x.toFixed(0)} ms`;

async function dial(d: PhoneDriver, number: string): Promise<void> {
  await d.locator('#dial').fill(number);
  await d.locator('button.call').click();
}

async function answer(d: PhoneDriver): Promise<void> {
  await d.waitForCall("call?.phase === 'ringing'", 15_000);
  await d.locator('button.answer').click();
  await d.waitForCall("call?.phase === 'active'");
}

/** Both hear each other: decoded energy above silence on both pages. */
async function talking(a: Agent, b: Agent): Promise<void> {
  const [ab, ba] = await Promise.all([
    energyOver(b.phone, 1, `${b.name} hears ${a.name}`),
    energyOver(a.phone, 1, `${a.name} hears ${b.name}`),
  ]);
  assert.ok(ab > SILENCE, `${b.name} hears ${a.name}: ${dbov(ab).toFixed(1)} dBov`);
  assert.ok(ba > SILENCE, `${a.name} hears ${b.name}: ${dbov(ba).toFixed(1)} dBov`);
}

/** Cara calls the hotline and Ann answers. */
async function hotlineCallToAnn(): Promise<void> {
  await dial(cara.phone, hotline);
  await answer(ann.phone);
  await cara.phone.waitForCall("call?.phase === 'active'");
}

interface CdrRow {
  channel: string;
  dstchannel: string;
  linkedid: string;
}

/** The newest CDR row's id: rows after it belong to what the test does next. */
const lastCdr = () =>
  withClient(db, async (c) => {
    const { rows } = await c.query<{ id: string }>('SELECT coalesce(max(id), 0) AS id FROM cdr');
    return Number(rows[0]?.id ?? 0);
  });

/**
 * Cara hangs up; then (once a row names Cara and `last`) every CDR row of
 * Cara's since `since`, and `last`'s rows with her, carry one linkedid: the
 * transferred caller is one call in the history, not two. Returns Cara's rows.
 */
async function oneCallInHistory(since: number, last: Agent, how: string): Promise<CdrRow[]> {
  await cara.phone.page.evaluate(() => document.querySelector('sb-softphone')?.phone.hangUp());
  await cara.phone.waitForCall('call === undefined');
  let rows: CdrRow[] = [];
  await waitUntil(
    `the CDR row of Cara's call with ${last.name}`,
    async () => {
      rows = await withClient(db, async (c) => {
        const res = await c.query<CdrRow>(
          'SELECT channel, dstchannel, linkedid FROM cdr WHERE id > $1 ORDER BY id',
          [since],
        );
        return res.rows;
      });
      return rows.some(
        (row) =>
          row.channel.startsWith(`PJSIP/${cara.username}-`) &&
          row.dstchannel.startsWith(`PJSIP/${last.username}-`),
      );
    },
    10_000,
  );
  const shown = JSON.stringify(rows, null, 1);
  const caras = rows.filter((row) =>
    [row.channel, row.dstchannel].some((ch) => ch.startsWith(`PJSIP/${cara.username}-`)),
  );
  assert.equal(new Set(caras.map((row) => row.linkedid)).size, 1, shown);
  // the target's leg as Asterisk records it once the caller is with them
  // (a consultation before it is the agent's own call, with its own linkedid)
  const isLast = (ch: string) => ch.startsWith(`PJSIP/${last.username}-`);
  const withCaller = rows.filter(
    (row) => isLast(row.channel) || (isLast(row.dstchannel) && caras.includes(row)),
  );
  assert.ok(withCaller.length > 0, shown);
  assert.ok(
    withCaller.every((row) => row.linkedid === caras[0]?.linkedid),
    shown,
  );
  figures[`CDR rows, one linkedid: ${how}`] = `${caras.length} of Cara's, ${rows.length} in all`;
  return caras;
}

/** Opens Ann's transfer panel and types `text`; clicking is the caller's. */
async function openTransfer(text: string): Promise<void> {
  await ann.phone.locator('button.transfer').click();
  await ann.phone.locator('sb-transfer-panel #transfer-to').fill(text);
}

async function hangUpAll(): Promise<void> {
  for (const a of AGENTS) {
    if (!a.phone) continue;
    await a.phone.page.evaluate(async () => {
      const phone = document.querySelector('sb-softphone')?.phone;
      if (phone?.consultCall) await phone.backToCaller();
      if (phone?.waitingCall?.phase === 'ringing') await phone.declineWaiting();
      else if (phone?.waitingCall) await phone.hangUpWaiting();
    });
    await a.phone.waitForCall('call === undefined', 10_000, 'waiting').catch(() => undefined);
    if (!(await a.phone.call())) continue;
    await a.phone.page.evaluate(() => document.querySelector('sb-softphone')?.phone.hangUp());
    await a.phone.waitForCall('call === undefined').catch(() => undefined);
  }
}

before(async () => {
  ns = await createNamespace(cluster, 'call-transfer');
  r = new Resources(cluster, ns.name);
  postgres = await startTestPostgres();
  db = await postgres.historyDatabase('history');
  [pbx, server, browser] = await Promise.all([
    startRealAsterisk(cluster, r, { env: historyEnv(db) }),
    startPhonePageServer(),
    launchChromium(),
  ]);
  writeHistoryConfig(pbx.asterisk, db);
  operator = await startOperator(cluster, ns.name, 'call-transfer', { ASTERISK_POLL_MS: '100' });
  const portStart = 20_000 + randomInt(0, 120) * 100;
  await r.createConfig({
    ami: pbx.amiSpec,
    asteriskWsUrl: pbx.asterisk.wsUrl,
    transports: { ws: true, wss: false },
    iceServers: {},
    rtp: { portStart, portEnd: portStart + 99 },
  });
  // Ann alone serves the hotline; Bob only the specialists' queue
  // Ann takes a second call while on one; Bob and Cara keep the default (busy)
  await r.createAgent(ann.name, { displayName: ann.displayName, callWaiting: true });
  await r.createAgent(bob.name, {
    displayName: bob.displayName,
    queues: [],
    skills: { specialist: 1 },
  });
  await r.createAgent(cara.name, { displayName: cara.displayName, queues: [] });
  await r.createQueue('specialists', {
    numbers: [SPECIALISTS],
    members: { skills: ['specialist'] },
  });
  const observer = addAmiObserver(pbx.asterisk, ['call', 'agent'], 'transfer-observer');
  await pbx.start();
  ami = await observer.connect();
  await waitUntil(
    'every agent Provisioned=True',
    async () => {
      const list = await r.agents();
      return (
        list.length === AGENTS.length &&
        list.every((a) => condition(a, 'Provisioned')?.status === 'True')
      );
    },
    60_000,
    100,
  );
  hotline = (await r.config()).spec.hotline.number;
  // the directory as the real API answers it (the test page has no API of its own)
  const base = `http://127.0.0.1:${operator.port}`;
  const { session: admin } = await signInAdmin(r, base);
  let directory = '';
  await waitUntil(
    'the directory lists the specialists’ queue and Bob',
    async () => {
      const res = await admin.call<{ entries: { number: string }[] }>(
        'GET',
        '/softphone/directory',
      );
      directory = res.text;
      return res.status === 200 && res.body.entries.some((e) => e.number === SPECIALISTS);
    },
    20_000,
  );
  const config = { wsUrl: pbx.asterisk.wsUrl, iceServers: [], iceGatheringTimeoutMs: 1000 };
  await Promise.all(
    AGENTS.map(async (a) => {
      const secret = await r.secret(`${a.name}-sip-credentials`);
      a.username = decode(secret, 'username') ?? '';
      a.password = decode(secret, 'password') ?? '';
      a.extension = decode(secret, 'extension') ?? '';
      assert.ok(a.username && a.password && a.extension, `${a.name}'s credentials Secret`);
      const context = await browser.newContext({ viewport: { width: 390, height: 1100 } });
      contexts.push(context);
      await context.route('**/softphone/directory', (route) =>
        route.fulfill({ contentType: 'application/json', body: directory }),
      );
      a.phone = new PhoneDriver(await context.newPage());
      await mountPhone(a.phone.page, server, 'sb-softphone', config);
      await a.phone.page.evaluate(() => {
        const el = document.querySelector('sb-softphone');
        if (el) el.directory = '/softphone/directory';
      });
      await a.phone.register(a);
      await a.phone.waitForStatus('registered');
    }),
  );
});

after(async () => {
  console.log('call transfer figures:', JSON.stringify(figures, null, 2));
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
  await ami?.stop();
  await operator?.stop();
  await pbx?.close();
  await postgres?.close();
  await ns?.cleanup();
});

// a failed step must not leave a call up for the next one
afterEach(hangUpAll);

describe('blind transfer and ring-back on the real Asterisk', { concurrency: false }, () => {
  it('the caller hears ring-back while an agent’s phone rings, and the busy tone when declined', async () => {
    await dial(cara.phone, bob.extension);
    await bob.phone.waitForCall("call?.phase === 'ringing'", 15_000);
    const e = await energyOver(cara.phone, 1, 'cara hears ring-back');
    figures['ring-back heard by the caller while ringing'] = `${dbov(e).toFixed(1)} dBov`;
    assert.ok(e > SILENCE, `ring-back: ${dbov(e).toFixed(1)} dBov`);
    figures['dial → ring-back starts'] = ms(
      (await cara.phone.lastEvent('early-media')) - (await cara.phone.lastEvent('dial')),
    );
    await bob.phone.locator('button.decline').click();
    // the busy tone plays before the hangup: the call is still there for a moment
    const busy = await energyOver(cara.phone, 1, 'cara hears the busy tone');
    assert.ok(busy > SILENCE, `busy tone: ${dbov(busy).toFixed(1)} dBov`);
    await cara.phone.waitForCall('call === undefined', 10_000);
    assert.match((await cara.phone.lastReason()) ?? '', /^Busy \(486/);
  });

  it('Ann blind-transfers a hotline caller to Bob’s extension: caller and Bob talk, Ann is free, one call in the history', async () => {
    const since = await lastCdr();
    await hotlineCallToAnn();
    await talking(cara, ann);
    await openTransfer(bob.extension);
    const clicked = await ann.phone.epoch();
    await ann.phone.locator('sb-transfer-panel button.transfer-now').click();
    await bob.phone.waitForCall("call?.phase === 'ringing'", 15_000);
    figures['transfer click → target agent ringing'] = ms(
      (await bob.phone.lastEvent('incoming')) - clicked,
    );
    await ann.phone.waitForCall('call === undefined', 10_000);
    assert.equal(await ann.phone.lastReason(), `Transferred to ${bob.extension}`);
    // the caller keeps its call: the same dialog, now bridged to Bob
    assert.equal((await cara.phone.call())?.phase, 'active');
    await bob.phone.locator('button.answer').click();
    await bob.phone.waitForCall("call?.phase === 'active'");
    assert.match((await bob.phone.call())?.remoteUser ?? '', /./);
    await talking(cara, bob);
    // one call in the history: Cara's legs to Ann and to Bob share Cara's linkedid
    const rows = await oneCallInHistory(since, bob, 'blind transfer');
    assert.ok(rows.some((row) => row.dstchannel.startsWith(`PJSIP/${ann.username}-`)));
  });

  it('Ann finds the specialists’ queue by name and transfers the caller into it', async () => {
    await hotlineCallToAnn();
    await openTransfer('spec');
    const target = ann.phone.locator(
      `sb-transfer-panel button.target[data-number="${SPECIALISTS}"]`,
    );
    assert.match((await target.textContent()) ?? '', /specialists/);
    const clicked = await ann.phone.epoch();
    await target.click();
    await bob.phone.waitForCall("call?.phase === 'ringing'", 15_000);
    figures['transfer click → queue member ringing'] = ms(
      (await bob.phone.lastEvent('incoming')) - clicked,
    );
    await ann.phone.waitForCall('call === undefined', 10_000);
    await bob.phone.locator('button.answer').click();
    await bob.phone.waitForCall("call?.phase === 'active'");
    await talking(cara, bob);
  });

  it('a transfer to a number that does not exist is refused and Ann keeps the caller', async () => {
    await hotlineCallToAnn();
    await openTransfer('99999');
    await ann.phone.locator('sb-transfer-panel button.transfer-now').click();
    await waitUntil('Ann sees why', async () => Boolean(await ann.phone.callError()), 10_000);
    assert.match((await ann.phone.callError()) ?? '', /transfer/i);
    assert.equal((await ann.phone.call())?.phase, 'active');
    assert.equal((await ann.phone.call())?.transferPending, false);
    await talking(cara, ann);
  });
});

/** Ann presses Consult, picks Bob and Bob answers; returns when the consult click happened (epoch ms). */
async function annConsultsBob(): Promise<number> {
  await ann.phone.locator('button.consult').click();
  await ann.phone.locator('sb-transfer-panel #transfer-to').fill(bob.extension);
  const clicked = await ann.phone.epoch();
  await ann.phone.locator('sb-transfer-panel button.transfer-now').click();
  await bob.phone.waitForCall("call?.phase === 'ringing'", 15_000);
  await ann.phone.waitForCall('call?.held === true');
  return clicked;
}

/** Ann and Bob hear each other on Ann's consult line. */
async function consulting(): Promise<void> {
  const [toBob, toAnn] = await Promise.all([
    energyOver(bob.phone, 1, 'bob hears ann'),
    energyOver(ann.phone, 1, 'ann hears bob on the consult line', 'consult'),
  ]);
  assert.ok(toBob > SILENCE, `bob hears ann: ${dbov(toBob).toFixed(1)} dBov`);
  assert.ok(toAnn > SILENCE, `ann hears bob: ${dbov(toAnn).toFixed(1)} dBov`);
}

async function setMute(a: Agent, muted: boolean): Promise<void> {
  await a.phone.page.evaluate(
    (m) => document.querySelector('sb-softphone')?.phone.setMute(m),
    muted,
  );
}

/**
 * Waits (up to 5 s) for half a second of `listener`'s audio that is sound
 * (or silence): a mute or unmute reaches the ear after the jitter buffer
 * (and, in a conference, the mix) played what came before.
 */
async function awaitLevel(listener: Agent, sound: boolean, what: string): Promise<void> {
  let e = sound ? 0 : 1;
  await waitUntil(
    what,
    async () => {
      e = await energyOver(listener.phone, 0.5, what);
      return sound ? e > SILENCE : e < SILENCE;
    },
    5_000,
  ).catch(() => assert.fail(`${what}: ${dbov(e).toFixed(1)} dBov`));
}

/** `listener` falls silent when `speaker` mutes and hears them again after: the sound is the speaker's (not music, not a third party). */
async function hearsOnly(listener: Agent, speaker: Agent): Promise<void> {
  await setMute(speaker, true);
  await awaitLevel(listener, false, `${listener.name} silent while ${speaker.name} is muted`);
  await setMute(speaker, false);
  await awaitLevel(listener, true, `${listener.name} hears ${speaker.name} unmuted`);
}

describe('attended (consult) transfer on the real Asterisk', { concurrency: false }, () => {
  it('Ann consults Bob with the caller on music, goes back to the caller, consults again and completes; one call in the history', async () => {
    const since = await lastCdr();
    await hotlineCallToAnn();
    await talking(cara, ann);
    const caller = (await ann.phone.call())?.remoteName;

    const clicked = await annConsultsBob();
    figures['consult click → colleague ringing'] = ms(
      (await bob.phone.lastEvent('incoming')) - clicked,
    );
    // Ann's microphone is off while the caller is held: what Cara hears is Asterisk's music
    const moh = await energyOver(cara.phone, 1, 'cara hears music on hold');
    figures['music on hold heard by the held caller'] = `${dbov(moh).toFixed(1)} dBov`;
    assert.ok(moh > SILENCE, `music on hold: ${dbov(moh).toFixed(1)} dBov`);
    const onCara = (e: Record<string, unknown>) =>
      String(e.channel).startsWith(`PJSIP/${cara.username}-`);
    assert.ok(ami.events('MusicOnHoldStart').some(onCara), 'Asterisk plays Cara its music');
    await bob.phone.locator('button.answer').click();
    await ann.phone.waitForCall("call?.phase === 'active'", 10_000, 'consult');
    // both lines, each named for a screen reader
    const lines = await ann.phone
      .locator('li.line')
      .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    assert.deepEqual(lines, [
      `Caller ${caller}: On hold, hearing music`,
      `Consulting ${bob.extension}: Talking`,
    ]);
    await consulting();

    await ann.phone.locator('button.back-to-caller').click();
    await ann.phone.waitForCall('call === undefined', 10_000, 'consult');
    await ann.phone.waitForCall("call?.phase === 'active' && call.held === false");
    await bob.phone.waitForCall('call === undefined');
    await talking(cara, ann);

    await annConsultsBob();
    await bob.phone.locator('button.answer').click();
    await ann.phone.waitForCall("call?.phase === 'active'", 10_000, 'consult');
    await consulting();
    const completed = await ann.phone.epoch();
    await ann.phone.locator('button.complete-transfer').click();
    await ann.phone.waitForCall('call === undefined', 10_000);
    await ann.phone.waitForCall('call === undefined', 10_000, 'consult');
    figures['complete click → Asterisk reports the transfer done (NOTIFY 200)'] = ms(
      (await ann.phone.lastEvent('transferred')) - completed,
    );
    assert.equal(await ann.phone.lastReason(), `Transferred to ${bob.extension}`);
    // the caller keeps its call, now bridged to Bob
    assert.equal((await cara.phone.call())?.phase, 'active');
    assert.equal((await bob.phone.call())?.phase, 'active');
    await talking(cara, bob);
    figures['complete click → caller and colleague heard talking (incl. 1 s measured)'] = ms(
      Date.now() - completed,
    );
    await hearsOnly(cara, bob);
    // the music was stopped for Cara each time: after Back to caller and after the transfer
    assert.ok(ami.events('MusicOnHoldStop').filter(onCara).length >= 2, 'Cara’s music stopped');
    // one call in the history: the consult call that became Cara's joins her linkedid
    await oneCallInHistory(since, bob, 'consult, back, consult, complete');
  });

  it('from the consult state the three talk together: with Ann muted, Cara and Bob hear each other through her', async () => {
    await hotlineCallToAnn();
    await annConsultsBob();
    await bob.phone.locator('button.answer').click();
    await ann.phone.waitForCall("call?.phase === 'active'", 10_000, 'consult');
    const clicked = await ann.phone.epoch();
    await ann.phone.locator('button.conference').click();
    await ann.phone.waitForCall("call?.phase === 'active' && call.held === false");
    await ann.phone.page.waitForFunction(
      () => document.querySelector('sb-softphone')?.phone.inConference === true,
    );
    figures['conference click → mixing'] = ms((await ann.phone.lastEvent('conference')) - clicked);
    const lines = await ann.phone
      .locator('li.line')
      .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    assert.ok(
      lines.every((l) => l?.endsWith(': In conference')),
      String(lines),
    );
    // Ann's microphone off: Cara and Bob can only hear each other, through Ann's mix
    await setMute(ann, true);
    await hearsOnly(cara, bob);
    await hearsOnly(bob, cara);
    const [fromCara, fromBob] = await Promise.all([
      energyOver(ann.phone, 1, 'ann hears cara'),
      energyOver(ann.phone, 1, 'ann hears bob', 'consult'),
    ]);
    assert.ok(fromCara > SILENCE, `ann hears cara: ${dbov(fromCara).toFixed(1)} dBov`);
    assert.ok(fromBob > SILENCE, `ann hears bob: ${dbov(fromBob).toFixed(1)} dBov`);
    // and Ann is heard by both once she unmutes (Cara and Bob muted)
    await Promise.all([setMute(cara, true), setMute(bob, true)]);
    await setMute(ann, false);
    await Promise.all([
      awaitLevel(cara, true, 'cara hears ann'),
      awaitLevel(bob, true, 'bob hears ann'),
    ]);
    await Promise.all([setMute(cara, false), setMute(bob, false)]);
  });
});

/** `a` and `b` hear each other, `a` on its `line`. */
async function talkingOn(a: Agent, line: 'call' | 'waiting', b: Agent): Promise<void> {
  const [ab, ba] = await Promise.all([
    energyOver(b.phone, 1, `${b.name} hears ${a.name}`),
    energyOver(a.phone, 1, `${a.name} hears ${b.name} on the ${line} line`, line),
  ]);
  assert.ok(ab > SILENCE, `${b.name} hears ${a.name}: ${dbov(ab).toFixed(1)} dBov`);
  assert.ok(ba > SILENCE, `${a.name} hears ${b.name}: ${dbov(ba).toFixed(1)} dBov`);
}

/** The held party hears Asterisk's music although the agent is muted: it is the music, not the agent. */
async function hearsMusic(held: Agent): Promise<void> {
  const e = await energyOver(held.phone, 1, `${held.name} hears music on hold`);
  assert.ok(e > SILENCE, `${held.name} hears music: ${dbov(e).toFixed(1)} dBov`);
}

/** Cara calls the hotline, Ann answers; then Bob dials Ann's extension and it rings as her second line. */
async function secondCallToAnn(): Promise<void> {
  await hotlineCallToAnn();
  await dial(bob.phone, ann.extension);
  await ann.phone.waitForCall("call?.phase === 'ringing'", 15_000, 'waiting');
}

describe('a second line (call waiting) on the real Asterisk', { concurrency: false }, () => {
  it('Ann sees Bob calling during Cara’s call, answers (Cara on music), swaps back and forth', async () => {
    await secondCallToAnn();
    // the caller ID is shown with the choice; the first call is untouched while it rings
    const section = ann.phone.locator('section.waiting');
    assert.equal(await section.locator('h3').textContent(), 'Call waiting');
    assert.match((await section.locator('.caller').textContent()) ?? '', /Bob Agent/);
    assert.equal((await ann.phone.call())?.held, false);
    await talking(cara, ann);

    const answered = await ann.phone.epoch();
    await section.locator('button.answer-waiting').click();
    await ann.phone.waitForCall("call?.phase === 'active'", 10_000, 'waiting');
    await ann.phone.waitForCall('call?.held === true');
    await bob.phone.waitForCall("call?.phase === 'active'");
    figures['answer waiting click → second call answered, first held'] = ms(
      (await ann.phone.lastEvent('established')) - answered,
    );
    await talkingOn(ann, 'waiting', bob);
    await setMute(ann, true);
    await hearsMusic(cara);
    await setMute(ann, false);

    // swap to Cara: Bob is held and hears the music, Cara and Ann talk
    let clicked = await ann.phone.epoch();
    await section.locator('button.swap').click();
    await ann.phone.waitForCall('call?.held === false && call.holdPending === false');
    await ann.phone.waitForCall('call?.held === true', 10_000, 'waiting');
    figures['swap click → calls swapped (two re-INVITEs)'] = ms(
      (await ann.phone.lastEvent('swapped')) - clicked,
    );
    await talkingOn(ann, 'call', cara);
    await setMute(ann, true);
    await hearsMusic(bob);
    await setMute(ann, false);

    // and back to Bob
    clicked = await ann.phone.epoch();
    await section.locator('button.swap').click();
    await ann.phone.waitForCall(
      'call?.held === false && call.holdPending === false',
      10_000,
      'waiting',
    );
    await ann.phone.waitForCall('call?.held === true');
    figures['swap back click → calls swapped'] = ms(
      (await ann.phone.lastEvent('swapped')) - clicked,
    );
    await talkingOn(ann, 'waiting', bob);
    await hearsOnly(bob, ann);
  });

  it('Ann declines the second call: Bob hears busy and is told so, Ann stays with Cara', async () => {
    await secondCallToAnn();
    await ann.phone.locator('section.waiting button.decline-waiting').click();
    const busy = await energyOver(bob.phone, 1, 'bob hears the busy tone');
    assert.ok(busy > SILENCE, `busy tone: ${dbov(busy).toFixed(1)} dBov`);
    await bob.phone.waitForCall('call === undefined', 10_000);
    assert.match((await bob.phone.lastReason()) ?? '', /^Busy \(486/);
    await ann.phone.waitForCall('call === undefined', 5_000, 'waiting');
    assert.equal((await ann.phone.call())?.phase, 'active');
    await talking(cara, ann);
  });

  it('without call waiting Asterisk answers busy: Cara calls Bob while he talks to Ann', async () => {
    await dial(ann.phone, bob.extension);
    await answer(bob.phone);
    const dialled = await cara.phone.epoch();
    await dial(cara.phone, bob.extension);
    const busy = await energyOver(cara.phone, 1, 'cara hears the busy tone');
    assert.ok(busy > SILENCE, `busy tone: ${dbov(busy).toFixed(1)} dBov`);
    await cara.phone.waitForCall('call === undefined', 10_000);
    assert.match((await cara.phone.lastReason()) ?? '', /^Busy \(486/);
    // Asterisk decided: Bob's browser was never offered the call
    const offered = (await bob.phone.timeline()).filter(
      (t) => t.event === 'waiting' || t.event === 'incoming',
    );
    assert.ok(
      (await Promise.all(offered.map((t) => bob.phone.epoch(t.at)))).every((at) => at < dialled),
      'Bob was offered no call after Cara dialled',
    );
    assert.equal((await bob.phone.call())?.phase, 'active');
  });

  it('a queue never offers a second call: Cara waits in the hotline queue while Ann is on a direct call', async () => {
    await dial(bob.phone, ann.extension);
    await answer(ann.phone);
    const joined = ami.events('QueueCallerJoin').length;
    const called = ami.events('AgentCalled').length;
    await dial(cara.phone, hotline);
    await waitUntil(
      'Cara waits in the hotline queue',
      async () => ami.events('QueueCallerJoin').length > joined,
      10_000,
    );
    // more than one queue retry (5 s): app_queue skips Ann (ringinuse=no), she is never rung
    const observed = Date.now() + 6_000;
    await waitUntil('the queue had its chances', async () => Date.now() > observed, 7_000);
    assert.equal(ami.events('AgentCalled').length, called, 'the queue called no agent');
    assert.equal(
      await ann.phone.page.evaluate(
        () => document.querySelector('sb-softphone')?.phone.waitingCall,
      ),
      undefined,
    );
    // once Ann is free, the same queue rings her: it was waiting for her, not broken
    await ann.phone.page.evaluate(() => document.querySelector('sb-softphone')?.phone.hangUp());
    await ann.phone.waitForCall("call?.phase === 'ringing'", 15_000);
    await waitUntil(
      'the queue called Ann once she was free (AgentCalled)',
      async () => ami.events('AgentCalled').length > called,
      5_000,
    );
    await ann.phone.locator('button.answer').click();
    await ann.phone.waitForCall("call?.phase === 'active'");
    await talking(cara, ann);
  });
});
