// The softphone against a real SIP-over-WebSocket server: Debian's Kamailio
// (registrar + proxy, digest auth) on loopback, two headless Chromium
// contexts as two agents with fake microphones. Audio is asserted with
// getStats, never with SIP state alone.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import { repoRoot } from '../cluster/tools.ts';
import { type Kamailio, startKamailio } from '../sip/kamailio.ts';
import { waitUntil } from '../support/wait.ts';
import { launchChromium } from './support/chromium.ts';
import { PhoneDriver } from './support/phone-driver.ts';
import { mountPhone, type PhonePageServer, startPhonePageServer } from './support/phone-page.ts';

const alice = {
  username: 'alice_1700000001',
  password: randomBytes(16).toString('hex'),
  extension: '1001',
};
const bob = {
  username: 'bob_1700000002',
  password: randomBytes(16).toString('hex'),
  extension: '1002',
};

let kamailio: Kamailio;
let server: PhonePageServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let a: PhoneDriver;
let b: PhoneDriver;
const figures: Record<string, string> = {};

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? NaN;

before(async () => {
  [kamailio, server, browser] = await Promise.all([
    startKamailio({ users: [alice, bob] }),
    startPhonePageServer(),
    launchChromium(),
  ]);
  const config = { wsUrl: kamailio.wsUrl, iceServers: [], iceGatheringTimeoutMs: 1000 };
  for (const _ of [alice, bob]) {
    const context = await browser.newContext({ viewport: { width: 390, height: 1100 } });
    contexts.push(context);
  }
  const [ca, cb] = contexts as [BrowserContext, BrowserContext];
  a = new PhoneDriver(await ca.newPage());
  b = new PhoneDriver(await cb.newPage());
  await Promise.all([
    mountPhone(a.page, server, 'sb-softphone', config),
    mountPhone(b.page, server, 'sb-softphone', config),
  ]);
  figures['bundle (softphone+dialer, minified)'] =
    `${(server.bundleBytes.raw / 1024).toFixed(1)} KiB, gzip ${(server.bundleBytes.gzip / 1024).toFixed(1)} KiB`;
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
  await kamailio?.stop();
  console.log('softphone figures:', JSON.stringify(figures, null, 2));
});

const aorsOf = async () => (await kamailio.locations()).map((l) => l.aor).sort();

test('two agents register over WebSocket with digest auth; Kamailio has both contacts', async () => {
  const times: number[] = [];
  for (const [driver, creds] of [
    [a, alice],
    [b, bob],
  ] as const) {
    assert.equal(await driver.status(), 'unregistered');
    await driver.register(creds);
    await driver.waitForStatus('registered');
    const timeline = await driver.timeline();
    const start = timeline.find((t) => t.event === 'connect')?.at ?? NaN;
    const done = timeline.find((t) => t.event === 'registered')?.at ?? NaN;
    times.push(done - start);
  }
  figures['register (ws connect + 401 + 200)'] = times.map((t) => `${t.toFixed(0)} ms`).join(', ');
  assert.deepEqual(await aorsOf(), [alice.username, bob.username].sort());
  assert.equal(await a.locator('.status-text').textContent(), 'Registered');
});

test('a wrong password fails with a reason instead of pretending', async () => {
  const context = await browser.newContext();
  try {
    const mallory = new PhoneDriver(await context.newPage());
    await mountPhone(mallory.page, server, 'sb-softphone', {
      wsUrl: kamailio.wsUrl,
      iceServers: [],
    });
    await mallory.register({ username: alice.username, password: 'not-the-password' });
    await mallory.waitForStatus('failed');
    assert.match(
      (await mallory.reason()) ?? '',
      /^401 Unauthorized: .*check the SIP username and password/,
    );
    assert.match(
      (await mallory.locator('#reg-reason').textContent()) ?? '',
      /check the SIP username/,
    );
    // the failure did not touch alice's binding
    assert.deepEqual(await aorsOf(), [alice.username, bob.username].sort());
  } finally {
    await context.close();
  }
});

