// The supervisors' live wallboard (/dashboard/monitor) in headless Chromium,
// against the real operator (which serves the app and GET /monitor/events)
// and a real Asterisk 22: callers (AMI-originated, nobody answers) join the
// hotline queue and the page shows as many waiting as `queue show`; one
// hangs up (an abandon) and the page drops it and counts it; an admin pauses
// the agent and its row says so. Each change is measured from the AMI event
// the test's own AMI connection sees to the DOM change (a MutationObserver
// in the page; both stamp Date.now() on this machine's clock); median and
// max are printed and every one must be under 500 ms. Then the network
// drops (a TCP relay between Chromium and the operator cuts every
// connection): a caller joins while the page is cut off, and the page shows
// it after EventSource reconnects, without a reload. Last, 1,000 agents in
// the list keep only the visible rows in the DOM.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { repoRoot } from '../cluster/tools.ts';
import { type ApiSession, signInAdmin } from '../support/api-session.ts';
import { createNamespace, testCluster } from '../support/cluster.ts';
import { installCrds } from '../support/crds.ts';
import { type CreatedAgent, createHrAgent } from '../support/hr-agents.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import { addQueueCallers, field, type QueueCallers } from '../support/queue-callers.ts';
import { type RealAsterisk, startRealAsterisk } from '../support/real-asterisk.ts';
import { condition, Resources } from '../support/resources.ts';
import { waitUntil } from '../support/wait.ts';
import { launchChromium } from './support/chromium.ts';
import { bundleWebUi } from './support/webui-bundle.ts';

const cluster = testCluster();
const screenshots = join(repoRoot, 'docs', 'screenshots');
const NAME = 'Wanda Wallboard';
const LIMIT_MS = 500;
let ns: Awaited<ReturnType<typeof createNamespace>>;
let r: Resources;
let pbx: RealAsterisk;
let operator: OperatorProcess;
let callers: QueueCallers;
let browser: Browser;
let webuiDir: string;
let relay: Relay;
let admin: ApiSession;
let adminPassword: string;
let wanda: CreatedAgent;
let context: BrowserContext;
let page: Page;
const latencies: { what: string; ms: number }[] = [];
/** Errors the page logged (a CSP refusal, an exception). */
const pageErrors: string[] = [];
const figures: Record<string, string> = {};

const figure = (name: string, value: string) => {
  figures[name] = value;
  console.log(`wallboard figure: ${name}: ${value}`);
};

/** A TCP relay in front of the operator: cut() drops every connection, as a network blip would. */
interface Relay {
  readonly port: number;
  cut(): number;
  close(): Promise<void>;
}

