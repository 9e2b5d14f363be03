// The reports page in Debian's headless Chromium against the real operator,
// control plane and PostgreSQL (the fixture queue log): a viewer in Tokyo
// picks a custom day and a queue, sees the figures of that Tokyo day (not
// the UTC one), the hours in Tokyo time, both charts drawn, the agents'
// table, and downloads the agents' CSV. The page loads Chart.js as a chunk of
// its own, under the page's CSP (no error logged). Screenshot to docs/screenshots/.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { DatabaseAccess } from '../../scripts/lib/postgres-process.ts';
import { repoRoot } from '../cluster/tools.ts';
import { queueLogInsert, REPORT_QUEUE_LOG } from '../fixtures/reports-queue-log.ts';
import { ApiSession } from '../support/api-session.ts';
import { createNamespace, testCluster } from '../support/cluster.ts';
import { installCrds } from '../support/crds.ts';
import { createHrAgent } from '../support/hr-agents.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import { startTestPostgres, type TestPostgres, withClient } from '../support/postgres.ts';
import { decode, Resources } from '../support/resources.ts';
import { waitUntil } from '../support/wait.ts';
import { launchChromium } from './support/chromium.ts';
import { bundleWebUi } from './support/webui-bundle.ts';

const cluster = testCluster();
let ns: Awaited<ReturnType<typeof createNamespace>>;
let r: Resources;
let postgres: TestPostgres;
let db: DatabaseAccess;
let adminPassword = '';
let secrets: string;
let operator: OperatorProcess;
let browser: Browser;
let webuiDir: string;
let base: string;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

const figure = (name: string) =>
  page.locator(`sb-reports-page [data-figure="${name}"]`).textContent();

