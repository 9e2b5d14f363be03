// Calls out to the phone network through a SipTrunk, against a real carrier
// on loopback: the project's real Asterisk 22 driven by the real operator,
// and a SECOND real Asterisk playing the carrier (test/support/carrier-asterisk.ts:
// digest authentication, a registrar, and every number it is sent rings for a
// second, then answers with Echo()). Agents dial in headless Chromium, as in
// the softphone tests. Proven: an agent allowed to call out dials a national
// number written with spaces; the carrier receives the INVITE for its E.164
// form with the trunk's caller ID (the carrier's own AMI events), answers, and
// the agent hears itself through the carrier (audio both ways); a premium
// number (deny) is refused by Asterisk with cause 21 and an agent the trunk
// does not name with cause 57, each shown in words by the softphone, and the
// carrier never hears of them; an emergency number goes out from any agent,
// exactly as dialled.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { agentPhone, dialNumber } from '../browser/support/agent-phone.ts';
import { dbov, heardSound } from '../browser/support/audio-stats.ts';
import type { PhoneDriver } from '../browser/support/phone-driver.ts';
import {
  CARRIER_CUSTOMER,
  type Carrier,
  type CarrierEvent,
  UNALLOCATED_NUMBER,
} from '../support/carrier-asterisk.ts';
import type { RealAsterisk } from '../support/real-asterisk.ts';
import { condition, decode, type Resources } from '../support/resources.ts';
import { CARRIER_SECRET, startTrunkBed, type TrunkBed } from '../support/trunk-bed.ts';
import { waitUntil } from '../support/wait.ts';

/** Mean audioLevel² above this (−40 dBov) is sound, not silence. */
const SILENCE = 1e-4;
const CALLER_ID = '+23222000000';

let bed: TrunkBed;
let r: Resources;
let pbx: RealAsterisk;
let carrier: Carrier;
/** May call out (labelled dial-out: "yes"). */
let ann: PhoneDriver;
/** May not. */
let bob: PhoneDriver;
const figures: Record<string, string> = {};
const ms = (x: number) => `${x.toFixed(0)} ms`;
const field = (e: CarrierEvent, key: string) => String(e.f[key] ?? '');

/** The carrier's channels for calls from us (its customer), created after event index `from`. */
const customerChannels = (from: number) =>
  carrier
    .events('Newchannel')
    .slice(from)
    .filter((e) => field(e, 'channel').startsWith(`PJSIP/${CARRIER_CUSTOMER}-`));

const dial = dialNumber;

async function agentWithLabels(name: string, labels: Record<string, string>) {
  await r.custom.createNamespacedCustomObject({
    group: 'switchboard.dev',
    version: 'v1alpha1',
    namespace: r.namespace,
    plural: 'sipagents',
    body: {
      apiVersion: 'switchboard.dev/v1alpha1',
      kind: 'SipAgent',
      metadata: { name, labels },
      spec: { displayName: `${name[0]?.toUpperCase()}${name.slice(1)} Agent` },
    },
  });
}

const phoneOf = (name: string) => agentPhone(r, bed.context, bed.server, pbx.asterisk.wsUrl, name);

before(async () => {
  bed = await startTrunkBed('trunk-outbound');
  ({ r, pbx, carrier } = bed);
  await agentWithLabels('ann', { 'dial-out': 'yes' });
  await agentWithLabels('bob', {});
  await r.createTrunk('carrier', {
    host: '127.0.0.1',
    port: carrier.sipPort,
    register: true,
    credentialsSecret: {
      name: CARRIER_SECRET,
      usernameKey: 'username',
      passwordKey: 'password',
    },
    match: [`127.0.0.1:${carrier.sipPort}`],
    // the carrier knows its customer by the From user; the caller ID travels in P-Asserted-Identity
    fromUser: CARRIER_CUSTOMER,
    routes: [],
    outbound: {
      callerId: CALLER_ID,
      countryCode: '232',
      deny: ['+2329'],
      agents: { selector: { matchLabels: { 'dial-out': 'yes' } } },
    } as never,
  });
  await bed.startPbx(['ann', 'bob']);
  [ann, bob] = [await phoneOf('ann'), await phoneOf('bob')];
});

