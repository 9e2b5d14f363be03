// A SipTrunk over TLS, against a real carrier on loopback: the project's real
// Asterisk 22 driven by the real operator, and a SECOND real Asterisk playing
// the carrier (test/support/carrier-asterisk.ts), which speaks SIP over TLS on
// a port of its own with a certificate from a CA made for this test (openssl).
// Proven: the trunk registers over TLS, verifying the carrier against the CA in
// spec.tls.caSecret (the carrier's registrar holds a ;transport=tls contact,
// the operator's own check says CarrierVerified); the carrier's call to 117
// comes down that connection, waits in the support queue and rings the agent's
// browser, audio both ways through the carrier's echo; an agent's call out
// reaches the carrier over TLS in E.164; a Secret with another CA makes
// Asterisk refuse the carrier (its log says the certificate did not verify,
// the registration never comes back) and status says why (CarrierVerified
// False, CertificateUntrusted); the right CA again and it registers, without
// restarting Asterisk. Beside it a UDP trunk to the same carrier qualifies it
// (OPTIONS every 10 s by default): the carrier stopped shows Reachable False,
// started again Reachable True, both measured.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { INCLUDE_DIR } from '../../operator/src/asterisk/render/layout.ts';
import { TRUNK_CA_FILE, trunkId } from '../../operator/src/asterisk/render/trunks.ts';
import { agentPhone, dialNumber } from '../browser/support/agent-phone.ts';
import { dbov, heardSound } from '../browser/support/audio-stats.ts';
import type { PhoneDriver } from '../browser/support/phone-driver.ts';
import { CARRIER_CUSTOMER, type Carrier, type CarrierEvent } from '../support/carrier-asterisk.ts';
import { condition, type Resources } from '../support/resources.ts';
import { type CaSigned, caSignedCertificate } from '../support/tls-certificate.ts';
import { CARRIER_SECRET, startTrunkBed, type TrunkBed } from '../support/trunk-bed.ts';
import { waitUntil } from '../support/wait.ts';

/** Mean audioLevel² above this (−40 dBov) is sound, not silence. */
const SILENCE = 1e-4;
const CALLER = '+23276123456';
const CA_SECRET = 'carrier-ca';
/** Short, so that the test sees the registration come back soon. */
const RETRY_SECONDS = 5;

let bed: TrunkBed;
let r: Resources;
let carrier: Carrier;
let ann: PhoneDriver;
let pki: CaSigned;
let stranger: CaSigned;
const figures: Record<string, string> = {};
const ms = (x: number) => `${x.toFixed(0)} ms`;
const field = (e: CarrierEvent, key: string) => String(e.f[key] ?? '');
/** A certificate's base64 body, whatever the line breaks. */
const pemBody = (pem: string) => pem.split('\n').slice(1, 3).join('\n');

async function putCa(pem: string): Promise<void> {
  await r.core.replaceNamespacedSecret({
    name: CA_SECRET,
    namespace: r.namespace,
    body: { metadata: { name: CA_SECRET }, stringData: { 'ca.crt': pem } },
  });
}

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
  [pki, stranger] = await Promise.all([
    caSignedCertificate({ commonName: 'carrier.test', san: 'IP:127.0.0.1' }),
    caSignedCertificate({ commonName: 'carrier.test', san: 'IP:127.0.0.1' }),
  ]);
  bed = await startTrunkBed('trunk-tls', { tls: pki.server });
  ({ r, carrier } = bed);
  await r.core.createNamespacedSecret({
    namespace: r.namespace,
    body: { metadata: { name: CA_SECRET }, stringData: { 'ca.crt': pki.ca } },
  });
  await r.createAgent('ann', { displayName: 'Ann Agent' });
  await bed.startPbx(['ann']);
  ann = await agentPhone(r, bed.context, bed.server, bed.pbx.asterisk.wsUrl, 'ann');
});

after(async () => {
  console.log(`figures (SipTrunk over TLS, real carrier): ${JSON.stringify(figures, null, 1)}`);
  await bed?.close();
});

// a failed test must not leave a call behind for the next one
afterEach(async (t) => {
  if (!(t as { passed?: boolean }).passed) await bed?.cleanUpCalls([ann]);
});

