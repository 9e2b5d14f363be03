// make bench: the HR page and API with 10,000 agents in one namespace. The
// agents are made straight through the Kubernetes API (as kubectl apply
// would), the operator gives them credentials, then: API list/search/stats
// latency, POST /hr/users latency, and in Debian's headless Chromium the time
// from navigation to the first page of rows and from typing to the filtered rows.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../browser/support/chromium.ts';
import { bundleWebUi } from '../browser/support/webui-bundle.ts';
import { ApiSession } from '../support/api-session.ts';
import { createNamespace, testCluster } from '../support/cluster.ts';
import { installCrds } from '../support/crds.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import { decode, Resources } from '../support/resources.ts';
import { waitUntil } from '../support/wait.ts';

const cluster = testCluster();
const N = Number(process.env.BENCH_HR_AGENTS ?? 10_000);
let ns: Awaited<ReturnType<typeof createNamespace>>;
let operator: OperatorProcess;
let browser: Browser;
let webuiDir: string;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)] ?? NaN;
const fmt = (xs: number[]) =>
  `median ${median(xs).toFixed(1)} ms, p95 ${p95(xs).toFixed(1)} ms (n=${xs.length})`;

before(async () => {
  await installCrds(cluster);
  [webuiDir, browser] = await Promise.all([bundleWebUi(), launchChromium()]);
});
after(async () => {
  await browser?.close();
  await operator?.stop();
  await ns?.cleanup();
  if (webuiDir) rmSync(webuiDir, { recursive: true, force: true });
});

it(`HR page and API with ${N} agents`, { timeout: 40 * 60_000 }, async () => {
  ns = await createNamespace(cluster, 'bench-hr');
  const r = new Resources(cluster, ns.name);
  await r.createConfig({ extensions: { start: 10000, end: 99999 } });
  operator = await startOperator(cluster, ns.name, 'bench-hr', {
    LOG_LEVEL: 'warn',
    CONCURRENCY: '8',
    COALESCE_MS: '250',
    WEBUI_DIR: webuiDir,
  });
  const base = `http://localhost:${operator.port}`;

  const t0 = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      for (let i = next++; i < N; i = next++)
        await r.createAgent(`agent-${i}`, {
          displayName: `Agent Number ${i}`,
          phoneNumber: `+49301${String(i).padStart(6, '0')}`,
        });
    }),
  );
  let adminPassword = '';
  await waitUntil('admin password', async () => {
    adminPassword = decode(await r.secret('switchboard-initial-admin'), 'password') ?? '';
    return adminPassword !== '';
  });
  const admin = new ApiSession(base);
  assert.equal((await admin.login('admin', adminPassword)).status, 200);
  await waitUntil(
    'every agent has credentials in the API',
    async () =>
      (await admin.call<{ stats: { withSipCredentials: number } }>('GET', '/hr/stats')).body.stats
        .withSipCredentials === N,
    30 * 60_000,
    1000,
  );
  const setupS = (Date.now() - t0) / 1000;

  const timed = async (path: string, times: number) => {
    const ms: number[] = [];
    for (let i = 0; i < times; i++) {
      const res = await admin.call('GET', path);
      assert.equal(res.status, 200, res.text);
      ms.push(res.ms);
    }
    return ms;
  };
  const firstPage = await timed('/hr/users?accountType=agent&page=1&pageSize=25', 30);
  const lastPage = await timed(`/hr/users?page=${Math.ceil(N / 25)}&pageSize=25`, 30);
  const searches = ['number 42', 'agent number 9999', '1234', 'agent_number_77', 'zzz'];
  const searchMs: number[] = [];
  for (let i = 0; i < 6; i++)
    for (const q of searches)
      searchMs.push(...(await timed(`/hr/users?search=${encodeURIComponent(q)}`, 1)));
  const stats = await timed('/hr/stats', 30);

  const created: number[] = [];
  for (let i = 0; i < 10; i++) {
    const res = await admin.call('POST', '/hr/users', {
      name: `Bench Person ${i}`,
      password: 'bench-login-pw',
      accountType: 'agent',
    });
    assert.equal(res.status, 201, res.text);
    created.push(res.ms);
  }

  // In the browser: navigation → first page of rows rendered; typing → filtered rows.
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(adminPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/dashboard/hr`);
  const rows = page.locator('sb-agent-table tbody tr');
  await rows.first().waitFor();
  const renderMs: number[] = [];
  for (let i = 0; i < 10; i++) {
    const started = performance.now();
    await page.reload();
    await waitUntil('25 rows', async () => (await rows.count()) === 25, 30_000, 5);
    renderMs.push(performance.now() - started);
  }
  const typeMs: number[] = [];
  const search = page.getByLabel('Search');
  for (let i = 0; i < 10; i++) {
    const n = N - 1 - i * 7;
    await search.fill('');
    await waitUntil('full list', async () => (await rows.count()) === 25, 30_000, 5);
    const started = performance.now();
    await search.fill(`Agent Number ${n}`);
    // The highest numbers are nobody else's prefix: exactly one row is left.
    await waitUntil(
      'one row',
      async () =>
        (await rows.count()) === 1 &&
        ((await rows.first().textContent()) ?? '').includes(`Agent Number ${n}`),
      30_000,
      5,
    );
    typeMs.push(performance.now() - started);
  }
  await context.close();

  const report = [
    `HR with ${N} agents (setup: create + credentials in ${setupS.toFixed(0)} s)`,
    `  GET /hr/users page 1:        ${fmt(firstPage)}`,
    `  GET /hr/users last page:     ${fmt(lastPage)}`,
    `  GET /hr/users?search=…:      ${fmt(searchMs)}`,
    `  GET /hr/stats:               ${fmt(stats)}`,
    `  POST /hr/users (at ${N}):    ${fmt(created)}`,
    `  browser: reload → 25 rows:   ${fmt(renderMs)}`,
    `  browser: type → filtered:    ${fmt(typeMs)} (includes the 200 ms typing debounce)`,
  ].join('\n');
  console.log(report);
});