before(async () => {
  await installCrds(cluster);
  ns = await createNamespace(cluster, 'reports-ui');
  r = new Resources(cluster, ns.name);
  postgres = await startTestPostgres();
  db = await postgres.historyDatabase('reports_ui');
  const insert = queueLogInsert(REPORT_QUEUE_LOG);
  await withClient(db, (c) => c.query(insert.text, insert.values));
  secrets = mkdtempSync(join(tmpdir(), 'switchboard-reports-ui-'));
  writeFileSync(join(secrets, 'password'), db.password, { mode: 0o600 });
  [webuiDir, browser] = await Promise.all([bundleWebUi(), launchChromium()]);
  operator = await startOperator(cluster, ns.name, 'reports-ui', {
    WEBUI_DIR: webuiDir,
    HISTORY_DB_HOST: db.host,
    HISTORY_DB_PORT: String(db.port),
    HISTORY_DB_NAME: db.database,
    HISTORY_DB_USER: db.user,
    HISTORY_DB_PASSWORD_FILE: join(secrets, 'password'),
    HISTORY_DB_SSLMODE: 'disable',
  });
  await r.createConfig({ extensions: { start: 2000, end: 2999 } });
  await r.createQueue('support', { numbers: ['201'], serviceLevelSeconds: 20 });
  await r.createQueue('sales', { numbers: ['202'], serviceLevelSeconds: 30 });
  base = `http://localhost:${operator.port}`;
  await waitUntil('initial admin Secret', async () => {
    adminPassword = decode(await r.secret('switchboard-initial-admin'), 'password') ?? '';
    return adminPassword !== '';
  });
  await waitUntil('sign-in ready', async () => {
    const res = await fetch(`${base}/auth/session`);
    return typeof ((await res.json()) as { csrfToken?: unknown }).csrfToken === 'string';
  });
  context = await browser.newContext({
    viewport: { width: 1280, height: 1100 },
    timezoneId: 'Asia/Tokyo',
    locale: 'en-GB',
    acceptDownloads: true,
  });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // A CSP refusal (of the chart chunk, of a style) is logged as a console error;
  // failed loads are checked by their address below (the HR page's own calls are not ours).
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
      pageErrors.push(m.text());
  });
  page.on('response', (res) => {
    if (/\/(reports|ui)\//.test(res.url()) && res.status() >= 400)
      pageErrors.push(`${res.status()} ${res.url()}`);
  });
  await page.goto(`${base}/login`);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(adminPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/dashboard/hr`);
});
after(async () => {
  await browser?.close();
  await operator?.stop();
  await postgres?.close();
  await ns?.cleanup();
  if (webuiDir) rmSync(webuiDir, { recursive: true, force: true });
  if (secrets) rmSync(secrets, { recursive: true, force: true });
});

describe('reports page', () => {
  it('shows the figures of a Tokyo day with both charts drawn', async () => {
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.waitForURL(`${base}/dashboard/reports`);
    await page.getByRole('heading', { name: 'Reports' }).waitFor();
    await page.getByLabel('Period').selectOption('custom');
    await page.getByLabel('From', { exact: true }).fill('2026-11-11');
    await page.getByLabel('To', { exact: true }).fill('2026-11-11');
    await waitUntil('the Tokyo day is shown', async () =>
      /11 Nov 2026, 00:00 – 12 Nov 2026, 00:00 \(Asia\/Tokyo\), all queues/.test(
        (await page.locator('sb-reports-page [data-period]').textContent()) ?? '',
      ),
    );
    // The UTC day 2026-11-10 would say 7 offered; the Tokyo day 2026-11-11 has s2 and c5.
    assert.equal(await figure('offered'), '2');
    assert.equal(await figure('answered'), '2');
    assert.equal(await figure('abandoned'), '0');
    assert.equal(await figure('service-level'), '50%');
    assert.equal(await figure('average-wait'), '0:19');
    assert.equal(await figure('p90-wait'), '0:28');
    assert.equal(await figure('longest-wait'), '0:30');
    assert.equal(await figure('average-handle'), '5:30');
    const hours = await page
      .locator('sb-reports-page table[data-table="hours"] tbody tr')
      .evaluateAll((rows) =>
        rows.map((tr) =>
          [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim()).join(' '),
        ),
      );
    assert.deepEqual(hours, ['00:00 1 1 0', '08:00 1 0 0', '09:00 0 1 0']);
    const ann = page.locator('sb-reports-page tr[data-member="Ann Agent"]');
    assert.equal(await ann.locator('[data-col="answered"]').textContent(), '1');
    assert.equal(await ann.locator('[data-col="signed-in"]').textContent(), '3:00:00');
    for (const chart of ['hours', 'outcome'])
      await page
        .locator(`sb-reports-page sb-report-chart[data-chart="${chart}"][data-drawn="true"]`)
        .waitFor();
    const pixels = await page
      .locator('sb-reports-page sb-report-chart[data-chart="hours"]')
      .evaluate((el) => {
        const c = el.shadowRoot?.querySelector('canvas');
        const ctx = c?.getContext('2d');
        if (!c || !ctx) return 0;
        const d = ctx.getImageData(0, 0, c.width, c.height).data;
        let painted = 0;
        for (let i = 3; i < d.length; i += 4) if ((d[i] ?? 0) > 0) painted++;
        return painted;
      });
    assert.ok(pixels > 1000, `the hourly chart is drawn (${pixels} pixels)`);
    await page.screenshot({
      path: join(repoRoot, 'docs', 'screenshots', 'reports.png'),
      fullPage: true,
    });
  });

  it('narrows to one queue and downloads the agents table as CSV', async () => {
    await page.getByRole('combobox', { name: 'Queue' }).selectOption('sales');
    await waitUntil('the sales queue is shown', async () =>
      /queue sales/.test((await page.locator('sb-reports-page [data-period]').textContent()) ?? ''),
    );
    assert.equal(await figure('offered'), '1');
    assert.equal(await figure('service-level'), '100%');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download agents (CSV)' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'agents-sales-2026-11-11-2026-11-11.csv');
    const csv = readFileSync((await download.path()) ?? '', 'utf8');
    assert.equal(
      csv,
      'member,agent,answered,missed,talk_s,average_handle_s,signed_in_s\r\n' +
        'Ann Agent,,1,0,600,600,10800\r\n',
    );
    assert.deepEqual(pageErrors, []);
  });

  it('shows an agent their own calls today in the softphone', async () => {
    const admin = new ApiSession(base);
    assert.equal((await admin.login('admin', adminPassword)).status, 200);
    const ann = await createHrAgent(admin, 'Ann Agent', 'ann-login-pw');
    const user = ann.sipCredentials.username;
    // Two answered calls today in Tokyo (45 s and 30 s), one not answered; one of yesterday.
    await withClient(db, (c) =>
      c.query(
        `WITH t AS (SELECT (date_trunc('day', now() AT TIME ZONE 'Asia/Tokyo') AT TIME ZONE 'Asia/Tokyo') AT TIME ZONE 'UTC' AS d)
         INSERT INTO cdr (start, answer, "end", channel, dstchannel, billsec, linkedid)
         SELECT d + s, CASE WHEN b > 0 THEN d + s END, d + s, $1 || '-1', 'PJSIP/x-2', b, l
         FROM t, (VALUES (interval '1 minute', 45, 'k1'), (interval '2 minutes', 30, 'k2'),
                         (interval '3 minutes', 0, 'k3'), (interval '-1 minute', 100, 'k4')) AS v(s, b, l)`,
        [`PJSIP/${user}`],
      ),
    );
    const agentContext = await browser.newContext({ timezoneId: 'Asia/Tokyo', locale: 'en-GB' });
    try {
      const phone = await agentContext.newPage();
      await phone.goto(`${base}/login`);
      await phone.getByLabel('Username').fill(user);
      await phone.getByLabel('Password').fill('ann-login-pw');
      await phone.getByRole('button', { name: 'Sign in' }).click();
      await phone.waitForURL(`${base}/dashboard/webrtc-setup`);
      const own = phone.locator('sb-own-history');
      await own.locator('[data-own="answered"]').waitFor();
      assert.equal(await own.locator('[data-own="answered"]').textContent(), '2');
      assert.equal(await own.locator('[data-own="talk"]').textContent(), '1:15');
      assert.equal(await own.locator('[data-own="unanswered"]').textContent(), '1');
    } finally {
      await agentContext.close();
    }
  });
});