describe('a SipTrunk over TLS to a real carrier (a second Asterisk)', () => {
  it('registers over TLS, verifying the carrier against the CA of spec.tls.caSecret', async () => {
    const started = performance.now();
    await r.createTrunk('carrier', {
      host: '127.0.0.1',
      port: carrier.tlsPort,
      transport: 'tls',
      tls: { caSecret: { name: CA_SECRET } } as never,
      register: true,
      registrationRetrySeconds: RETRY_SECONDS,
      credentialsSecret: {
        name: CARRIER_SECRET,
        usernameKey: 'username',
        passwordKey: 'password',
      },
      // the carrier's requests come down the connection we opened to its TLS port
      match: [`127.0.0.1:${carrier.tlsPort}`],
      fromUser: CARRIER_CUSTOMER,
      routes: [{ number: '117', queue: 'support' }],
      outbound: { callerId: '+23222000000', countryCode: '232' } as never,
    });
    await waitUntil(
      'status.registered true',
      async () => (await r.trunk('carrier')).status?.registered === true,
      30_000,
      50,
    ).catch(async (err) => {
      console.log(JSON.stringify((await r.trunk('carrier')).status, null, 1));
      console.log(bed.pbx.problems().join('\n'));
      console.log(
        carrier.asterisk
          .log()
          .split('\n')
          .filter((l) => /WARNING|ERROR/.test(l))
          .join('\n'),
      );
      throw err;
    });
    figures['SipTrunk (tls) created → status.registered true'] = ms(performance.now() - started);
    const contacts = await carrier.contacts();
    assert.equal(contacts.length, 1, String(contacts));
    assert.match(contacts[0] ?? '', /;transport=tls\b/i, 'registered over TLS');
    await waitUntil(
      'CarrierVerified=True',
      async () => condition(await r.trunk('carrier'), 'CarrierVerified')?.status === 'True',
      10_000,
      50,
    ).catch(async (err) => {
      console.log(JSON.stringify(condition(await r.trunk('carrier'), 'CarrierVerified')));
      throw err;
    });
    const trunk = await r.trunk('carrier');
    assert.equal(condition(trunk, 'Ready')?.status, 'True', condition(trunk, 'Ready')?.message);
    const transports = await bed.pbx.asterisk.cli('pjsip show transports');
    assert.match(transports, /switchboard-tls\s+tls\s+\S+\s+\S+\s+0\.0\.0\.0:\d+/);
  });

  it('a carrier call to 117 comes over TLS, waits in the queue and rings the agent; audio both ways', async () => {
    const id = 'tls-call-01';
    await carrier.call('117', CALLER, id);
    await ann.waitForCall("call?.phase === 'ringing'", 15_000);
    const began = carrier
      .events('DialBegin')
      .find((x) => field(x, 'uniqueid') === id && field(x, 'destchannel').startsWith('PJSIP/'));
    assert.ok(began, 'the carrier dialled us');
    figures['carrier INVITE (Dial begins) → agent rings (tls, via the queue)'] = ms(
      (await ann.lastEvent('incoming')) - began.raised,
    );
    assert.equal((await ann.call())?.remoteUser, CALLER);
    await ann.locator('button.answer').click();
    await ann.waitForCall("call?.phase === 'active'", 15_000);
    const secure = await carrier.ami.action({
      action: 'Getvar',
      channel: field(began, 'destchannel'),
      variable: 'CHANNEL(pjsip,secure)',
    });
    assert.equal(secure.fields.value, '1', 'the carrier sent the call over TLS');
    const heard = await heardSound(ann, SILENCE, 'the agent hears its voice back (tls)');
    assert.ok(heard.energy > SILENCE, `echo energy ${heard.energy}`);
    figures['echoed audio at the agent (tls, inbound)'] = `${dbov(heard.energy).toFixed(1)} dBov`;
    await ann.locator('button.hangup').click();
    await ann.waitForCall('call === undefined');
    assert.equal((await carrier.outcome(id)).status, 'ANSWER');
  });

  it('an agent’s call out reaches the carrier over TLS in E.164; audio both ways', async () => {
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
    figures['dial → the carrier receives the INVITE (tls)'] = ms(
      arrived.raised - (await ann.lastEvent('dial')),
    );
    assert.equal(field(arrived, 'exten'), '+23276123456');
    assert.equal(
      await carrierChannelAddress(field(arrived, 'channel')),
      `127.0.0.1:${carrier.tlsPort}`,
      'the call came over the carrier’s TLS port',
    );
    await ann.waitForCall("call?.phase === 'active'", 15_000);
    const heard = await heardSound(ann, SILENCE, 'the calling agent hears its voice back (tls)');
    assert.ok(heard.energy > SILENCE, `echo energy ${heard.energy}`);
    await ann.locator('button.hangup').click();
    await ann.waitForCall('call === undefined');
  });

  it('a UDP trunk qualifies the carrier: stopped → Reachable False, started → True; TLS refuses a carrier from another CA', async () => {
    // A second trunk to the carrier's UDP port that only sends OPTIONS (qualifySeconds: default).
    await r.createTrunk('probe', {
      host: '127.0.0.1',
      port: carrier.sipPort,
      match: [`127.0.0.1:${carrier.sipPort}`],
    });
    await waitUntil(
      'probe Reachable=True',
      async () => (await r.trunk('probe')).status?.reachable === true,
      30_000,
      50,
    );
    assert.equal((await r.trunk('probe')).spec.qualifySeconds, 10);

    // Another CA in the Secret: the next connection must not trust the carrier.
    await putCa(stranger.ca);
    await waitUntil(
      'CarrierVerified=False (CertificateUntrusted)',
      async () =>
        condition(await r.trunk('carrier'), 'CarrierVerified')?.reason === 'CertificateUntrusted',
      15_000,
      50,
    );
    const untrusted = condition(await r.trunk('carrier'), 'CarrierVerified');
    assert.equal(untrusted?.status, 'False');
    assert.match(untrusted?.message ?? '', /does not chain to a CA in Secret "carrier-ca"/);
    // the new bundle is in the file Asterisk reads before the carrier goes
    const caFile = join(bed.pbx.asterisk.etcDir, INCLUDE_DIR, TRUNK_CA_FILE);
    await waitUntil(
      'the projected CA file holds the other CA',
      () => existsSync(caFile) && readFileSync(caFile, 'utf8').includes(pemBody(stranger.ca)),
      15_000,
    );

    const stopping = performance.now();
    await carrier.asterisk.stop();
    const stopped = performance.now();
    figures['(the carrier’s shutdown itself)'] = ms(stopped - stopping);
    await waitUntil(
      'probe Reachable=False',
      async () => condition(await r.trunk('probe'), 'Reachable')?.status === 'False',
      30_000,
      50,
    );
    figures['carrier stopped → Reachable False (udp, OPTIONS every 10 s)'] = ms(
      performance.now() - stopped,
    );
    const lost = await r.trunk('probe');
    assert.equal(lost.status?.reachable, false);
    assert.match(condition(lost, 'Reachable')?.message ?? '', /did not answer/);

    await carrier.asterisk.start();
    const started = performance.now();
    await waitUntil(
      'probe Reachable=True again',
      async () => (await r.trunk('probe')).status?.reachable === true,
      30_000,
      50,
    );
    figures['carrier started → Reachable True again (udp)'] = ms(performance.now() - started);

    // Over TLS our Asterisk connects again and refuses the carrier's certificate.
    // Its registration tries again every RETRY_SECONDS once it noticed the
    // carrier's connection close; it does not always notice (seen in CI: no
    // attempt at all, the registration valid until it expires), so the test
    // asks for the attempt its next refresh would make.
    const attemptFrom = bed.pbx.asterisk.log().length;
    await bed.pbx.asterisk.cli(`pjsip send register ${trunkId('carrier')}`);
    const complaints = () =>
      bed.pbx.problems(attemptFrom).filter((l) => l.includes(`:${carrier.tlsPort}`));
    await waitUntil(
      'a registration attempt refused the carrier’s certificate',
      () =>
        complaints().some((l) => l.includes('The certificate is untrusted')) &&
        complaints().some((l) => l.includes('registration attempt to')),
      RETRY_SECONDS * 1000 + 20_000,
      50,
    );
    console.log(`our Asterisk on the untrusted carrier:\n${complaints().slice(-4).join('\n')}`);
    await waitUntil(
      'Registered=False with the untrusted carrier',
      async () => condition(await r.trunk('carrier'), 'Registered')?.status === 'False',
      15_000,
      50,
    );
    assert.notEqual(
      (await r.trunk('carrier')).status?.registered,
      true,
      'not registered with an untrusted carrier',
    );

    // The right CA again: registered without restarting Asterisk.
    await putCa(pki.ca);
    const fixed = performance.now();
    await waitUntil(
      'registered again',
      async () => (await r.trunk('carrier')).status?.registered === true,
      RETRY_SECONDS * 1000 + 30_000,
      50,
    );
    figures[`CA fixed → registered again (retry every ${RETRY_SECONDS} s)`] = ms(
      performance.now() - fixed,
    );
    await waitUntil(
      'CarrierVerified=True',
      async () => condition(await r.trunk('carrier'), 'CarrierVerified')?.status === 'True',
      10_000,
      50,
    );
  });

  it('a tls trunk whose CA Secret is missing is reported in status and left out of Asterisk', async () => {
    await r.createTrunk('no-ca', {
      host: '127.0.0.1',
      port: 5061,
      transport: 'tls',
      tls: { caSecret: { name: 'no-such-ca' } } as never,
      match: ['192.0.2.10'],
    });
    await waitUntil(
      'Ready=False CASecretNotFound',
      async () => condition(await r.trunk('no-ca'), 'Ready')?.reason === 'CASecretNotFound',
      15_000,
      50,
    );
    const trunk = await r.trunk('no-ca');
    assert.equal(
      condition(trunk, 'Ready')?.message,
      'spec.tls.caSecret: Secret "no-such-ca" not found; the trunk is not configured in Asterisk',
    );
    assert.deepEqual(trunk.status?.numbers, []);
    assert.doesNotMatch(
      await bed.pbx.asterisk.cli('pjsip show endpoints'),
      /switchboard-trunk-no-ca/,
    );
  });
});
