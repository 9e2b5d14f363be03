// SipCredentials rotated while the agent's softphone is registered with the real
// Asterisk 22, signed in to the web UI the real operator serves. In a cluster
// the operator renders the new endpoint at once, but Asterisk loads it only
// after the kubelet projected the new files (60–90 s): until then the old
// endpoint still takes calls and a REGISTER with the new password gets a 401.
// The projector (playing the kubelet) is paused to hold that window open.
// The page must say at once that the credentials changed, with the new
// username filled in, keep the old line registered, and register with the new
// password as soon as the operator's event says Asterisk has the new endpoint.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { LINE_NOTICE } from '../../webui/src/softphone/line-change.ts';
import type { SbSoftphone } from '../../webui/src/softphone/sb-softphone.ts';
import { type ApiSession, signInAdmin } from '../support/api-session.ts';
import { createNamespace, testCluster } from '../support/cluster.ts';
import { installCrds } from '../support/crds.ts';
import { type CreatedAgent, createHrAgent, regenerateSip } from '../support/hr-agents.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import { type RealAsterisk, startRealAsterisk } from '../support/real-asterisk.ts';
import { condition, Resources } from '../support/resources.ts';
import { waitUntil } from '../support/wait.ts';
import { AppPhone } from './support/app-phone.ts';
import { launchChromium } from './support/chromium.ts';
import { bundleWebUi } from './support/webui-bundle.ts';

const cluster = testCluster();
const LOGIN_PASSWORD = 'agent-login-pw';
let ns: Awaited<ReturnType<typeof createNamespace>>;
let r: Resources;
let pbx: RealAsterisk;
let operator: OperatorProcess;
let browser: Browser;
let webuiDir: string;
let base: string;
let admin: ApiSession;
const phones: AppPhone[] = [];

/** Printed as measured (what an after hook prints can be lost when the file ends). */
const figure = (name: string, value: string) =>
  console.log(`softphone rotation figure: ${name}: ${value}`);

const createAgent = (name: string) => createHrAgent(admin, name, LOGIN_PASSWORD);

async function provisioned(name: string): Promise<boolean> {
  return condition(await r.agent(name), 'Provisioned')?.status === 'True';
}

const rotate = (agent: CreatedAgent) => regenerateSip(admin, agent);

/**
 * The usernames whose AOR Asterisk has loaded with a contact (`pjsip show
 * aors`, which lists contacts under each configured AOR). A contact of an AOR
 * the reload removed stays in Asterisk's registrar until it expires (the
 * phone's un-REGISTER with the old credentials is refused by then), but no
 * AOR leads a call to it: it is not listed here.
 */
