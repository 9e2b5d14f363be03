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
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { agentPhone } from '../browser/support/agent-phone.ts';
import { dbov, energyOver } from '../browser/support/audio-stats.ts';
import type { PhoneDriver } from '../browser/support/phone-driver.ts';
import { CARRIER_CUSTOMER, type Carrier, type CarrierEvent } from '../support/carrier-asterisk.ts';
import type { RealAsterisk } from '../support/real-asterisk.ts';
import { condition, type Resources } from '../support/resources.ts';
import { CARRIER_SECRET, startTrunkBed, type TrunkBed } from '../support/trunk-bed.ts';
import { waitUntil } from '../support/wait.ts';

/** Mean audioLevel² above this (−40 dBov) is sound, not silence. */
const SILENCE = 1e-4;
const CALLER_ID = '+23222000000';
const NATIONAL = '076 123 456';
const E164 = '+23276123456';
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
      agents: { selector: { matchLabels: { 'dial-out': 'yes' } } },
    } as never,
  });
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

  it('logs no WARNING or ERROR but the refusal of Bob’s transfer', () => {
    assert.deepEqual(
      pbx.problems().filter((l) => !REFUSED.test(l)),
      [],
    );
  });
});
