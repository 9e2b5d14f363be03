// Agent states in the web UI, against the real operator (which serves the
// app) and a real Asterisk 22: an agent signs in to the app in headless
// Chromium, its softphone shows Available and the queue it is in; its Pause
// (lunch) is measured from the press of the button to Asterisk holding the
// pause (`queue show support` polled every 20 ms, and the AMI event); an
// admin's pause from the HR page reaches the agent's open page over the
// event stream without a reload (measured); Sign out takes it out of the
// queue; a real queue call shows "On a call", then the wrap-up countdown;
// the HR table's STATE column shows each state, and a refused change or an
// unreadable state shows the API's message without breaking anything.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RawMessage } from 'asterisk-manager';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { SbSoftphone } from '../../webui/src/softphone/sb-softphone.ts';
import { repoRoot } from '../cluster/tools.ts';
import { signInAdmin } from '../support/api-session.ts';
import { createNamespace, testCluster } from '../support/cluster.ts';
import { installCrds } from '../support/crds.ts';
import { type CreatedAgent, createHrAgent } from '../support/hr-agents.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import { addQueueCallers, field, type QueueCallers } from '../support/queue-callers.ts';
import { type RealAsterisk, startRealAsterisk } from '../support/real-asterisk.ts';
import { condition, Resources } from '../support/resources.ts';
import { waitUntil } from '../support/wait.ts';
import { AppPhone } from './support/app-phone.ts';
import { launchChromium } from './support/chromium.ts';
import { bundleWebUi } from './support/webui-bundle.ts';

const cluster = testCluster();
const screenshots = join(repoRoot, 'docs', 'screenshots');
const LOGIN = 'agent-login-pw';
const NAME = 'Ann Agent';
const WRAP_UP_SECONDS = 5;
let ns: Awaited<ReturnType<typeof createNamespace>>;
let r: Resources;
let pbx: RealAsterisk;
let operator: OperatorProcess;
let callers: QueueCallers;
let browser: Browser;
let webuiDir: string;
let base: string;
let adminPassword: string;
let ann: CreatedAgent;
let agent: AppPhone;
let adminContext: BrowserContext;
let adminPage: Page;
const figures: Record<string, string> = {};

/** Printed as measured (what an after hook prints can be lost when the file ends). */
const figure = (name: string, value: string) => {
  figures[name] = value;
  console.log(`agent state figure: ${name}: ${value}`);
};
const ms = (x: number) => `${Math.round(x)} ms`;

/** `queue show support`'s line for Ann ('' when she is not a member). */
async function memberLine(): Promise<string> {
  const shown = await pbx.asterisk.cli('queue show support');
  return shown.split('\n').find((l) => l.includes(NAME)) ?? '';
}

/**
 * Polls `queue show support` every 20 ms until Ann's line passes `check`;
 * answers Date.now() when the first passing answer came back (Asterisk held
 * it by then at the latest).
 */
async function cliShows(what: string, check: (line: string) => boolean): Promise<number> {
  let at = Number.NaN;
  await waitUntil(
    `queue show support: ${what}`,
    async () => {
      if (!check(await memberLine())) return false;
      at = Date.now();
      return true;
    },
    10_000,
    20,
  );
  return at;
}

/** Date.now() when the callers' AMI user (class agent) received the first matching event after `mark`. */
async function amiEventAt(
  name: string,
  match: (f: RawMessage) => boolean,
  mark: number,
): Promise<number> {
  const e = await callers.waitFor(
    name,
    (f) => field(f, 'membername') === NAME && match(f),
    `${name} for ${NAME}`,
    10_000,
    mark,
  );
  return performance.timeOrigin + e.at;
}

/** Presses `target` like a person; answers Date.now() of the press (pointerdown) as the page saw it. */
async function press(page: Page, target: Locator): Promise<number> {
  await page.evaluate(() => {
    const w = window as unknown as { pressedAt?: number; pressWatched?: boolean };
    w.pressedAt = undefined;
    if (w.pressWatched) return;
    w.pressWatched = true;
    addEventListener(
      'pointerdown',
      () => {
        w.pressedAt = Date.now();
      },
      { capture: true },
    );
  });
  await target.click();
  const at = await page.evaluate(() => (window as unknown as { pressedAt?: number }).pressedAt);
  assert.ok(at !== undefined, 'the press was seen');
  return at;
}

/** The agent's state control (inside <sb-softphone>). */
const stateControl = (selector = '') => agent.locator(`sb-agent-state ${selector}`.trim());
const presenceText = async () =>
  ((await stateControl('.presence-text').textContent()) ?? '').trim();