async function contacts(): Promise<string[]> {
  const out = await pbx.asterisk.cli('pjsip show aors');
  // rows are "Contact:  <aor>/<uri> <hash> <status> <rtt>"; the header row starts with "<Aor"
  return [...out.matchAll(/^\s*Contact:\s+([^</\s][^/\s]*)\//gm)].map((m) => m[1] as string);
}

/** The username the phone's running line registered with ('' when none). */
const lineUsername = (p: AppPhone) => p.element.evaluate((el) => (el as SbSoftphone)._lineUsername);

const pageNow = (p: AppPhone) => p.page.evaluate(() => performance.now());

/** Waits for a timeline event after `from` (performance.now()); answers its time as Date.now(). */
async function waitForTimeline(p: AppPhone, event: string, from: number, timeoutMs: number) {
  let at = Number.NaN;
  await waitUntil(
    `${event} in the phone's timeline`,
    async () => {
      const entry = await p.element.evaluate(
        (el, [event, from]) =>
          (el as SbSoftphone).phone.timeline.find((t) => t.event === event && t.at > from),
        [event, from] as const,
      );
      if (entry) at = await p.page.evaluate((t) => performance.timeOrigin + t, entry.at);
      return entry !== undefined;
    },
    timeoutMs,
    50,
  );
  return at;
}

async function signIn(username: string): Promise<AppPhone> {
  const phone = await AppPhone.signIn(browser, base, username, LOGIN_PASSWORD);
  phones.push(phone);
  return phone;
}

async function registerWith(phone: AppPhone, password: string): Promise<void> {
  await phone.locator('#password').fill(password);
  await phone.locator('button.register').click();
  await phone.waitForStatus('registered');
}

before(async () => {
  await installCrds(cluster);
  ns = await createNamespace(cluster, 'softphone-rotation');
  r = new Resources(cluster, ns.name);
  [pbx, webuiDir, browser] = await Promise.all([
    startRealAsterisk(cluster, r),
    bundleWebUi(),
    launchChromium(),
  ]);
  operator = await startOperator(cluster, ns.name, 'softphone-rotation', {
    WEBUI_DIR: webuiDir,
    ASTERISK_POLL_MS: '100',
  });
  const portStart = 20_000 + randomInt(0, 120) * 100;
  await r.createConfig({
    ami: pbx.amiSpec,
    asteriskWsUrl: pbx.asterisk.wsUrl,
    transports: { ws: true, wss: false },
    iceServers: {},
    rtp: { portStart, portEnd: portStart + 99 },
    extensions: { start: 4000, end: 4099 },
  });
  // "localhost": Chromium keeps Secure (__Host-) cookies on plain http only for it.
  base = `http://localhost:${operator.port}`;
  ({ session: admin } = await signInAdmin(r, base));
});

after(async () => {
  for (const p of phones) await p.context.close().catch(() => undefined);
  await browser?.close();
  await operator?.stop();
  await pbx?.close();
  await ns?.cleanup();
  if (webuiDir) rmSync(webuiDir, { recursive: true, force: true });
});

describe('rotated credentials on the real Asterisk', () => {
  let nora: CreatedAgent;
  let carl: CreatedAgent;
  let phone: AppPhone;
  let caller: AppPhone;

  before(async () => {
    nora = await createAgent('Nora Rotate');
    carl = await createAgent('Carl Caller');
    await pbx.start();
    await waitUntil(
      'both agents Provisioned=True',
      async () => (await provisioned(nora.user.id)) && (await provisioned(carl.user.id)),
      60_000,
      100,
    );
    [phone, caller] = await Promise.all([
      signIn(nora.sipCredentials.username),
      signIn(carl.sipCredentials.username),
    ]);
    await registerWith(phone, nora.sipCredentials.password);
    await registerWith(caller, carl.sipCredentials.password);
  });

  it('the old line works until Asterisk has the new endpoint, then the phone switches by itself', async () => {
    const old = nora.sipCredentials;
    await phone.watchFor({
      notice: '.line-notice',
      notRegistered: '.status:not([data-status="registered"])',
    });
    // the kubelet has not projected the new files yet
    pbx.projector.pause();
    const started = Date.now();
    const rotatedAt = await pageNow(phone);
    const fresh = await rotate(nora);
    const shownMs = (await phone.seenAll(['notice'])) - started;
    figure('regenerate → the page says the credentials changed', `${shownMs} ms`);
    assert.ok(shownMs < 2000, `shown after ${shownMs} ms`);
    assert.equal(await phone.locator('.line-notice').textContent(), LINE_NOTICE.rotatedKeeping);
    assert.equal(await phone.locator('#username').inputValue(), fresh.username);
    assert.equal(await phone.locator('#password').inputValue(), '');
    assert.equal(await phone.status(), 'registered');
    assert.equal(await lineUsername(phone), old.username);

    // Asterisk still has the old endpoint: a call to the extension rings this phone
    await caller.locator('#dial').fill(String(old.extension));
    await caller.locator('button.call').click();
    await waitUntil('the old line rings', async () =>
      phone.element.evaluate((el) => (el as SbSoftphone).phone.call?.phase === 'ringing'),
    );
    await phone.locator('button.answer').click();
    await waitUntil('the call is up', async () =>
      phone.element.evaluate((el) => (el as SbSoftphone).phone.call?.phase === 'active'),
    );
    await caller.locator('button.hangup').click();
    await waitUntil('the call ended', async () =>
      phone.element.evaluate((el) => (el as SbSoftphone).phone.call === undefined),
    );

    // the agent types the new password at once: Asterisk would refuse it (401) for now
    await phone.locator('#password').fill(fresh.password);
    await phone.locator('button.use-new').click();
    await waitUntil(
      'the phone says it waits for the phone system',
      async () =>
        (await phone.locator('.line-notice').textContent()) === LINE_NOTICE.rotatedWaiting,
    );
    // the phone asks Asterisk now and then whether it still takes the old line: it does
    const checked = await waitForTimeline(phone, 'registered', rotatedAt, 15_000);
    figure(
      'regenerate → old line checked with a REGISTER, accepted',
      `${Math.round(checked - started)} ms`,
    );
    assert.equal(await provisioned(nora.user.id), false, 'Asterisk has not loaded it yet');
    assert.equal(await phone.status(), 'registered');
    assert.deepEqual(
      (await contacts()).sort(),
      [carl.sipCredentials.username, old.username].sort(),
    );
    assert.equal((await phone.seen()).notRegistered, undefined, 'the old line never stopped');
    figure('rotation window held open (kubelet not synced)', `${Date.now() - started} ms`);

    // the kubelet projects the new files; the operator reloads Asterisk
    const resumed = Date.now();
    pbx.projector.resume();
    let provisionedAt = 0;
    let switchedAt = 0;
    await waitUntil(
      'Provisioned=True for the new username, and the phone registered with it',
      async () => {
        if (!provisionedAt && (await provisioned(nora.user.id))) provisionedAt = Date.now();
        if (!switchedAt && (await lineUsername(phone)) === fresh.username)
          if ((await phone.status()) === 'registered') switchedAt = Date.now();
        return provisionedAt > 0 && switchedAt > 0;
      },
      30_000,
      10,
    );
    const downAt = (await phone.seen()).notRegistered ?? Number.NaN;
    figure('files projected → Provisioned=True (test polling)', `${provisionedAt - resumed} ms`);
    figure('files projected → registered with the new password', `${switchedAt - resumed} ms`);
    figure('old line stopped → registered with the new password', `${switchedAt - downAt} ms`);
    figure('regenerate → registered with the new password', `${switchedAt - started} ms`);
    assert.ok(switchedAt - downAt < 2000, `not registered for ${switchedAt - downAt} ms`);
    assert.equal(await phone.locator('.line-notice').count(), 0);
    await waitUntil('Asterisk has the new contact only', async () => {
      const now = await contacts();
      return now.includes(fresh.username) && !now.includes(old.username);
    });
    await waitUntil(
      'the SipAgent says registered',
      async () => (await r.agent(nora.user.id)).status?.registered === true,
    );
    nora = { ...nora, sipCredentials: fresh };
  });

  it('the new password typed only after Asterisk has the new endpoint: asked for, then registered', async () => {
    const old = nora.sipCredentials;
    await phone.watchFor({
      notice: '.line-notice',
      notRegistered: '.status:not([data-status="registered"])',
    });
    const started = Date.now();
    const fresh = await rotate(nora);
    const shownMs = (await phone.seenAll(['notice'])) - started;
    figure('regenerate → the page says the credentials changed (no delay)', `${shownMs} ms`);
    assert.ok(shownMs < 2000, `shown after ${shownMs} ms`);
    assert.equal(await phone.locator('#username').inputValue(), fresh.username);
    // Asterisk loads the new endpoint (and drops the old one): the phone asks for the password
    await phone.waitForStatus('unregistered', 30_000);
    const askedAt = (await phone.seen()).notRegistered ?? Number.NaN;
    figure('regenerate → old line stopped, new password asked for', `${askedAt - started} ms`);
    assert.equal(await provisioned(nora.user.id), true, 'only once Asterisk has the new endpoint');
    // stop() waits up to 2 s for the un-REGISTER's answer before the notice changes
    await waitUntil(
      'the page says the credentials were rotated',
      async () => (await phone.locator('.line-notice').textContent()) === LINE_NOTICE.rotated,
      5_000,
    );
    assert.equal(await phone.locator('#username').inputValue(), fresh.username);
    assert.equal(
      await phone.element.evaluate((el) => el.shadowRoot?.activeElement?.id),
      'password',
      'the cursor waits in the password field',
    );
    const ms = await phone.timeRegister(fresh.password);
    figure('new password typed: click → Registered', `${ms.toFixed(0)} ms`);
    assert.equal(await lineUsername(phone), fresh.username);
    await waitUntil('Asterisk has the new contact only', async () => {
      const now = await contacts();
      return now.includes(fresh.username) && !now.includes(old.username);
    });
    assert.deepEqual(
      phones.flatMap((p) => p.errors),
      [],
      'no uncaught errors in the pages',
    );
  });
});
