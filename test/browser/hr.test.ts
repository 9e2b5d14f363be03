// The HR page in Debian's headless Chromium against the real operator and
// control plane: the admin signs in with the generated password, creates an
// agent, sees (and copies) the credentials once, searches, regenerates,
// suspends and deletes; the API's field messages appear under the fields;
// agents and strangers are kept out. Screenshots go to docs/screenshots/.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { repoRoot } from '../cluster/tools.ts';
import { ApiSession } from '../support/api-session.ts';
import { createNamespace, testCluster } from '../support/cluster.ts';
import { installCrds } from '../support/crds.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import { decode, Resources } from '../support/resources.ts';
import { waitUntil } from '../support/wait.ts';
import { launchChromium } from './support/chromium.ts';
import { bundleWebUi } from './support/webui-bundle.ts';

const cluster = testCluster();
const screenshots = join(repoRoot, 'docs', 'screenshots');
let ns: Awaited<ReturnType<typeof createNamespace>>;
let r: Resources;
let operator: OperatorProcess;
let browser: Browser;
let webuiDir: string;
let base: string;
let adminPassword: string;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

/** All text the user can see, shadow roots included (page.content() stops at shadow roots). */
const visibleText = (p: Page) =>
  p.evaluate(() => {
    const parts: string[] = [];
    const walk = (node: Node) => {
      if (node instanceof Element && node.shadowRoot) walk(node.shadowRoot);
      if (node instanceof HTMLInputElement) parts.push(node.value);
      if (node.nodeType === Node.TEXT_NODE) parts.push(node.textContent ?? '');
      for (const child of node.childNodes) walk(child);
    };
    walk(document.body);
    return parts.join(' ');
  });

const row = (name: string) => page.locator('sb-agent-table tr', { hasText: name });

before(async () => {
  await installCrds(cluster);
  ns = await createNamespace(cluster, 'hr-ui');
  r = new Resources(cluster, ns.name);
  await r.createConfig({ extensions: { start: 2000, end: 2999 } });
  [webuiDir, browser] = await Promise.all([bundleWebUi(), launchChromium()]);
  operator = await startOperator(cluster, ns.name, 'hr-ui', { WEBUI_DIR: webuiDir });
  // "localhost": Chromium keeps Secure (__Host-) cookies on plain http only for it.
  base = `http://localhost:${operator.port}`;
  await waitUntil('initial admin Secret', async () => {
    adminPassword = decode(await r.secret('switchboard-initial-admin'), 'password') ?? '';
    return adminPassword !== '';
  });
  // Sign-in works once the operator has loaded (or made) its secrets: the session hands out a CSRF token.
  await waitUntil('sign-in ready', async () => {
    const res = await fetch(`${base}/auth/session`);
    return typeof ((await res.json()) as { csrfToken?: unknown }).csrfToken === 'string';
  });
  context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
});
after(async () => {
  await browser?.close();
  await operator?.stop();
  await ns?.cleanup();
  if (webuiDir) rmSync(webuiDir, { recursive: true, force: true });
});

