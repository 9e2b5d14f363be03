// Microphone permission denied: without Chromium's fake permission UI a
// headless browser refuses getUserMedia, as a person clicking "Block" would.
// The softphone must say what to do, and a call attempt must fail cleanly.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { type Kamailio, startKamailio } from '../sip/kamailio.ts';
import { launchChromium } from './support/chromium.ts';
import { PhoneDriver } from './support/phone-driver.ts';
import { mountPhone, type PhonePageServer, startPhonePageServer } from './support/phone-page.ts';

const gus = {
  username: 'gus_1700000007',
  password: randomBytes(16).toString('hex'),
  extension: '1007',
};

let kamailio: Kamailio;
let server: PhonePageServer;
let browser: Browser;
let phone: PhoneDriver;

before(async () => {
  [kamailio, server, browser] = await Promise.all([
    startKamailio({ users: [gus] }),
    startPhonePageServer(),
    launchChromium({ withoutArgs: ['--use-fake-ui-for-media-stream'] }),
  ]);
  phone = new PhoneDriver(await (await browser.newContext()).newPage());
  await mountPhone(phone.page, server, 'sb-softphone', { wsUrl: kamailio.wsUrl, iceServers: [] });
});

after(async () => {
  await browser?.close();
  await server?.close();
  await kamailio?.stop();
});

test('"Allow microphone" refused: plain help on how to unblock it', async () => {
  await phone.locator('button.allow-mic').click();
  const help = phone.locator('.mic-help');
  await help.waitFor();
  assert.match(
    (await help.textContent()) ?? '',
    /Microphone access is blocked\. .*allow the microphone/,
  );
  assert.equal(await help.getAttribute('role'), 'alert');
});

test('a call without microphone permission ends at once with the same help', async () => {
  await phone.register(gus);
  await phone.waitForStatus('registered');
  await phone.locator('#dial').fill('1007');
  await phone.locator('button.call').click();
  await phone.page.waitForFunction(
    () =>
      document.querySelector('sb-softphone')?.phone.lastCall?.reason === 'Microphone unavailable',
  );
  assert.equal(await phone.call(), undefined);
  assert.match(
    (await phone.locator('.mic-help').textContent()) ?? '',
    /Microphone access is blocked/,
  );
  // still registered: a media problem is not a registration problem
  assert.equal(await phone.status(), 'registered');
});