/**
 * Starts watching the agent's page for the presence `text`; the returned
 * function waits for it and answers Date.now() when it was first shown.
 */
async function watchPresence(text: string): Promise<() => Promise<number>> {
  await stateControl().evaluate((el, text) => {
    const w = window as unknown as { presenceSeen?: Record<string, number> };
    w.presenceSeen ??= {};
    const seen = w.presenceSeen;
    delete seen[text];
    const root = el.shadowRoot as ShadowRoot;
    const look = () => {
      if (root.querySelector('.presence-text')?.textContent?.trim() !== text) return false;
      seen[text] ??= Date.now();
      return true;
    };
    if (look()) return;
    const observer = new MutationObserver(() => {
      if (look()) observer.disconnect();
    });
    observer.observe(root, { subtree: true, childList: true, characterData: true });
  }, text);
  return async () => {
    let at: number | undefined;
    await waitUntil(
      `"${text}" on the agent's page`,
      async () => {
        at = await agent.page.evaluate(
          (text) =>
            (window as unknown as { presenceSeen?: Record<string, number> }).presenceSeen?.[text],
          text,
        );
        return at !== undefined;
      },
      10_000,
      10,
    );
    return at as number;
  };
}

const row = () => adminPage.locator('sb-agent-table tr', { hasText: NAME });
const stateCell = () => row().locator('td.state-cell');

/** Reloads the HR page and waits until Ann's STATE cell reads `text`. */
async function hrShows(text: string): Promise<void> {
  await adminPage.reload();
  await waitUntil(
    `the HR table's STATE of ${NAME}: ${text}`,
    async () => ((await stateCell().textContent()) ?? '').includes(text),
    10_000,
  );
}

before(async () => {
  await installCrds(cluster);
  ns = await createNamespace(cluster, 'agent-state-ui');
  r = new Resources(cluster, ns.name);
  [pbx, webuiDir, browser] = await Promise.all([
    startRealAsterisk(cluster, r),
    bundleWebUi(),
    launchChromium(),
  ]);
  // a test AMI user: it places the queue call and reads the queue events (class agent)
  const callerUser = addQueueCallers(pbx.asterisk);
  operator = await startOperator(cluster, ns.name, 'agent-state-ui', {
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
    agentStates: { pauseReasons: ['break', 'lunch', 'coaching'] },
  });
  // the hotline's queue with a wrap-up, and a number of its own for the test's caller
  await r.createQueue('support', {
    numbers: ['118'],
    strategy: 'ringall',
    retrySeconds: 1,
    wrapUpSeconds: WRAP_UP_SECONDS,
  });
  await pbx.start();
  callers = await callerUser.connect();
  // "localhost": Chromium keeps Secure (__Host-) cookies on plain http only for it.
  base = `http://localhost:${operator.port}`;
  const signedIn = await signInAdmin(r, base);
  adminPassword = signedIn.password;
  ann = await createHrAgent(signedIn.session, NAME, LOGIN);
  await waitUntil(
    `${ann.user.id} Provisioned`,
    async () => condition(await r.agent(ann.user.id), 'Provisioned')?.status === 'True',
    30_000,
  );
  await waitUntil(`${NAME} a member of support`, async () => /dynamic/.test(await memberLine()));
});

after(async () => {
  console.log(`agent state figures: ${JSON.stringify(figures, null, 1)}`);
  await agent?.context.close().catch(() => undefined);
  await adminContext?.close().catch(() => undefined);
  await browser?.close();
  await callers?.stop();
  await operator?.stop();
  await pbx?.close();
  await ns?.cleanup();
  if (webuiDir) rmSync(webuiDir, { recursive: true, force: true });
});