describe('HR page', () => {
  let first: { username: string; password: string; extension: string };

  it('sends a stranger to the sign-in page and signs the admin in', async () => {
    await page.goto(`${base}/dashboard/hr`);
    await page.waitForURL(`${base}/login`);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'wrong username or password' }).waitFor();
    await page.getByLabel('Password').fill(adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/dashboard/hr`);
    await page.getByRole('heading', { name: 'Agents' }).waitFor();
    await page.getByText('No agents match.').waitFor();
  });

  it('shows the API’s field messages under the fields', async () => {
    await page.getByRole('button', { name: 'Add agent' }).click();
    await page.getByLabel('Full name').fill('John Doe');
    await page.getByLabel(/^Phone number/).fill('030 1234');
    await page.getByLabel(/^Extension/).fill('42');
    await page.getByLabel('Login password').fill('short');
    await page.getByRole('button', { name: 'Create agent' }).click();
    const phoneError = page.locator('#agent-phoneNumber-error');
    await phoneError.waitFor();
    assert.match((await phoneError.textContent()) ?? '', /needs the country code.*E\.164/);
    assert.match(
      (await page.locator('#agent-extension-error').textContent()) ?? '',
      /must be >= 100/,
    );
    assert.match(
      (await page.locator('#agent-password-error').textContent()) ?? '',
      /fewer than 8 characters/,
    );
    assert.equal(await page.getByLabel(/^Phone number/).getAttribute('aria-invalid'), 'true');
    assert.equal(
      await page
        .getByLabel(/^Phone number/)
        .evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el),
      true,
      'focus moves to the first bad field',
    );
    assert.equal((await r.agents()).length, 0, 'nothing created');
  });

  it('creates the agent and shows the credentials once, with copy buttons', async () => {
    await page.getByLabel(/^Phone number/).fill('+4930123456');
    await page.getByLabel(/^Extension/).fill('');
    await page.getByLabel('Login password').fill('john-login-pw');
    const started = Date.now();
    await page.getByRole('button', { name: 'Create agent' }).click();
    const dialog = page.locator('sb-credentials-dialog dialog');
    await dialog.getByText('will not be shown again').waitFor();
    console.log(`create → credentials dialog: ${Date.now() - started} ms`);
    first = {
      username: await page.getByLabel('SIP username', { exact: true }).inputValue(),
      password: await page.getByLabel('SIP password', { exact: true }).inputValue(),
      extension: await page.getByLabel('Extension', { exact: true }).inputValue(),
    };
    assert.match(first.username, /^john_doe_\d{10}$/);
    assert.match(first.password, /^[0-9a-f]{32}$/);
    assert.equal(first.extension, '2000');
    await page.screenshot({ path: join(screenshots, 'hr-credentials-dialog.png') });

    await page.getByRole('button', { name: 'Copy SIP password' }).click();
    await dialog.getByText('SIP password copied to the clipboard.').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), first.password);
    await page.getByRole('button', { name: 'Copy SIP username' }).click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), first.username);

    await page.getByRole('button', { name: 'I have copied them' }).click();
    await row('John Doe').getByText('SIP configured').waitFor();
    // The dialog drops the password on its next render after closing, which may
    // come after the table's: wait for it rather than read the page once.
    await waitUntil(
      'closing forgets it',
      async () => !(await visibleText(page)).includes(first.password),
      5_000,
    );
    await page.reload();
    await row('John Doe').waitFor();
    const text = await visibleText(page);
    assert.ok(text.includes(first.username));
    assert.ok(!text.includes(first.password), 'after a reload the password is gone');
  });

  it('searches on the server', async () => {
    const api = new ApiSession(base);
    assert.equal((await api.login('admin', adminPassword)).status, 200);
    for (const name of ['Jane Roe', 'Max Mustermann', 'Erika Musterfrau', 'Ali Veli']) {
      const res = await api.call('POST', '/hr/users', {
        name,
        password: 'agent-login-pw',
        accountType: 'agent',
      });
      assert.equal(res.status, 201, res.text);
    }
    await page.reload();
    await row('Ali Veli').waitFor();
    assert.equal(await page.locator('sb-agent-table tbody tr').count(), 5);
    await page.getByLabel('Search').fill('muster');
    await waitUntil(
      'two rows',
      async () => (await page.locator('sb-agent-table tbody tr').count()) === 2,
    );
    await row('Max Mustermann').waitFor();
    await page.getByLabel('Search').fill('2000');
    await waitUntil(
      'one row',
      async () => (await page.locator('sb-agent-table tbody tr').count()) === 1,
    );
    await row('John Doe').waitFor();
    await page.getByLabel('Search').fill('');
    await waitUntil(
      'all rows',
      async () => (await page.locator('sb-agent-table tbody tr').count()) === 5,
    );
    await page.screenshot({ path: join(screenshots, 'hr-page.png') });
  });

  it('regenerates only after confirmation', async () => {
    await row('John Doe')
      .getByRole('button', { name: /^Regenerate/ })
      .click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await page.locator('sb-credentials-dialog dialog[open]').count(), 0);
    await row('John Doe')
      .getByRole('button', { name: /^Regenerate/ })
      .click();
    await page.getByRole('alertdialog').getByText('the current password stops working').waitFor();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Regenerate' }).click();
    await page
      .locator('sb-credentials-dialog')
      .getByText('New SIP credentials for John Doe')
      .waitFor();
    const password = await page.getByLabel('SIP password', { exact: true }).inputValue();
    assert.match(password, /^[0-9a-f]{32}$/);
    assert.notEqual(password, first.password);
    assert.equal(await page.getByLabel('Extension', { exact: true }).inputValue(), '2000');
    await page.keyboard.press('Escape');
    await page.locator('sb-credentials-dialog dialog[open]').waitFor({ state: 'detached' });
  });

  it('suspends and resumes', async () => {
    await row('Jane Roe').getByRole('button', { name: 'Suspend Jane Roe' }).click();
    await row('Jane Roe').getByText('suspended', { exact: true }).waitFor();
    const id = (await row('Jane Roe').getAttribute('data-agent')) ?? '';
    assert.equal((await r.agent(id)).spec.suspended, true);
    await row('Jane Roe').getByRole('button', { name: 'Resume Jane Roe' }).click();
    await row('Jane Roe').getByText('not registered').waitFor();
    assert.equal((await r.agent(id)).spec.suspended, false);
  });

  it('deletes after confirmation', async () => {
    const id = (await row('Ali Veli').getAttribute('data-agent')) ?? '';
    await row('Ali Veli').getByRole('button', { name: 'Delete Ali Veli' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('status').filter({ hasText: 'Ali Veli was deleted.' }).waitFor();
    await row('Ali Veli').waitFor({ state: 'detached' });
    await waitUntil(
      'SipAgent gone',
      async () => !(await r.agents()).some((a) => a.metadata.name === id),
    );
  });

  it('keeps agents to the softphone and strangers out', async () => {
    const agentContext = await browser.newContext();
    try {
      const agentPage = await agentContext.newPage();
      await agentPage.goto(`${base}/login`);
      // The agent signs in with its SIP username, which regenerate changed: read the current one.
      const current =
        (await r.agent((await row('John Doe').getAttribute('data-agent')) ?? '')).status
          ?.sipUsername ?? '';
      await agentPage.getByLabel('Username').fill(current);
      await agentPage.getByLabel('Password').fill('john-login-pw');
      await agentPage.getByRole('button', { name: 'Sign in' }).click();
      await agentPage.waitForURL(`${base}/dashboard/webrtc-setup`);
      await agentPage.getByRole('link', { name: 'Softphone' }).waitFor();
      const phone = agentPage.locator('sb-softphone');
      await phone.waitFor();
      assert.deepEqual(
        await phone.evaluate((el) => {
          const p = el as unknown as {
            username: string;
            extension: string;
            config: { wsUrl: string };
          };
          return [p.username, p.extension, p.config.wsUrl];
        }),
        [current, '2000', 'ws://127.0.0.1:8088/ws'],
        'the softphone gets the agent and the WebRTCConfig from the operator',
      );
      assert.equal(await agentPage.getByRole('link', { name: 'Agents' }).count(), 0);
      await agentPage.goto(`${base}/dashboard/hr`);
      await agentPage.getByText('This page is for administrators only.').waitFor();
      const status = await agentPage.evaluate(async () => (await fetch('/hr/users')).status);
      assert.equal(status, 403);
    } finally {
      await agentContext.close();
    }
    const stranger = await browser.newContext();
    try {
      const p = await stranger.newPage();
      await p.goto(`${base}/dashboard/settings`);
      await p.waitForURL(`${base}/login`);
      assert.equal(await p.evaluate(async () => (await fetch('/hr/stats')).status), 401);
    } finally {
      await stranger.close();
    }
  });

  it('makes an API token on the settings page, shows it once, revokes it', async () => {
    const p = await context.newPage();
    try {
      await p.goto(`${base}/dashboard/settings`);
      await p.getByRole('heading', { name: 'API tokens' }).waitFor();
      await p.getByLabel('Name', { exact: true }).fill('hr-sync');
      await p.getByLabel('agents:write').check();
      await p.getByRole('button', { name: 'Create token' }).click();
      const shown = p.getByLabel('New API token');
      await shown.waitFor();
      const token = await shown.inputValue();
      assert.match(token, /^sbt_[0-9a-f]{16}_/);
      const tokenRow = p.locator('sb-api-tokens tr', { hasText: 'hr-sync' });
      await tokenRow.getByText('agents:read, agents:write').waitFor();
      const asScript = () =>
        fetch(`${base}/hr/users`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal((await asScript()).status, 200);

      await p.reload();
      await tokenRow.waitFor();
      assert.ok(!(await visibleText(p)).includes(token), 'shown once only');
      await tokenRow.getByRole('button', { name: 'Revoke' }).click();
      await p.getByRole('alertdialog').getByRole('button', { name: 'Revoke' }).click();
      await p.getByText('No API tokens.').waitFor();
      assert.equal((await asScript()).status, 401);
    } finally {
      await p.close();
    }
  });

  it('runs without CSP violations', async () => {
    const violations: string[] = [];
    const p = await context.newPage();
    p.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await p.goto(`${base}/dashboard/hr`);
    await p.getByRole('heading', { name: 'Agents' }).waitFor();
    await p.goto(`${base}/dashboard/settings`);
    await p.getByRole('heading', { name: 'WebRTC settings' }).waitFor();
    await p.locator('pre', { hasText: 'switchboard' }).waitFor();
    await p.goto(`${base}/dashboard/call-dialer`);
    await p.locator('sb-call-dialer').waitFor();
    assert.deepEqual(violations, []);
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
    await p.close();
  });
});
