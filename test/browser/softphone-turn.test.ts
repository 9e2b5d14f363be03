// A call forced through a real TURN server (coturn on loopback, TURN REST
// shared-secret credentials as the operator mints them): both softphones use
// iceTransportPolicy 'relay', so media can only flow through coturn.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { type Coturn, startCoturn } from '../sip/coturn.ts';
import { type Kamailio, startKamailio } from '../sip/kamailio.ts';
import { launchChromium } from './support/chromium.ts';
import { PhoneDriver } from './support/phone-driver.ts';
import { mountPhone, type PhonePageServer, startPhonePageServer } from './support/phone-page.ts';

const erin = {
  username: 'erin_1700000005',
  password: randomBytes(16).toString('hex'),
  extension: '1005',
};
const finn = {
  username: 'finn_1700000006',
  password: randomBytes(16).toString('hex'),
  extension: '1006',
};

let kamailio: Kamailio;
let coturn: Coturn;
let server: PhonePageServer;
let browser: Browser;
let a: PhoneDriver;
let b: PhoneDriver;

before(async () => {
  [kamailio, coturn, server, browser] = await Promise.all([
    startKamailio({ users: [erin, finn] }),
    startCoturn(),
    startPhonePageServer(),
    launchChromium(),
  ]);
  const drivers: PhoneDriver[] = [];
  for (const user of [erin, finn]) {
    const { username, credential } = coturn.credentials(user.username);
    const driver = new PhoneDriver(await (await browser.newContext()).newPage());
    await mountPhone(driver.page, server, 'sb-softphone', {
      wsUrl: kamailio.wsUrl,
      iceServers: [{ urls: coturn.url, username, credential }],
      iceTransportPolicy: 'relay',
      iceGatheringTimeoutMs: 2000,
    });
    await driver.register(user);
    await driver.waitForStatus('registered');
    drivers.push(driver);
  }
  [a, b] = drivers as [PhoneDriver, PhoneDriver];
});

after(async () => {
  await browser?.close();
  await server?.close();
  await coturn?.stop();
  await kamailio?.stop();
});

/** Candidate types of the selected ICE pair: 'relay' on both ends means media went through TURN. */
function selectedPair(d: PhoneDriver) {
  return d.page.evaluate(async () => {
    const pc = document.querySelector('sb-softphone')?.phone.peerConnection;
    const stats = [...((await pc?.getStats())?.values() ?? [])] as Record<string, unknown>[];
    const transport = stats.find((s) => s.type === 'transport');
    const pair = stats.find((s) => s.id === transport?.selectedCandidatePairId);
    const byId = (id: unknown) => stats.find((s) => s.id === id);
    return {
      local: byId(pair?.localCandidateId)?.candidateType,
      remote: byId(pair?.remoteCandidateId)?.candidateType,
      localAddress: byId(pair?.localCandidateId)?.address,
    };
  });
}

test('a call with relay-only ICE flows through coturn both ways', async () => {
  const t0 = await a.now();
  await a.locator('#dial').fill(finn.extension);
  await a.locator('button.call').click();
  await b.waitForCall("call?.phase === 'ringing'");
  await b.locator('button.answer').click();
  const [inA, inB] = await Promise.all([a.waitForInboundAudio(), b.waitForInboundAudio()]);
  console.log(
    `TURN relay: dial click → first audio packet ${((await a.now()) - t0).toFixed(0)} ms`,
  );
  assert.ok(inA > 0 && inB > 0, `packets received: erin ${inA}, finn ${inB}`);
  for (const d of [a, b]) {
    assert.deepEqual(await selectedPair(d), {
      local: 'relay',
      remote: 'relay',
      localAddress: '127.0.0.1',
    });
  }
  // the offer carried only relay candidates
  const sdp = await a.page.evaluate(
    () => document.querySelector('sb-softphone')?.phone.peerConnection?.localDescription?.sdp,
  );
  const candidates = (sdp ?? '').split('\r\n').filter((l) => l.startsWith('a=candidate:'));
  assert.ok(candidates.length > 0);
  for (const c of candidates) assert.match(c, / typ relay /);
  await a.locator('button.hangup').click();
  await b.waitForCall('call === undefined');
});
