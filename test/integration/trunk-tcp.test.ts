// A SipTrunk over TCP, against a real carrier on loopback: the project's real
// Asterisk 22 driven by the real operator, and a SECOND real Asterisk playing
// the carrier (test/support/carrier-asterisk.ts), which listens for TCP on a
// port of its own. Proven: the trunk registers over TCP (the carrier's
// registrar holds a ;transport=tcp contact); the carrier's call to a DID
// comes down that connection (the trunk's identify admits only the carrier's
// TCP port) and rings the agent's browser, audio both ways through the
// carrier's echo; an agent's call out reaches the carrier over TCP in E.164
// (the carrier's channel has its TCP port as local address),
// audio both ways; and when the carrier stops, status shows the registration
// lost (Registered False, Asterisk's "Rejected") and, once it is back,
// registered again, both measured; deleting the trunk unregisters it and
// takes the TCP transport out.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { agentPhone, dialNumber } from '../browser/support/agent-phone.ts';
import { dbov, heardSound } from '../browser/support/audio-stats.ts';
import type { PhoneDriver } from '../browser/support/phone-driver.ts';
import { CARRIER_CUSTOMER, type Carrier, type CarrierEvent } from '../support/carrier-asterisk.ts';
import { condition, type Resources } from '../support/resources.ts';
import { CARRIER_SECRET, startTrunkBed, type TrunkBed } from '../support/trunk-bed.ts';
import { waitUntil } from '../support/wait.ts';

/** Mean audioLevel² above this (−40 dBov) is sound, not silence. */
const SILENCE = 1e-4;
const CALLER = '+23276123456';
const AGENT_DID = '+23222000000';
/** Short, so that the test sees the registration come back soon after the carrier. */
const RETRY_SECONDS = 5;

let bed: TrunkBed;
let r: Resources;
let carrier: Carrier;
let ann: PhoneDriver;
const figures: Record<string, string> = {};
const ms = (x: number) => `${x.toFixed(0)} ms`;
const field = (e: CarrierEvent, key: string) => String(e.f[key] ?? '');

/** A PJSIP channel's address at the carrier (Asterisk knows them for calls it received). */
async function carrierChannelAddress(channel: string): Promise<string> {
  const got = await carrier.ami.action({
    action: 'Getvar',
    channel,
    variable: 'CHANNEL(pjsip,local_addr)',
  });
  return String(got.fields.value ?? '');
}

before(async () => {
  bed = await startTrunkBed('trunk-tcp');
  ({ r, carrier } = bed);
  await r.createAgent('ann', { displayName: 'Ann Agent' });
  await bed.startPbx(['ann']);
  ann = await agentPhone(r, bed.context, bed.server, bed.pbx.asterisk.wsUrl, 'ann');
});

after(async () => {
  console.log(`figures (SipTrunk over TCP, real carrier): ${JSON.stringify(figures, null, 1)}`);
  await bed?.close();
});

// a failed test must not leave a call behind for the next one
afterEach(async (t) => {
  if (!(t as { passed?: boolean }).passed) await bed?.cleanUpCalls([ann]);
});