async function startRelay(target: number): Promise<Relay> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((inbound) => {
    const outbound = tcpConnect(target, '127.0.0.1');
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    cut() {
      const n = sockets.size;
      for (const s of sockets) s.destroy();
      return n;
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Channels `queue show support` lists as waiting. */
async function asteriskWaiting(): Promise<string[]> {
  const shown = await pbx.asterisk.cli('queue show support');
  return [...shown.matchAll(/^\s+\d+\. (\S+) \(wait:/gm)].map((m) => m[1] ?? '');
}

/**
 * Watches the wallboard in the page: every DOM change (of the page or its
 * agent list) reads the figures and stamps Date.now() the first time each
 * value is seen ("waiting=3", "abandoned=1", "agent=Paused: lunch").
 */
async function watchPage(): Promise<void> {
  await page.evaluate((name) => {
    const w = window as unknown as { seen: Record<string, number>; watching?: boolean };
    w.seen = {};
    if (w.watching) return;
    w.watching = true;
    const monitor = document.querySelector('sb-app')?.shadowRoot?.querySelector('sb-monitor-page');
    const root = monitor?.shadowRoot;
    if (!root) throw new Error('no wallboard on the page');
    const look = () => {
      const at = Date.now();
      const card = root.querySelector('[data-queue="support"]');
      const list = root.querySelector('sb-agent-list')?.shadowRoot;
      const values = {
        waiting: card?.querySelector('[data-figure="waiting"]')?.textContent?.trim(),
        abandoned: card?.querySelector('[data-figure="abandoned"]')?.textContent?.trim(),
        paused: card?.querySelector('[data-count="paused"]')?.textContent?.trim(),
        agent: list?.querySelector(`.row[data-agent="${name}"] .activity`)?.textContent?.trim(),
      };
      for (const [k, v] of Object.entries(values)) if (v !== undefined) w.seen[`${k}=${v}`] ??= at;
    };
    const observer = new MutationObserver(look);
    const options = { subtree: true, childList: true, characterData: true };
    observer.observe(root, options);
    // the agent list renders in its own shadow root
    const list = root.querySelector('sb-agent-list');
    if (list?.shadowRoot) observer.observe(list.shadowRoot, options);
    look();
  }, wanda.user.id);
}

/** Forgets what was seen of `key` (the next showing is stamped afresh). */
async function forget(...keys: string[]): Promise<void> {
  await page.evaluate((keys) => {
    const w = window as unknown as { seen: Record<string, number> };
    for (const k of keys) delete w.seen[k];
  }, keys);
}

/** Waits until the page has shown `key`; answers Date.now() when it first did. */
async function shown(key: string, timeoutMs = 10_000): Promise<number> {
  let at: number | undefined;
  await waitUntil(
    `the wallboard shows ${key}`,
    async () => {
      at = await page.evaluate(
        (key) => (window as unknown as { seen: Record<string, number> }).seen[key],
        key,
      );
      return at !== undefined;
    },
    timeoutMs,
    10,
  );
  return at as number;
}

const measure = (what: string, amiAt: number, domAt: number) => {
  const ms = domAt - amiAt;
  latencies.push({ what, ms });
  console.log(`wallboard latency: ${what}: AMI event → DOM ${ms} ms`);
};

const card = () => page.locator('sb-monitor-page [data-queue="support"]');
const figureText = async (name: string) =>
  ((await card().locator(`[data-figure="${name}"]`).textContent()) ?? '').trim();
const messages = () =>
  page
    .locator('sb-monitor-page')
    .evaluate((el) => (el as unknown as { feed: { messages: number } }).feed.messages);

before(async () => {
  await installCrds(cluster);
  ns = await createNamespace(cluster, 'wallboard-ui');
  r = new Resources(cluster, ns.name);
  [pbx, webuiDir, browser] = await Promise.all([
    startRealAsterisk(cluster, r),
    bundleWebUi(),
    launchChromium(),
  ]);
  const callerUser = addQueueCallers(pbx.asterisk);
  operator = await startOperator(cluster, ns.name, 'wallboard-ui', {
    WEBUI_DIR: webuiDir,
    ASTERISK_POLL_MS: '100',
  });
  await r.createConfig({
    ami: pbx.amiSpec,
    asteriskWsUrl: pbx.asterisk.wsUrl,
    transports: { ws: true, wss: false },
  });
  await pbx.start();
  callers = await callerUser.connect();
  relay = await startRelay(operator.port);
  // "localhost": Chromium keeps Secure (__Host-) cookies on plain http only for it.
  const base = `http://localhost:${relay.port}`;
  const signedIn = await signInAdmin(r, `http://127.0.0.1:${operator.port}`);
  admin = signedIn.session;
  adminPassword = signedIn.password;
  wanda = await createHrAgent(admin, NAME, 'wanda-login-pw');
  await waitUntil(
    `${wanda.user.id} Provisioned`,
    async () => condition(await r.agent(wanda.user.id), 'Provisioned')?.status === 'True',
    30_000,
  );
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (m) => {
    // (the relay's cut in the drop test fails the open stream: that one is meant)
    if (m.type() === 'error' && !/ERR_INCOMPLETE_CHUNKED_ENCODING/.test(m.text()))
      pageErrors.push(m.text());
  });
  await page.goto(`${base}/login`);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(adminPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/dashboard/hr`);
});

after(async () => {
  const sorted = latencies.map((l) => l.ms).sort((a, b) => a - b);
  if (sorted.length) {
    const median = sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
    console.log(
      `wallboard AMI event → DOM over ${sorted.length} changes: median ${median} ms, max ${sorted.at(-1)} ms`,
    );
  }
  console.log(`wallboard figures: ${JSON.stringify(figures, null, 1)}`);
  await context?.close().catch(() => undefined);
  await browser?.close();
  await callers?.hangUpAll().catch(() => undefined);
  await callers?.stop();
  await relay?.close();
  await operator?.stop();
  await pbx?.close();
  await ns?.cleanup();
  if (webuiDir) rmSync(webuiDir, { recursive: true, force: true });
});

describe('the live wallboard on a real Asterisk', () => {
  it('is linked from the navigation and shows the queue and the agent', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Wallboard' })
      .click();
    await page.waitForURL(/\/dashboard\/monitor$/);
    await page.getByRole('heading', { name: 'Live wallboard' }).waitFor();
    await card().waitFor();
    await page.locator('sb-monitor-page .status', { hasText: 'Live' }).waitFor();
    assert.equal(await figureText('waiting'), '0');
    const row = page.locator(`sb-agent-list .row[data-agent="${wanda.user.id}"]`);
    await waitUntil('the agent row is listed, free', async () =>
      ((await row.locator('.activity').textContent()) ?? '').includes('Free'),
    );
    assert.equal((await row.locator('.name').textContent())?.trim(), NAME);
    assert.equal((await card().locator('[data-count="available"]').textContent())?.trim(), '1');
    await watchPage();
  });

  it('callers join: the page shows as many waiting as `queue show` (AMI → DOM measured)', async () => {
    for (let i = 1; i <= 5; i++) {
      const id = `wb-${i}`;
      await forget(`waiting=${i}`);
      const mark = callers.events().length - 1;
      await callers.call('117', id);
      const joined = await callers.waitFor(
        'QueueCallerJoin',
        (f) => field(f, 'uniqueid') === id,
        `${id} joins`,
        10_000,
        mark,
      );
      const onPage = await shown(`waiting=${i}`);
      measure(`caller ${i} joins`, joined.wall, onPage);
      assert.equal((await asteriskWaiting()).length, i, 'queue show says the same');
    }
    // the longest wait ticks on the page without a message
    const before = await messages();
    const first = await figureText('longest-wait');
    await waitUntil(
      'the longest wait ticks',
      async () => (await figureText('longest-wait')) !== first,
      3_000,
      100,
    );
    assert.equal(await messages(), before, 'ticking costs no message');
    assert.equal(
      await page.locator('sb-monitor-page table.callers tbody tr').count(),
      5,
      'five waiting callers listed',
    );
  });

  it('one hangs up (abandon): the page drops it and counts it', async () => {
    await forget('waiting=4', 'abandoned=1');
    const mark = callers.events().length - 1;
    const joined = callers.of('wb-3', 'QueueCallerJoin')[0];
    assert.ok(joined);
    await callers.client.action({ action: 'Hangup', channel: field(joined.f, 'channel') });
    const abandoned = await callers.waitFor(
      'QueueCallerAbandon',
      (f) => field(f, 'uniqueid') === 'wb-3',
      'wb-3 abandons',
      10_000,
      mark,
    );
    const left = await shown('waiting=4');
    const counted = await shown('abandoned=1');
    measure('a caller abandons: waiting', abandoned.wall, left);
    measure('a caller abandons: abandoned count', abandoned.wall, counted);
    const waiting = await asteriskWaiting();
    assert.equal(waiting.length, 4);
    assert.equal(await figureText('waiting'), String(waiting.length));
  });

  it('an admin pauses the agent: its row and the queue card change', async () => {
    await forget('agent=Paused: lunch', 'paused=1');
    const mark = callers.events().length - 1;
    const res = await admin.call('PUT', `/hr/users/${wanda.user.id}/state`, {
      presence: 'paused',
      reason: 'lunch',
    });
    assert.equal(res.status, 200, res.text);
    const paused = await callers.waitFor(
      'QueueMemberPause',
      (f) => field(f, 'membername') === NAME && field(f, 'paused') === '1',
      'the pause in Asterisk',
      10_000,
      mark,
    );
    const onRow = await shown('agent=Paused: lunch');
    await shown('paused=1');
    measure('the agent pauses: its row', paused.wall, onRow);
    const row = page.locator(`sb-agent-list .row[data-agent="${wanda.user.id}"]`);
    assert.match(
      (await row.locator('.time').textContent()) ?? '',
      /^0:0\d$/,
      'time in state from 0',
    );
    await page.screenshot({ path: join(screenshots, 'monitor-wallboard.png'), fullPage: true });
  });

  it('a burst of callers costs a bounded number of messages', async () => {
    const before = await messages();
    const started = Date.now();
    const ids = Array.from({ length: 20 }, (_, i) => `burst-${String(i).padStart(2, '0')}`);
    await Promise.all(ids.map((id) => callers.call('117', id)));
    await waitUntil(
      'queue show lists all 24',
      async () => (await asteriskWaiting()).length === 24,
      15_000,
    );
    await waitUntil(
      'the page shows 24',
      async () => (await figureText('waiting')) === '24',
      5_000,
      20,
    );
    const seconds = (Date.now() - started) / 1000;
    const sent = (await messages()) - before;
    figure('20 callers placed at once', `${sent} messages for 20 joins (${seconds.toFixed(1)} s)`);
    assert.ok(sent <= Math.ceil((seconds * 1000) / 150) + 2, `${sent} messages: coalesced`);
  });

  it('after a network drop the page reconnects and is right again, without a reload', async () => {
    await page.evaluate(() => {
      (window as unknown as { sameDocument?: boolean }).sameDocument = true;
    });
    const cut = relay.cut();
    assert.ok(cut > 0, 'the stream went through the relay');
    const dropped = Date.now();
    // a change while the page is cut off
    const mark = callers.events().length - 1;
    await callers.call('117', 'after-drop');
    await callers.waitFor(
      'QueueCallerJoin',
      (f) => field(f, 'uniqueid') === 'after-drop',
      'joins',
      10_000,
      mark,
    );
    await waitUntil(
      'the page shows 25 again',
      async () => (await figureText('waiting')) === '25',
      10_000,
      20,
    );
    figure(
      'network drop → the page right again (EventSource retry: 1 s)',
      `${Date.now() - dropped} ms`,
    );
    assert.equal((await asteriskWaiting()).length, 25);
    assert.equal(
      await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument),
      true,
      'no reload',
    );
    await callers.hangUpAll();
    await waitUntil(
      'everybody gone on the page',
      async () => (await figureText('waiting')) === '0',
      10_000,
    );
  });

  it('every change reached the page within 500 ms', () => {
    const sorted = latencies.map((l) => l.ms).sort((a, b) => a - b);
    const median = sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
    figure('AMI event → DOM', `median ${median} ms, max ${sorted.at(-1)} ms over ${sorted.length}`);
    for (const l of latencies) assert.ok(l.ms < LIMIT_MS, `${l.what}: ${l.ms} ms`);
  });

  it('holds 1,000 agents with only the visible rows in the DOM', async () => {
    // the page's own state gets 1,000 agents (the clock re-renders from it every second)
    const list = page.locator('sb-agent-list');
    const timing = await page.locator('sb-monitor-page').evaluate((el) => {
      type Agent = { name: string } & Record<string, unknown>;
      type Page = {
        feed: { state: Record<string, unknown> };
        requestUpdate(): void;
        updateComplete: Promise<boolean>;
      };
      const monitor = el as unknown as Page;
      const agents: Agent[] = Array.from({ length: 1000 }, (_, i) => ({
        name: `agent-${i}`,
        displayName: `Agent ${String(i).padStart(4, '0')}`,
        activity: i % 3 ? 'available' : 'paused',
        presence: i % 3 ? 'available' : 'paused',
        pauseReason: 'break',
        since: Date.now() - i * 1000,
        queues: ['support'],
        eligibleQueues: ['support'],
      }));
      const started = performance.now();
      monitor.feed.state = {
        ...monitor.feed.state,
        agents: new Map(agents.map((a) => [a.name, a])),
        agentOrder: agents,
      };
      monitor.requestUpdate();
      return monitor.updateComplete.then(() => performance.now() - started);
    });
    await waitUntil(
      'the card counts 1,000 agents',
      async () =>
        ((await card().locator('[data-count="available"]').textContent()) ?? '').trim() === '666',
    );
    const rows = await list.locator('.row').count();
    figure('1,000 agents: rows in the DOM, page render', `${rows} rows, ${timing.toFixed(1)} ms`);
    assert.ok(rows > 5 && rows < 60, `${rows} rows in the DOM`);
    await list.locator('.viewport').evaluate((v) => {
      v.scrollTop = v.scrollHeight;
    });
    await list.locator('.row[data-agent="agent-999"]').waitFor({ timeout: 5_000 });
    assert.ok((await list.locator('.row').count()) < 60);
    assert.deepEqual(pageErrors, [], 'nothing refused or thrown in the page');
  });
});
