// Agents pass a caller on to an outside number through the SipTrunk (issue
// 19), against the real carrier Asterisk of the trunk tests
// (test/support/carrier-asterisk.ts: every number rings for a second, then
// answers with Echo()). The dial-out permission is the transferring agent's,
// never the caller's: Cara (who may not call out) calls the hotline, Ann
// (labelled dial-out) answers and blind-transfers her to a national number;
// the carrier receives it in E.164 with the trunk's caller ID, and Cara hears
// her own voice back through the carrier (audio both ways), silence when she
// mutes (so it is the carrier's echo, not Ann). Bob (no permission) is
// refused the same transfer by Asterisk and keeps the caller. Attended: Ann
// consults the outside number (her own call out) and completes; Cara and the
// carrier stay connected. Cara's endpoint offers G.711 only: Asterisk has no
// Opus transcoder and the carrier takes no Opus.
// Recall (render/recall.ts): Ann blind-transfers Cara to a denied number
// (cause 21, Asterisk refuses it) and to a number the carrier refuses (404,
// cause 1); each time Cara comes back ringing at Ann with X-Switchboard-Recall,
// shown in words. Ann answers the first and they hear each other; she lets
// the second ring out (dialTimeoutSeconds), and Cara's call ends.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { agentPhone } from '../browser/support/agent-phone.ts';
import { dbov, energyOver } from '../browser/support/audio-stats.ts';
import type { PhoneDriver } from '../browser/support/phone-driver.ts';
import {
  CARRIER_CUSTOMER,
  type Carrier,
  type CarrierEvent,
  NO_ANSWER_NUMBER,
  UNALLOCATED_NUMBER,
} from '../support/carrier-asterisk.ts';
import type { RealAsterisk } from '../support/real-asterisk.ts';
import { condition, type Resources } from '../support/resources.ts';
import { CARRIER_SECRET, startTrunkBed, type TrunkBed } from '../support/trunk-bed.ts';
import { waitUntil } from '../support/wait.ts';

/** Mean audioLevel² above this (−40 dBov) is sound, not silence. */
const SILENCE = 1e-4;
const CALLER_ID = '+23222000000';
const NATIONAL = '076 123 456';
const E164 = '+23276123456';
/** A number of the deny list (premium), and one the carrier has nobody for (404). */
const DENIED = '090 123 456';
const UNALLOCATED = '076 000 001';
/** A number that rings at the carrier and nobody answers. */
const NO_ANSWER = '076 000 002';
/** How long a call to an agent (and a recall) rings: the WebRTCConfig's dialTimeoutSeconds. */
const RING_SECONDS = 6;
/** res_pjsip_refer's (ERROR) line when a transfer target is not in the agent's transfer context. */
const REFUSED = /blind transfer to '076123456@switchboard-transfer' but target does not exist/;

let bed: TrunkBed;
let r: Resources;
let pbx: RealAsterisk;
let carrier: Carrier;
let ann: PhoneDriver;
let bob: PhoneDriver;
let cara: PhoneDriver;
let hotline = '';
let bobExtension = '';
const figures: Record<string, string> = {};
const ms = (x: number) => `${x.toFixed(0)} ms`;
const field = (e: CarrierEvent, key: string) => String(e.f[key] ?? '');

/** The carrier's channels for calls from us (its customer), created after event index `from`. */
const customerChannels = (from: number) =>
  carrier
    .events('Newchannel')
    .slice(from)
    .filter((e) => field(e, 'channel').startsWith(`PJSIP/${CARRIER_CUSTOMER}-`));

async function agent(name: string, labels: Record<string, string>, spec: object = {}) {
  await r.custom.createNamespacedCustomObject({
    group: 'switchboard.dev',
    version: 'v1alpha1',
    namespace: r.namespace,
    plural: 'sipagents',
    body: {
      apiVersion: 'switchboard.dev/v1alpha1',
      kind: 'SipAgent',
      metadata: { name, labels },
      spec: { displayName: `${name[0]?.toUpperCase()}${name.slice(1)} Agent`, ...spec },
    },
  });
}