after(async () => {
  console.log(`figures (SipTrunk outbound, real carrier): ${JSON.stringify(figures, null, 1)}`);
  await bed?.close();
});

// a failed test must not leave a call behind for the next one
afterEach(async (t) => {
  if (!(t as { passed?: boolean }).passed) await bed?.cleanUpCalls([ann, bob]);
});

describe('calls out through a SipTrunk to a real carrier (a second Asterisk)', () => {
  it('the trunk carries outbound calls, and only the selected agent has the permission', async () => {
    await waitUntil(
      'the trunk is registered and Ready',
      async () => {
        const t = await r.trunk('carrier');
        return t.status?.registered === true && condition(t, 'Ready')?.status === 'True';
      },
      30_000,
      50,
    );
    assert.match(
      condition(await r.trunk('carrier'), 'Ready')?.message ?? '',
      /outbound calls go through this trunk/,
    );
    const username = async (name: string) =>
      decode(await r.secret(`${name}-sip-credentials`), 'username') ?? '';
    assert.match(
      await pbx.asterisk.cli(`pjsip show endpoint ${await username('ann')}`),
      /SWITCHBOARD_DIALOUT\s*:\s*yes/,
    );
    assert.doesNotMatch(
      await pbx.asterisk.cli(`pjsip show endpoint ${await username('bob')}`),
      /SWITCHBOARD_DIALOUT/,
    );
  });

  it('a national number written with spaces reaches the carrier in E.164 with the caller ID; audio both ways', async () => {
    const from = carrier.events('Newchannel').length;
    await dial(ann, '076 123 456');
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
    const channel = field(invite as CarrierEvent, 'channel');
    assert.equal(field(invite as CarrierEvent, 'exten'), '+23276123456', 'E.164 at the carrier');
    assert.equal(field(invite as CarrierEvent, 'calleridnum'), CALLER_ID, 'the trunk’s caller ID');
    assert.notEqual(field(invite as CarrierEvent, 'calleridname'), 'Ann Agent', 'no agent name');
    let ringing: CarrierEvent | undefined;
    await waitUntil(
      'the called number rings at the carrier',
      () => {
        // the carrier's dialplan reaches Ringing() (a PJSIP channel's state stays Ring)
        ringing = carrier
          .events('Newexten')
          .find((e) => field(e, 'channel') === channel && field(e, 'application') === 'Ringing');
        return ringing !== undefined;
      },
      10_000,
      20,
    );
    const dialled = await ann.lastEvent('dial');
    // Asterisk refused the Opus offer (488, cause 58); the softphone called again with G.711
    figures['dial → second INVITE with G.711 only (after 488)'] = ms(
      (await ann.lastEvent('redial-g711')) - dialled,
    );
    figures['dial → the carrier receives the INVITE (Newchannel at the carrier)'] = ms(
      (invite as CarrierEvent).raised - dialled,
    );
    figures['dial → the called number rings at the carrier'] = ms(
      (ringing as CarrierEvent).raised - dialled,
    );

    await ann.waitForCall("call?.phase === 'active'", 15_000);
    const answered = Date.now();
    // the carrier echoes: the agent hears its own (fake) microphone only if
    // audio goes agent → Asterisk → carrier and back
    const heard = await heardSound(
      ann,
      SILENCE,
      'the agent hears its own voice back through the carrier',
    );
    const { energy } = heard;
    figures['carrier answers → agent hears its voice back through the carrier'] = ms(
      heard.at - answered,
    );
    figures['echoed audio at the calling agent'] =
      `${dbov(energy).toFixed(1)} dBov over ${heard.packets} packets, ${heard.codec}`;
    assert.ok(energy > SILENCE, `echo energy ${energy}`);

    await ann.locator('button.hangup').click();
    await ann.waitForCall('call === undefined');
    await waitUntil(
      'the carrier hangs up too',
      () => carrier.events('Hangup').some((e) => field(e, 'channel') === channel),
      10_000,
      20,
    );
  });

  it('refuses a premium number (deny) with cause 21, shown in words; the carrier hears nothing', async () => {
    const from = carrier.events('Newchannel').length;
    await dial(ann, '090 123 456');
    await ann.waitForCall('call === undefined', 10_000);
    figures['denied number: dial → refusal (softphone timeline)'] = ms(
      (await ann.lastEvent('ended')) - (await ann.lastEvent('dial')),
    );
    assert.equal(await ann.lastReason(), 'Calls to this number are not allowed (403 Forbidden)');
    assert.match(
      (await ann.locator('.last-call').textContent()) ?? '',
      /Calls to this number are not allowed/,
    );
    assert.deepEqual(customerChannels(from), [], 'no INVITE reached the carrier');
  });

  it('refuses an agent the trunk does not name with cause 57, shown in words', async () => {
    const from = carrier.events('Newchannel').length;
    await dial(bob, '+232 76-123-456');
    await bob.waitForCall('call === undefined', 10_000);
    figures['agent not allowed: dial → refusal (softphone timeline)'] = ms(
      (await bob.lastEvent('ended')) - (await bob.lastEvent('dial')),
    );
    assert.equal(
      await bob.lastReason(),
      'You are not allowed to call outside numbers (603 Decline)',
    );
    assert.deepEqual(customerChannels(from), [], 'no INVITE reached the carrier');
  });

  it('passes the carrier’s own refusal through: a number nobody has is shown as such, not as busy lines', async () => {
    const from = carrier.events('Newchannel').length;
    await dial(ann, '076 000 001');
    await ann.waitForCall('call === undefined', 10_000);
    figures['carrier refuses (cause 1): dial → refusal (softphone timeline)'] = ms(
      (await ann.lastEvent('ended')) - (await ann.lastEvent('dial')),
    );
    // the carrier refused with cause 1 (404); Asterisk hands the same cause to the agent
    assert.equal(await ann.lastReason(), 'No such extension or number (404 Not Found)');
    assert.equal(field(customerChannels(from)[0] as CarrierEvent, 'exten'), UNALLOCATED_NUMBER);
  });

  it('sends an emergency number from any agent, exactly as dialled, with the caller ID', async () => {
    const from = carrier.events('Newchannel').length;
    await dial(bob, '112');
    await waitUntil(
      'the carrier receives 112',
      () => customerChannels(from).length > 0,
      15_000,
      20,
    );
    const [invite] = customerChannels(from);
    assert.equal(field(invite as CarrierEvent, 'exten'), '112');
    assert.equal(field(invite as CarrierEvent, 'calleridnum'), CALLER_ID);
    await bob.page.evaluate(() => document.querySelector('sb-softphone')?.phone.hangUp());
    await bob.waitForCall('call === undefined');
  });

  it('warns when an emergency number is an inside number (the hotline), and clears it when fixed', async () => {
    const reachable = async () => condition(await r.trunk('carrier'), 'EmergencyNumbersReachable');
    assert.equal((await reachable())?.status, 'True');
    const outbound = (await r.trunk('carrier')).spec.outbound;
    await r.patchTrunk('carrier', {
      spec: { outbound: { ...outbound, emergencyNumbers: ['112', '117'] } },
    });
    await waitUntil(
      'EmergencyNumbersReachable=False',
      async () => (await reachable())?.status === 'False',
      10_000,
      50,
    );
    assert.equal((await reachable())?.reason, 'Shadowed');
    assert.match((await reachable())?.message ?? '', /emergency number 117 is the hotline number/);
    await waitUntil(
      'a warning Event EmergencyNumberShadowed',
      async () =>
        (await r.events()).some(
          (e) =>
            e.reason === 'EmergencyNumberShadowed' &&
            e.type === 'Warning' &&
            e.regarding?.name === 'carrier',
        ),
      10_000,
      50,
    );
    await r.patchTrunk('carrier', {
      spec: { outbound: { ...outbound, emergencyNumbers: ['112'] } },
    });
    await waitUntil(
      'EmergencyNumbersReachable=True',
      async () => (await reachable())?.status === 'True',
      10_000,
      50,
    );
  });

  it('an international prefix is E.164 too, and outside the allow-list it is refused (cause 21)', async () => {
    const from = carrier.events('Newchannel').length;
    await dial(ann, '0044 20 7946 0958');
    await ann.waitForCall('call === undefined', 10_000);
    assert.equal(await ann.lastReason(), 'Calls to this number are not allowed (403 Forbidden)');
    assert.deepEqual(customerChannels(from), []);
  });

  it('logs no WARNING or ERROR', () => {
    assert.deepEqual(pbx.problems(), []);
  });
});