test('alice calls bob: it rings with caller ID, bob answers, audio flows both ways', async () => {
  await a.locator('#dial').fill(bob.extension);
  await a.locator('button.call').click();
  await b.waitForCall("call?.phase === 'ringing'");
  const incoming = await b.call();
  assert.equal(incoming?.direction, 'incoming');
  assert.equal(incoming?.remoteUser, alice.username);
  assert.match((await b.locator('#in-caller').textContent()) ?? '', new RegExp(alice.username));
  // audibly: the WebAudio ring is playing, and the Answer button has focus
  assert.equal(
    await b.page.evaluate(() => document.querySelector('sb-softphone')?.ringer.ringing),
    true,
  );
  await b.page.waitForFunction(() =>
    document.querySelector('sb-softphone')?.shadowRoot?.activeElement?.classList.contains('answer'),
  );
  await b.page.keyboard.press('Enter'); // answers from the keyboard
  await Promise.all([
    a.waitForCall("call?.phase === 'active'"),
    b.waitForCall("call?.phase === 'active'"),
  ]);
  assert.equal(
    await b.page.evaluate(() => document.querySelector('sb-softphone')?.ringer.ringing),
    false,
  );
  const [inA, inB] = await Promise.all([a.waitForInboundAudio(), b.waitForInboundAudio()]);
  assert.ok(inA > 0 && inB > 0, `packets received: alice ${inA}, bob ${inB}`);

  const ta = await a.timeline();
  const dial = ta.findLast((t) => t.event === 'dial')?.at ?? NaN;
  const established = ta.findLast((t) => t.event === 'established')?.at ?? NaN;
  figures['dial → established (caller)'] = `${(established - dial).toFixed(0)} ms`;
});

test('screenshot: the softphone registered, in a call', async () => {
  await a.page.waitForFunction(() => {
    const timer = document.querySelector('sb-softphone')?.shadowRoot?.querySelector('.timer');
    return timer?.textContent?.trim() !== '0:00';
  });
  const dir = join(repoRoot, 'docs', 'screenshots');
  mkdirSync(dir, { recursive: true });
  await a.page.locator('sb-softphone').screenshot({ path: join(dir, 'softphone.png') });
});

test('hold and unhold are re-INVITEs: bob stops sending while held, audio resumes after', async () => {
  const direction = (d: PhoneDriver) =>
    d.page.evaluate(() =>
      document
        .querySelector('sb-softphone')
        ?.phone.peerConnection?.getTransceivers()
        .map((t) => t.currentDirection)
        .join(','),
    );
  assert.equal(await direction(b), 'sendrecv');
  await a.locator('button.hold').click();
  await a.waitForCall('call?.held === true');
  assert.equal(await a.locator('button.hold').getAttribute('aria-pressed'), 'true');
  assert.equal(await direction(a), 'sendonly');
  assert.equal(await direction(b), 'recvonly');

  await a.locator('button.hold').click();
  await a.waitForCall('call?.held === false');
  assert.equal(await direction(a), 'sendrecv');
  assert.equal(await direction(b), 'sendrecv');
  const before = (await a.audio()).packetsReceived;
  await a.waitForInboundAudio(before + 10);

  const t = await a.timeline();
  const sent = t.findLast((e) => e.event === 'hold-sent')?.at ?? NaN;
  const held = t.findLast((e) => e.event === 'held')?.at ?? NaN;
  figures['hold re-INVITE round trip'] = `${(held - sent).toFixed(0)} ms`;
});

test('mute stops the microphone track without renegotiating', async () => {
  await a.locator('button.mute').click();
  await a.waitForCall('call?.muted === true');
  const enabled = () =>
    a.page.evaluate(() =>
      document
        .querySelector('sb-softphone')
        ?.phone.peerConnection?.getSenders()
        .map((s) => s.track?.enabled),
    );
  assert.deepEqual(await enabled(), [false]);
  await a.locator('button.mute').click();
  await a.waitForCall('call?.muted === false');
  assert.deepEqual(await enabled(), [true]);
});

test('DTMF goes out as RFC 4733 telephone-events from the keypad (click and keyboard)', async () => {
  // both sides negotiated telephone-event, so RTCDTMFSender carries the tones in RTP
  for (const d of [a, b]) {
    const sdp = await d.page.evaluate(
      () => document.querySelector('sb-softphone')?.phone.peerConnection?.remoteDescription?.sdp,
    );
    assert.match(sdp ?? '', /a=rtpmap:\d+ telephone-event\/(8000|48000)/);
  }
  await a.locator('sb-dial-pad.dtmf button[data-key="1"]').click();
  await a.locator('sb-dial-pad.dtmf button[data-key="5"]').focus();
  await a.page.keyboard.press('#');
  await a.locator('sb-dial-pad.dtmf button[data-key="9"]').click();
  // tonechange fires as each tone is actually played out on the RTP sender
  await a.page.waitForFunction(
    () => document.querySelector('sb-softphone')?.phone.dtmfPlayed === '1#9',
  );
  assert.equal(await a.locator('.dtmf-played').textContent(), '1#9');
});

test('bob hangs up: both sides are idle again and show the ended call', async () => {
  await b.locator('button.hangup').click();
  await Promise.all([a.waitForCall('call === undefined'), b.waitForCall('call === undefined')]);
  assert.match((await a.locator('.last-call').textContent()) ?? '', /Call ended/);
  assert.equal(await a.status(), 'registered');
});