async function dial(d: PhoneDriver, number: string): Promise<void> {
  await d.locator('#dial').fill(number);
  await d.locator('button.call').click();
}

/** `to` answers a call from Cara to `number`. */
async function caraCalls(number: string, to: PhoneDriver): Promise<void> {
  await dial(cara, number);
  await to.waitForCall("call?.phase === 'ringing'", 15_000);
  await to.locator('button.answer').click();
  await to.waitForCall("call?.phase === 'active'");
  await cara.waitForCall("call?.phase === 'active'");
}

async function setMute(d: PhoneDriver, muted: boolean): Promise<void> {
  await d.page.evaluate((m) => document.querySelector('sb-softphone')?.phone.setMute(m), muted);
}

/** Waits (up to 5 s) for half a second of Cara's audio that is sound (or silence). */
async function caraHears(sound: boolean, what: string): Promise<void> {
  let e = sound ? 0 : 1;
  await waitUntil(
    what,
    async () => {
      e = await energyOver(cara, 0.5, what);
      return sound ? e > SILENCE : e < SILENCE;
    },
    5_000,
  ).catch(() => assert.fail(`${what}: ${dbov(e).toFixed(1)} dBov`));
}

/** Cara hears herself back through the carrier, and nothing while she is muted (so not Ann). */
async function caraTalksToTheCarrier(): Promise<void> {
  await caraHears(true, 'Cara hears her voice back through the carrier');
  await setMute(cara, true);
  await caraHears(false, 'Cara hears silence while muted: no one else is on her call');
  await setMute(cara, false);
  await caraHears(true, 'Cara hears her voice again');
}

/** Waits for the carrier's first new call from us; checks number and caller ID. */
async function carrierReceives(from: number): Promise<CarrierEvent> {
  let invite: CarrierEvent | undefined;
  await waitUntil(
    'the carrier receives the call',
    () => {
      invite = customerChannels(from)[0];
      return invite !== undefined;
    },
    15_000,
    20,
  );
  const e = invite as CarrierEvent;
  assert.equal(field(e, 'exten'), E164, 'E.164 at the carrier');
  assert.equal(field(e, 'calleridnum'), CALLER_ID, 'the trunk’s caller ID');
  return e;
}

/**
 * Clicks Transfer now in `d`'s open panel; resolves with when (epoch ms) the
 * page got the click: Playwright's own waiting before it clicks is no part of the figure.
 */
async function transferNow(d: PhoneDriver): Promise<number> {
  await d.page.evaluate(() => {
    const w = window as unknown as { clickedAt?: number };
    document.addEventListener(
      'click',
      () => {
        w.clickedAt = performance.now();
      },
      { capture: true, once: true },
    );
  });
  await d.locator('sb-transfer-panel button.transfer-now').click();
  const at = await d.page.evaluate(() => (window as unknown as { clickedAt?: number }).clickedAt);
  assert.ok(at !== undefined, 'the page got the click');
  return await d.epoch(at);
}

async function hangUp(d: PhoneDriver): Promise<void> {
  await d.page.evaluate(async () => {
    const phone = document.querySelector('sb-softphone')?.phone;
    if (phone?.consultCall) await phone.backToCaller();
    await phone?.hangUp();
  });
  await d.waitForCall('call === undefined', 10_000).catch(() => undefined);
}

