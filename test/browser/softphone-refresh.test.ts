// A registration refresh the server refuses (the endpoint's credentials were
// rotated or it was removed, the WebSocket stayed open) is shown at once with
// its reason, not as a vague "not refreshed" retried in the background.
// Kamailio is set to accept 2 s registrations so the phone refreshes soon.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { type Kamailio, startKamailio } from '../sip/kamailio.ts';
import { launchChromium } from './support/chromium.ts';
import { PhoneDriver } from './support/phone-driver.ts';
import { mountPhone, type PhonePageServer, startPhonePageServer } from './support/phone-page.ts';

const ivy = {
  username: 'ivy_1700000009',
  password: randomBytes(16).toString('hex'),
  extension: '1009',
};

let kamailio: Kamailio;
let server: PhonePageServer;
let browser: Browser;
let phone: PhoneDriver;

before(async () => {
  [kamailio, server, browser] = await Promise.all([
    startKamailio({ users: [ivy], minExpires: 1 }),
    startPhonePageServer(),
    launchChromium(),
  ]);
  phone = new PhoneDriver(await (await browser.newContext()).newPage());
  await mountPhone(phone.page, server, 'sb-softphone', {
    wsUrl: kamailio.wsUrl,
    iceServers: [],
    registerExpires: 2,
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
  await kamailio?.stop();
});

test('refreshes keep the phone registered', async () => {
  await phone.register(ivy);
  await phone.waitForStatus('registered');
  await phone.startStatusLog();
  // 80 % of 2 s: a few refreshes go by
  const mark = await phone.now();
  await phone.page.waitForTimeout(4000);
  const sent = (await phone.timeline()).filter((e) => e.at > mark && e.event === 'registered');
  assert.ok(sent.length >= 2, `${sent.length} refreshes answered`);
  assert.deepEqual(await phone.statusLog({ stop: true }), ['registered']);
});

test('a refresh refused with 401 shows the reason at once, without retrying blindly', async () => {
  await phone.startStatusLog();
  await kamailio.removeUser(ivy.username);
  await phone.waitForStatus('failed', 5000);
  assert.deepEqual(await phone.statusLog({ stop: true }), ['registered', 'failed']);
  assert.match(
    (await phone.reason()) ?? '',
    /^401 Unauthorized: .*check the SIP username and password/,
  );
  assert.match((await phone.locator('#reg-reason').textContent()) ?? '', /check the SIP username/);
  // the form is back with the username, for the new password
  assert.equal(await phone.locator('#username').inputValue(), ivy.username);
});