test('a WebSocket the server closes is reconnected and re-registered without a reload', async () => {
  const aliceBefore = (await kamailio.locations()).find((l) => l.aor === alice.username);
  assert.ok(aliceBefore?.received, 'alice has a contact bound to her connection');
  const sockets = await kamailio.webSockets();
  assert.equal(sockets.length, 2);
  const aliceSocket = sockets.find((s) => aliceBefore.received?.includes(s.remote));
  assert.ok(aliceSocket, `alice's socket among ${JSON.stringify(sockets)}`);
  const mark = await a.now();
  await Promise.all([a.startStatusLog(), b.startStatusLog()]);
  await kamailio.closeWebSocket(aliceSocket.id);
  await waitUntil('alice registered again', async () => {
    const log = await a.statusLog();
    return log.length > 1 && log.at(-1) === 'registered';
  });
  const seenA = await a.statusLog({ stop: true });
  assert.equal(seenA[0], 'registered');
  assert.ok(seenA.includes('reconnecting'), seenA.join(' → '));
  // bob was not touched: registered throughout
  assert.deepEqual(await b.statusLog({ stop: true }), ['registered']);

  const t = (await a.timeline()).filter((e) => e.at > mark);
  assert.deepEqual(
    t.slice(0, 4).map((e) => e.event),
    ['disconnected', 'connected', 'register-sent', 'registered'],
  );
  const recovered = (t[3]?.at ?? NaN) - (t[0]?.at ?? NaN);
  assert.ok(recovered < 2000, `recovered in ${recovered} ms`);
  figures['server-closed WebSocket → registered again'] = `${recovered.toFixed(0)} ms`;
  // Kamailio's location table has alice again, bound to the new connection
  const aliceAfter = (await kamailio.locations()).find((l) => l.aor === alice.username);
  assert.ok(aliceAfter?.received && aliceAfter.received !== aliceBefore.received);
  const socketsAfter = await kamailio.webSockets();
  assert.equal(socketsAfter.length, 2);
  assert.ok(socketsAfter.some((s) => aliceAfter.received?.includes(s.remote)));
});

test('a server that dies is never shown as Registered; it re-registers when the server returns', async () => {
  await Promise.all([a.startStatusLog(), b.startStatusLog()]);
  await kamailio.kill();
  await Promise.all([a.waitForStatus('reconnecting'), b.waitForStatus('reconnecting')]);
  assert.match((await a.locator('.status-text').textContent()) ?? '', /reconnecting/);
  // honest for as long as the server is away, through several retry rounds
  const down = Date.now();
  await waitUntil('several reconnect attempts refused', async () => {
    const attempts = (await a.timeline()).filter((e) => e.event === 'connect-failed').length;
    return attempts >= 3 && Date.now() - down > 1500;
  });
  for (const d of [a, b]) {
    assert.deepEqual(await d.statusLog({ stop: true }), ['registered', 'reconnecting']);
  }
  await kamailio.restart();
  // its location table starts empty: what shows up there now, the phones re-registered
  const ready = Date.now();
  await Promise.all([a.waitForStatus('registered'), b.waitForStatus('registered')]);
  figures['Kamailio back (answering RPC) → both registered again'] = `${Date.now() - ready} ms`;
  await waitUntil(
    'both contacts back in Kamailio',
    async () =>
      JSON.stringify(await aorsOf()) === JSON.stringify([alice.username, bob.username].sort()),
  );
});

test('calls work after the reconnect; dial → first audio packet measured', async () => {
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    await a.locator('#dial').fill(bob.extension);
    const t0 = await a.now();
    await a.locator('button.call').click();
    await b.waitForCall("call?.phase === 'ringing'");
    await b.locator('button.answer').click();
    await a.waitForInboundAudio(0);
    samples.push((await a.now()) - t0);
    await b.waitForInboundAudio(0);
    await a.locator('button.hangup').click();
    await Promise.all([a.waitForCall('call === undefined'), b.waitForCall('call === undefined')]);
  }
  figures['dial click → first inbound audio packet (caller, incl. answer click)'] =
    `median ${median(samples).toFixed(0)} ms of ${samples.map((s) => s.toFixed(0)).join(', ')}`;
});

test('unregister removes the contact from Kamailio', async () => {
  await b.locator('button.unregister').click();
  await b.waitForStatus('unregistered');
  await waitUntil('bob gone from the location table', async () => {
    return !(await aorsOf()).includes(bob.username);
  });
  // calling bob now fails with the server's answer
  await a.locator('#dial').fill(bob.extension);
  await a.locator('button.call').click();
  await a.waitForCall('call === undefined');
  assert.match((await a.locator('.last-call').textContent()) ?? '', /480 Temporarily Unavailable/);
});