before(async () => {
  bed = await startTrunkBed('trunk-transfer');
  ({ r, pbx, carrier } = bed);
  await agent('ann', { 'dial-out': 'yes' });
  await agent('bob', {}, { queues: [] });
  // the caller: may not call out, and speaks G.711 (the carrier takes no Opus)
  await agent('cara', {}, { queues: [], codecs: ['ulaw', 'alaw'] });
  await r.createTrunk('carrier', {
    host: '127.0.0.1',
    port: carrier.sipPort,
    register: true,
    credentialsSecret: { name: CARRIER_SECRET, usernameKey: 'username', passwordKey: 'password' },
    match: [`127.0.0.1:${carrier.sipPort}`],
    fromUser: CARRIER_CUSTOMER,
    routes: [],
    outbound: {
      callerId: CALLER_ID,
      countryCode: '232',
      deny: ['+2329'],
      agents: { selector: { matchLabels: { 'dial-out': 'yes' } } },
    } as never,
  });
  // a recall rings as long as a call to the agent: short, so the unanswered one ends soon
  await r.patchConfig({ spec: { dialTimeoutSeconds: RING_SECONDS } });
  await bed.startPbx(['ann', 'bob', 'cara']);
  await waitUntil(
    'the trunk is registered and Ready',
    async () => {
      const t = await r.trunk('carrier');
      return t.status?.registered === true && condition(t, 'Ready')?.status === 'True';
    },
    30_000,
    50,
  );
  hotline = (await r.config()).spec.hotline.number;
  bobExtension = String((await r.agent('bob')).status?.extension ?? '');
  const phone = (name: string) => agentPhone(r, bed.context, bed.server, pbx.asterisk.wsUrl, name);
  [ann, bob, cara] = [await phone('ann'), await phone('bob'), await phone('cara')];
});

after(async () => {
  console.log(`figures (transfer to an outside number): ${JSON.stringify(figures, null, 1)}`);
  await bed?.close();
});

afterEach(async () => {
  for (const d of [ann, bob, cara]) if (d) await hangUp(d);
  await carrier?.hangUpAll().catch(() => undefined);
});