describe('agent states in the web UI, on a real Asterisk', () => {
  it('the agent signs in: its softphone shows Available and the queue it is in', async () => {
    agent = await AppPhone.signIn(browser, base, ann.sipCredentials.username, LOGIN);
    await waitUntil('Available on the page', async () => (await presenceText()) === 'Available');
    assert.equal((await stateControl('.queues').textContent())?.trim(), 'In queue: support');
    assert.equal(await stateControl('button.available').getAttribute('aria-pressed'), 'true');
    assert.deepEqual(
      await stateControl('#pause-reason option').allTextContents(),
      ['break', 'lunch', 'coaching'],
      'the pause reasons the WebRTCConfig names',
    );
    assert.equal(await stateControl('[role="status"] .presence-text').count(), 1);
    // the line registers too: the queue then sees the agent as free
    await agent.locator('#password').fill(ann.sipCredentials.password);
    await agent.locator('button.register').click();
    await agent.waitForStatus('registered');
    await cliShows('Not in use, not paused', (l) => /\(Not in use\)/.test(l) && !/paused/.test(l));
    assert.deepEqual(agent.errors, []);
  });

  it('Pause → lunch: Asterisk holds the pause (measured from the press)', async () => {
    await stateControl('#pause-reason').selectOption('lunch');
    const shown = await watchPresence('Paused: lunch');
    const mark = callers.events().length - 1;
    const pressed = await press(agent.page, stateControl('button.pause'));
    const held = await cliShows('(paused:lunch', (l) => /\(paused:lunch/.test(l));
    const event = await amiEventAt(
      'QueueMemberPause',
      (f) => field(f, 'paused') === '1' && field(f, 'pausedreason') === 'lunch',
      mark,
    );
    const onPage = await shown();
    figure('press Pause (lunch) → AMI QueueMemberPause', ms(event - pressed));
    figure(
      'press Pause (lunch) → `queue show` shows (paused:lunch (20 ms polls)',
      ms(held - pressed),
    );
    figure('press Pause (lunch) → the page shows "Paused: lunch"', ms(onPage - pressed));
    assert.match((await stateControl('.since').textContent()) ?? '', /^since \d\d:\d\d$/);
    assert.equal(await stateControl('button.pause').getAttribute('aria-pressed'), 'true');
  });

  it('the HR table shows the STATE; Available puts the agent back in service', async () => {
    adminContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    adminPage = await adminContext.newPage();
    await adminPage.goto(`${base}/login`);
    await adminPage.getByLabel('Username').fill('admin');
    await adminPage.getByLabel('Password').fill(adminPassword);
    await adminPage.getByRole('button', { name: 'Sign in' }).click();
    await adminPage.waitForURL(`${base}/dashboard/hr`);
    await waitUntil(
      'STATE Paused: lunch in the HR table',
      async () => ((await stateCell().textContent()) ?? '').includes('Paused: lunch'),
      10_000,
    );
    const header = adminPage.locator('sb-agent-table thead th');
    assert.ok((await header.allTextContents()).includes('State'));

    const mark = callers.events().length - 1;
    const shown = await watchPresence('Available');
    const pressed = await press(agent.page, stateControl('button.available'));
    const offered = await cliShows('not paused', (l) => /dynamic/.test(l) && !/paused/.test(l));
    const event = await amiEventAt('QueueMemberPause', (f) => field(f, 'paused') === '0', mark);
    await shown();
    figure('press Available → AMI QueueMemberPause (paused 0)', ms(event - pressed));
    figure(
      'press Available → `queue show` offers calls again (20 ms polls)',
      ms(offered - pressed),
    );
    await hrShows('Available');
  });

  it('an admin pauses the agent from the HR page: its open softphone shows it, without a reload', async () => {
    await agent.page.evaluate(() => {
      (window as unknown as { sameDocument?: boolean }).sameDocument = true;
    });
    const shown = await watchPresence('Paused: coaching');
    await row()
      .getByRole('button', { name: `Queue state of ${NAME}` })
      .click();
    const dialog = adminPage.locator('sb-agent-state-dialog dialog[open]');
    await dialog.waitFor();
    assert.match((await dialog.locator('.current-state').textContent()) ?? '', /Now: Available/);
    await dialog.getByLabel('Paused', { exact: true }).check();
    await dialog.getByLabel('Pause reason').selectOption('coaching');
    await adminPage.screenshot({ path: join(screenshots, 'hr-agent-state-dialog.png') });
    const applied = await press(adminPage, dialog.getByRole('button', { name: 'Apply' }));
    const onAgentPage = await shown();
    figure(
      "admin presses Apply (pause: coaching) → the agent's open page shows it (event stream)",
      ms(onAgentPage - applied),
    );
    assert.equal(
      await agent.page.evaluate(
        () => (window as unknown as { sameDocument?: boolean }).sameDocument,
      ),
      true,
      'the same document: no reload',
    );
    assert.match(await memberLine(), /\(paused:coaching/);
    await adminPage
      .getByRole('status')
      .filter({ hasText: `${NAME} is paused (coaching).` })
      .waitFor();
    await waitUntil('the dialog closed', async () => (await dialog.count()) === 0);
    await waitUntil(
      'STATE Paused: coaching in the HR table',
      async () => ((await stateCell().textContent()) ?? '').includes('Paused: coaching'),
      10_000,
    );
    // the agent's select follows the reason the admin gave
    assert.equal(await stateControl('#pause-reason').inputValue(), 'coaching');
  });

  it('Sign out of queues takes the agent out of the queue; Available brings it back', async () => {
    const shown = await watchPresence('Signed out');
    const mark = callers.events().length - 1;
    const pressed = await press(agent.page, stateControl('button.sign-out'));
    const gone = await cliShows('no longer a member', (l) => l === '');
    const event = await amiEventAt('QueueMemberRemoved', () => true, mark);
    await shown();
    figure('press Sign out → AMI QueueMemberRemoved', ms(event - pressed));
    figure(
      'press Sign out → `queue show` no longer lists the agent (20 ms polls)',
      ms(gone - pressed),
    );
    assert.equal(
      (await stateControl('.queues').textContent())?.trim(),
      'Not in any queue now; may serve: support',
    );
    await hrShows('Signed out');

    const back = await watchPresence('Available');
    await stateControl('button.available').click();
    await cliShows('a member again', (l) => /dynamic/.test(l) && !/paused/.test(l));
    await back();
    assert.equal((await stateControl('.queues').textContent())?.trim(), 'In queue: support');
  });

  it('a queue call shows "On a call", then the wrap-up counts down and ends', async () => {
    await cliShows('Not in use, not paused', (l) => /\(Not in use\)/.test(l) && !/paused/.test(l));
    await callers.call('118', 'as-1');
    await waitUntil(
      'the agent rings',
      async () =>
        (await agent.element.evaluate((el) => (el as SbSoftphone).phone.call?.phase)) === 'ringing',
      15_000,
      20,
    );
    await agent.locator('button.answer').click();
    await stateControl('.on-call').waitFor({ timeout: 10_000 });
    await hrShows('on a call');
    await adminPage.screenshot({ path: join(screenshots, 'hr-agent-states.png') });
    await agent.locator('button.hangup').click();
    const timer = stateControl('.wrap-up[role="timer"]');
    await timer.waitFor({ timeout: 10_000 });
    const first = (await stateControl('.countdown').textContent())?.trim() ?? '';
    await stateControl().screenshot({ path: join(screenshots, 'softphone-agent-state.png') });
    assert.match(first, /^0:0[1-5]$/, `a countdown of at most ${WRAP_UP_SECONDS} s: ${first}`);
    // it counts: a lower figure shows a second later, and then it is gone
    await waitUntil(
      'the countdown moves',
      async () => ((await stateControl('.countdown').textContent())?.trim() ?? first) < first,
      3_000,
      100,
    );
    await timer.waitFor({ state: 'detached', timeout: (WRAP_UP_SECONDS + 2) * 1000 });
    await waitUntil(
      'no longer on a call',
      async () => (await stateControl('.on-call').count()) === 0,
    );
    assert.equal(await presenceText(), 'Available');
    await callers.hangUpAll();
  });

  it('a refused change shows the API message and "Try again" repeats it', async () => {
    const message = 'Asterisk did not take the change: the test refused it';
    let refused = 0;
    await agent.page.route('**/softphone/state', async (route) => {
      if (route.request().method() !== 'PUT' || refused++ > 0) return route.fallback();
      await route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ message }),
      });
    });
    await stateControl('#pause-reason').selectOption('break');
    await stateControl('button.pause').click();
    const alert = stateControl('.state-error[role="alert"]');
    await alert.getByText(message).waitFor();
    assert.doesNotMatch(await memberLine(), /paused/, 'nothing changed in Asterisk');
    assert.equal(await presenceText(), 'Available', 'the page still shows what Asterisk holds');
    await stateControl('button.retry').click();
    await cliShows('(paused:break', (l) => /\(paused:break/.test(l));
    await waitUntil('Paused: break', async () => (await presenceText()) === 'Paused: break');
    assert.equal(await alert.count(), 0, 'the error is gone');
    await agent.page.unroute('**/softphone/state');
  });

  it('the HR table stays whole when the states cannot be read (503): "—" with the reason', async () => {
    const message = 'agent states are not available on this replica right now';
    await adminPage.route('**/hr/agent-states?*', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ message }),
      }),
    );
    await adminPage.reload();
    await row().waitFor();
    await waitUntil('"—" in the STATE cell', async () =>
      ((await stateCell().textContent()) ?? '').startsWith('—'),
    );
    assert.match(
      (await stateCell().locator('.state-unknown').getAttribute('title')) ?? '',
      /not available on this replica/,
    );
    assert.match(
      (await row().textContent()) ?? '',
      /SIP configured/,
      'the rest of the row is there',
    );
    await adminPage.unroute('**/hr/agent-states?*');
    await hrShows('Paused: break');
    assert.deepEqual(agent.errors, []);
  });
});
