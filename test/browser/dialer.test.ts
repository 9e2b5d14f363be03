// The caller's dialer against real Kamailio: a browser dials an agent's
// extension or the hotline; the agent's softphone rings and answers; audio
// flows both ways (getStats).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { type Kamailio, startKamailio } from '../sip/kamailio.ts';
import { launchChromium } from './support/chromium.ts';
import { PhoneDriver } from './support/phone-driver.ts';
import { mountPhone, type PhonePageServer, startPhonePageServer } from './support/phone-page.ts';

const agent = {
  username: 'dana_1700000003',
  password: randomBytes(16).toString('hex'),
  extension: '1003',
};
const caller = {
  username: 'web_caller',
  password: randomBytes(16).toString('hex'),
  extension: '9000',
};

let kamailio: Kamailio;
let server: PhonePageServer;
let browser: Browser;
let agentPhone: PhoneDriver;
let dialer: PhoneDriver;

before(async () => {
  [kamailio, server, browser] = await Promise.all([
    // the hotline 117 reaches the agent, as Asterisk's queue would
    startKamailio({ users: [agent, caller], aliases: { '117': agent.extension } }),
    startPhonePageServer(),
    launchChromium(),
  ]);
  const config = { wsUrl: kamailio.wsUrl, iceServers: [], iceGatheringTimeoutMs: 1000 };
  agentPhone = new PhoneDriver(await (await browser.newContext()).newPage());
  dialer = new PhoneDriver(
    await (await browser.newContext({ viewport: { width: 360, height: 800 } })).newPage(),
    'sb-call-dialer',
  );
  await mountPhone(agentPhone.page, server, 'sb-softphone', config);
  await mountPhone(dialer.page, server, 'sb-call-dialer', {
    ...config,
    caller: { username: caller.username, password: caller.password },
  });
  await agentPhone.register(agent);
  await agentPhone.waitForStatus('registered');
});

after(async () => {
  await browser?.close();
  await server?.close();
  await kamailio?.stop();
});

async function answerAndHearBothWays(expectedCaller: string): Promise<void> {
  await agentPhone.waitForCall("call?.phase === 'ringing'");
  assert.equal((await agentPhone.call())?.remoteUser, expectedCaller);
  await agentPhone.locator('button.answer').click();
  await Promise.all([
    dialer.waitForCall("call?.phase === 'active'"),
    agentPhone.waitForCall("call?.phase === 'active'"),
  ]);
  const [toCaller, toAgent] = await Promise.all([
    dialer.waitForInboundAudio(),
    agentPhone.waitForInboundAudio(),
  ]);
  assert.ok(toCaller > 0 && toAgent > 0);
}

test('the dialer connects without registering and says it is ready', async () => {
  await dialer.page.waitForFunction(
    () => document.querySelector('sb-call-dialer')?.phone.connected === true,
  );
  assert.equal(await dialer.locator('.status-text').textContent(), 'Ready to call');
  assert.deepEqual(
    (await kamailio.locations()).map((l) => l.aor),
    [agent.username],
    'a caller does not register',
  );
});

test('a bad number is refused with a message, nothing is sent', async () => {
  await dialer.locator('#number').fill('call me maybe');
  await dialer.locator('button.call').click();
  assert.match(
    (await dialer.locator('.call-error').textContent()) ?? '',
    /"call me maybe" is not an extension, number or SIP user/,
  );
  assert.equal(await dialer.call(), undefined);
});

test('the caller dials the extension from the dial pad; the agent answers; audio both ways', async () => {
  await dialer.locator('#number').fill('');
  for (const digit of agent.extension) {
    await dialer.locator(`sb-dial-pad button[data-key="${digit}"]`).click();
  }
  assert.equal(await dialer.locator('#number').inputValue(), agent.extension);
  await dialer.locator('button.call').click();
  await answerAndHearBothWays(caller.username);
  await dialer.locator('button.hangup').click();
  await Promise.all([
    dialer.waitForCall('call === undefined'),
    agentPhone.waitForCall('call === undefined'),
  ]);
});

test('the hotline button reaches the agent behind 117', async () => {
  assert.match((await dialer.locator('button.hotline').textContent()) ?? '', /117/);
  await dialer.locator('button.hotline').click();
  await answerAndHearBothWays(caller.username);
  await agentPhone.locator('button.hangup').click();
  await dialer.waitForCall('call === undefined');
  assert.match((await dialer.locator('.last-call').textContent()) ?? '', /Call ended/);
});