describe('transfer to an outside number through the SipTrunk', { concurrency: false }, () => {
  it('Ann blind-transfers a hotline caller to a national number: E.164 and caller ID at the carrier, audio both ways', async () => {
    await caraCalls(hotline, ann);
    const from = carrier.events('Newchannel').length;
    await ann.locator('button.transfer').click();
    await ann.locator('sb-transfer-panel #transfer-to').fill(NATIONAL);
    const clicked = await ann.epoch();
    await ann.locator('sb-transfer-panel button.transfer-now').click();
    const invite = await carrierReceives(from);
    figures['blind: transfer click → carrier receives the INVITE'] = ms(invite.raised - clicked);
    await ann.waitForCall('call === undefined', 10_000);
    assert.equal(await ann.lastReason(), `Transferred to ${NATIONAL.replaceAll(' ', '')}`);
    // Cara keeps her call (the same dialog), now to the carrier
    assert.equal((await cara.call())?.phase, 'active');
    await caraTalksToTheCarrier();
  });

  it('Bob, who may not call out, is refused the same transfer by Asterisk and keeps the caller', async () => {
    await caraCalls(bobExtension, bob);
    const from = carrier.events('Newchannel').length;
    await bob.locator('button.transfer').click();
    await bob.locator('sb-transfer-panel #transfer-to').fill(NATIONAL);
    await bob.locator('sb-transfer-panel button.transfer-now').click();
    await waitUntil('Bob sees why', async () => Boolean(await bob.callError()), 10_000);
    assert.match((await bob.callError()) ?? '', /transfer/i);
    assert.equal((await bob.call())?.phase, 'active');
    assert.equal((await bob.call())?.transferPending, false);
    const [toBob, toCara] = await Promise.all([
      energyOver(bob, 1, 'bob hears cara'),
      energyOver(cara, 1, 'cara hears bob'),
    ]);
    assert.ok(toBob > SILENCE && toCara > SILENCE, `${dbov(toBob)} / ${dbov(toCara)} dBov`);
    assert.deepEqual(customerChannels(from), [], 'no INVITE reached the carrier');
    // Asterisk looked the number up in Bob's transfer context, which has no outside numbers
    assert.ok(
      pbx.problems().some((l) => REFUSED.test(l)),
      'res_pjsip_refer refused it in switchboard-transfer',
    );
  });

  it('Ann consults the outside number and completes: Cara and the carrier stay connected', async () => {
    await caraCalls(hotline, ann);
    const from = carrier.events('Newchannel').length;
    await ann.locator('button.consult').click();
    await ann.locator('sb-transfer-panel #transfer-to').fill(NATIONAL);
    const clicked = await ann.epoch();
    await ann.locator('sb-transfer-panel button.transfer-now').click();
    const invite = await carrierReceives(from);
    figures[
      'attended: consult click → carrier receives the INVITE (after the 488 and G.711 retry)'
    ] = ms(invite.raised - clicked);
    await ann.waitForCall("call?.phase === 'active'", 15_000, 'consult');
    const completed = await ann.epoch();
    await ann.locator('button.complete-transfer').click();
    await ann.waitForCall('call === undefined', 10_000);
    await ann.waitForCall('call === undefined', 10_000, 'consult');
    figures['attended: complete click → NOTIFY 200'] = ms(
      (await ann.lastEvent('transferred')) - completed,
    );
    assert.equal((await cara.call())?.phase, 'active');
    await caraTalksToTheCarrier();
  });

  it('Ann blind-transfers a caller to a denied number: the caller comes back ringing at Ann with why, Ann answers and they talk', async () => {
    await caraCalls(hotline, ann);
    const caller = (await ann.call())?.remoteName;
    const from = carrier.events('Newchannel').length;
    await ann.locator('button.transfer').click();
    await ann.locator('sb-transfer-panel #transfer-to').fill(DENIED);
    const clicked = await transferNow(ann);
    await ann.waitForCall("call?.phase === 'ringing' && call.recall !== undefined", 15_000);
    const ringing = await ann.lastEvent('incoming');
    figures['recall, denied number: transfer click → recall ringing at the agent'] = ms(
      ringing - clicked,
    );
    figures['recall, denied number: REFER sent → recall ringing'] = ms(
      ringing - (await ann.lastEvent('transfer-sent')),
    );
    // the transfer itself went through (NOTIFY 200) and Ann's old leg ended before the recall
    // rang: it rings as a new call, not as a second line (Asterisk's INVITE came first)
    assert.ok((await ann.lastEvent('transferred')) <= ringing, 'transferred, then ringing');
    assert.ok((await ann.lastEvent('ended')) <= ringing, 'old leg ended, then ringing');
    assert.equal(
      await ann.page.evaluate(() => document.querySelector('sb-softphone')?.phone.waitingCall),
      undefined,
    );
    const recall = await ann.call();
    assert.deepEqual(recall?.recall, { cause: 21, number: '090123456' }, 'X-Switchboard-Recall');
    assert.equal(recall?.remoteName, caller, 'the caller’s own caller ID');
    assert.ok(recall?.linkedid, 'X-Switchboard-Call too');
    assert.equal(
      await ann.locator('.incoming .recall').textContent(),
      'Transfer to 090123456 failed: calls to this number are not allowed — caller returned',
    );
    // Cara never left her call (the same dialog) and the carrier heard nothing of it
    assert.equal((await cara.call())?.phase, 'active');
    assert.deepEqual(customerChannels(from), [], 'no INVITE reached the carrier');

    await ann.locator('button.answer').click();
    await ann.waitForCall("call?.phase === 'active'");
    const [toAnn, toCara] = await Promise.all([
      energyOver(ann, 1, 'ann hears cara'),
      energyOver(cara, 1, 'cara hears ann'),
    ]);
    assert.ok(toAnn > SILENCE && toCara > SILENCE, `${dbov(toAnn)} / ${dbov(toCara)} dBov`);
    // it is Ann Cara hears (not the ring tone): silence while Ann is muted
    await setMute(ann, true);
    await caraHears(false, 'Cara hears silence while Ann is muted');
    await setMute(ann, false);
    await caraHears(true, 'Cara hears Ann again');
    assert.equal((await ann.call())?.recall?.cause, 21, 'the answered call still says why');
  });

  it('an outside number nobody answers rings for the ring time only, then the caller comes back (cause 19)', async () => {
    await caraCalls(hotline, ann);
    const from = carrier.events('Newchannel').length;
    await ann.locator('button.transfer').click();
    await ann.locator('sb-transfer-panel #transfer-to').fill(NO_ANSWER);
    const clicked = await transferNow(ann);
    await waitUntil('the carrier rang the number', () => customerChannels(from).length > 0);
    await ann.waitForCall(
      "call?.phase === 'ringing' && call.recall !== undefined",
      (RING_SECONDS + 15) * 1000,
    );
    const ringing = await ann.lastEvent('incoming');
    const rang = ringing - clicked;
    figures['recall, outside number unanswered: transfer click → recall ringing (ring time 6 s)'] =
      ms(rang);
    assert.ok(
      rang > RING_SECONDS * 1000,
      `recalled after ${rang} ms, the ring time is ${RING_SECONDS} s`,
    );
    assert.equal(field(customerChannels(from)[0] as CarrierEvent, 'exten'), NO_ANSWER_NUMBER);
    assert.deepEqual((await ann.call())?.recall, { cause: 19, number: '076000002' });
    assert.equal(
      await ann.locator('.incoming .recall').textContent(),
      'Transfer to 076000002 failed: no answer — caller returned',
    );
    // our Dial gave the carrier's leg up (CANCEL): it ended there
    const leg = field(customerChannels(from)[0] as CarrierEvent, 'channel');
    await waitUntil('the carrier leg ended', () =>
      carrier.events('Hangup').some((e) => field(e, 'channel') === leg),
    );
  });

  it('a number the carrier refuses (cause 1) brings the caller back too; unanswered, the recall gives up once and the caller is hung up', async () => {
    await caraCalls(hotline, ann);
    const caller = (await ann.call())?.remoteName;
    const from = carrier.events('Newchannel').length;
    const before = await ann.now();
    await ann.locator('button.transfer').click();
    await ann.locator('sb-transfer-panel #transfer-to').fill(UNALLOCATED);
    const clicked = await transferNow(ann);
    await ann.waitForCall("call?.phase === 'ringing' && call.recall !== undefined", 15_000);
    const ringing = await ann.lastEvent('incoming');
    figures['recall, carrier refuses (404): transfer click → recall ringing at the agent'] = ms(
      ringing - clicked,
    );
    assert.equal(field(customerChannels(from)[0] as CarrierEvent, 'exten'), UNALLOCATED_NUMBER);
    const recall = await ann.call();
    assert.deepEqual(recall?.recall, { cause: 1, number: '076000001' });
    // DIAL_CONTEXT had given Cara's channel the trunk's caller ID; the recall shows Cara again
    assert.equal(recall?.remoteName, caller);
    assert.equal(
      await ann.locator('.incoming .recall').textContent(),
      'Transfer to 076000001 failed: no such extension or number — caller returned',
    );
    // nobody answers: after the ring time Asterisk hangs Cara up (normal clearing)
    await cara.waitForCall('call === undefined', (RING_SECONDS + 10) * 1000);
    await ann.waitForCall('call === undefined', 5_000);
    const rang = (await cara.lastEvent('ended')) - ringing;
    figures['recall, unanswered: agent ringing → caller hung up'] = ms(rang);
    assert.ok(rang > (RING_SECONDS - 1) * 1000, `rang ${rang} ms for ${RING_SECONDS} s`);
    // once Cara's channel is gone nothing can ring Ann again: she was rung exactly once
    const incoming = (await ann.timeline()).filter((e) => e.event === 'incoming' && e.at > before);
    assert.equal(incoming.length, 1, 'one recall, never a recall of the recall');
  });

  it('logs no WARNING or ERROR but the refusal of Bob’s transfer', () => {
    assert.deepEqual(
      pbx.problems().filter((l) => !REFUSED.test(l)),
      [],
    );
  });
});