describe('a SipTrunk over TCP to a real carrier (a second Asterisk)', () => {
  it('registers over TCP, and status shows it', async () => {
    const started = performance.now();
    await r.createTrunk('carrier', {
      host: '127.0.0.1',
      port: carrier.tcpPort,
      transport: 'tcp',
      register: true,
      registrationRetrySeconds: RETRY_SECONDS,
      credentialsSecret: {
        name: CARRIER_SECRET,
        usernameKey: 'username',
        passwordKey: 'password',
      },
      // the carrier's requests come down the connection we opened to its TCP port
      match: [`127.0.0.1:${carrier.tcpPort}`],
      fromUser: CARRIER_CUSTOMER,
      routes: [{ number: AGENT_DID, agent: 'ann' }],
      outbound: { callerId: AGENT_DID, countryCode: '232' } as never,
    });
    await waitUntil(
      'status.registered true',
      async () => (await r.trunk('carrier')).status?.registered === true,
      30_000,
      50,
    );
    figures['SipTrunk (tcp) created → status.registered true'] = ms(performance.now() - started);
    const trunk = await r.trunk('carrier');
    assert.equal(condition(trunk, 'Ready')?.status, 'True', condition(trunk, 'Ready')?.message);
    const contacts = await carrier.contacts();
    assert.equal(contacts.length, 1, String(contacts));
    assert.match(contacts[0] ?? '', /;transport=tcp\b/i, 'registered over TCP');
  });

  it('a carrier call to a DID comes over TCP and rings the agent; audio both ways', async () => {
    const id = 'tcp-call-01';
    await carrier.call(AGENT_DID, CALLER, id);
    await ann.waitForCall("call?.phase === 'ringing'");
    // The trunk's identify matches only 127.0.0.1:<the carrier's TCP port>: a
    // call from its UDP port would not be the trunk's and would ring nobody.
    assert.equal((await ann.call())?.remoteUser, CALLER);
    await ann.locator('button.answer').click();
    const heard = await heardSound(ann, SILENCE, 'the agent hears its voice back (tcp)');
    assert.ok(heard.energy > SILENCE, `echo energy ${heard.energy}`);
    figures['echoed audio at the agent (tcp, inbound)'] = `${dbov(heard.energy).toFixed(1)} dBov`;
    await ann.locator('button.hangup').click();
    await ann.waitForCall('call === undefined');
    assert.equal((await carrier.outcome(id)).status, 'ANSWER');
  });

  it('an agent’s call out reaches the carrier over TCP in E.164; audio both ways', async () => {
    const from = carrier.events('Newchannel').length;
    await dialNumber(ann, '076 123 456');
    let invite: CarrierEvent | undefined;
    await waitUntil(
      'the carrier receives the call',
      () => {
        invite = carrier
          .events('Newchannel')
          .slice(from)
          .find((e) => field(e, 'channel').startsWith(`PJSIP/${CARRIER_CUSTOMER}-`));
        return invite !== undefined;
      },
      15_000,
      20,
    );
    const arrived = invite as CarrierEvent;
    figures['dial → the carrier receives the INVITE (tcp)'] = ms(
      arrived.raised - (await ann.lastEvent('dial')),
    );
    assert.equal(field(arrived, 'exten'), '+23276123456');
    assert.equal(
      await carrierChannelAddress(field(arrived, 'channel')),
      `127.0.0.1:${carrier.tcpPort}`,
      'the call came over the carrier’s TCP port',
    );
    await ann.waitForCall("call?.phase === 'active'", 15_000);
    const heard = await heardSound(ann, SILENCE, 'the calling agent hears its voice back (tcp)');
    assert.ok(heard.energy > SILENCE, `echo energy ${heard.energy}`);
    await ann.locator('button.hangup').click();
    await ann.waitForCall('call === undefined');
  });

  it('the carrier stops: the registration shows lost; it starts again: registered again', async () => {
    const stopping = performance.now();
    await carrier.asterisk.stop();
    const stopped = performance.now();
    await waitUntil(
      'Registered=False',
      async () => condition(await r.trunk('carrier'), 'Registered')?.status === 'False',
      30_000,
      50,
    );
    figures['carrier stopped → Registered False (tcp: the connection closes)'] = ms(
      performance.now() - stopped,
    );
    figures['(the carrier’s shutdown itself)'] = ms(stopped - stopping);
    const lost = await r.trunk('carrier');
    assert.equal(lost.status?.registered, false);
    assert.equal(lost.status?.registration, 'Rejected', 'Asterisk’s own word for it');
    assert.equal(condition(lost, 'Registered')?.reason, 'Rejected');
    assert.match(condition(lost, 'Registered')?.message ?? '', /could not be reached/);

    await carrier.asterisk.start();
    const started = performance.now();
    await waitUntil(
      'Registered=True again',
      async () => (await r.trunk('carrier')).status?.registered === true,
      RETRY_SECONDS * 1000 + 20_000,
      50,
    );
    figures[`carrier started → registered again (retry every ${RETRY_SECONDS} s)`] = ms(
      performance.now() - started,
    );
    assert.equal(condition(await r.trunk('carrier'), 'Registered')?.status, 'True');
  });
  it('deleting the trunk takes it and the TCP transport out; the carrier forgets us', async () => {
    const from = bed.pbx.asterisk.log().length;
    await r.custom.deleteNamespacedCustomObject({
      group: 'switchboard.dev',
      version: 'v1alpha1',
      namespace: r.namespace,
      plural: 'siptrunks',
      name: 'carrier',
    });
    await waitUntil(
      'no trunk endpoint and no TCP transport in Asterisk',
      async () => {
        const endpoints = await bed.pbx.asterisk.cli('pjsip show endpoints');
        const transports = await bed.pbx.asterisk.cli('pjsip show transports');
        return !endpoints.includes('switchboard-trunk-') && !transports.includes('switchboard-tcp');
      },
      30_000,
      100,
    );
    // unregistered over TCP before the transport went
    await waitUntil(
      'the carrier has no contact of ours',
      async () => (await carrier.contacts()).length === 0,
    );
    assert.deepEqual(bed.pbx.problems(from), []);
  });
});
