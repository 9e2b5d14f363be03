// make bench: the supervisors' wallboard (/dashboard/monitor) in Debian's
// headless Chromium with 1,000 agents and 200 waiting callers, under steady
// updates, all through the real path: 1,000 SipAgents applied through the
// Kubernetes API and provisioned by the operator into a real Asterisk 22
// (each a member of the hotline queue), 200 callers originated into the
// hotline (AMI Originate of Local channels with music on hold: they wait, no
// agent is registered), and while the page is measured, every 100 ms an
// admin pauses or unpauses an agent through the API (AMI QueuePause → a
// QueueMemberPause event → the agent's row) and every 500 ms one caller hangs
// up (an abandon) and a new one joins: ~14 AMI-driven changes a second
// reaching the page through the operator's coalesced server-sent events.
//
// In the page: requestAnimationFrame deltas (frame times) and long tasks
// (PerformanceObserver 'longtask', > 50 ms on the main thread) over a window
// of watching, then over a window of scrolling the agent list (its viewport
// scrolled by 24 px every frame, wrapping at the end). Reported: p50/p95/max
// frame time, frames over 50 ms, long tasks (count, longest, total), the
// feed's messages, and the machine's 1-minute load average after each window
// (the cores are shared with Asterisk, the operator, the API server and this
// driver, and with whatever else runs). BENCH_MONITOR_AGENTS (1000), BENCH_MONITOR_CALLERS (200),
// BENCH_MONITOR_WINDOW_MS (20000), BENCH_MONITOR=0 skips it.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { after, before, it } from 'node:test';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { launchChromium } from '../browser/support/chromium.ts';
import { bundleWebUi } from '../browser/support/webui-bundle.ts';
import { signInAdmin } from '../support/api-session.ts';
import { createNamespace, testCluster } from '../support/cluster.ts';
import { installCrds } from '../support/crds.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import { addQueueCallers, field, type QueueCallers } from '../support/queue-callers.ts';
import { type RealAsterisk, startRealAsterisk } from '../support/real-asterisk.ts';
import { condition, Resources } from '../support/resources.ts';
import { waitUntil } from '../support/wait.ts';

const AGENTS = Number(process.env.BENCH_MONITOR_AGENTS ?? 1000);
const CALLERS = Number(process.env.BENCH_MONITOR_CALLERS ?? 200);
const WINDOW_MS = Number(process.env.BENCH_MONITOR_WINDOW_MS ?? 20_000);
const ENABLED = process.env.BENCH_MONITOR !== '0';

const cluster = testCluster();
let ns: Awaited<ReturnType<typeof createNamespace>>;
let r: Resources;
let pbx: RealAsterisk;
let operator: OperatorProcess;
let callers: QueueCallers;
let browser: Browser;
let webuiDir: string;

interface Frames {
  readonly deltas: number[];
  readonly longTasks: number[];
  readonly messages: number;
  /** The renderer's main thread over the window (CDP Performance.getMetrics), ms: CPU it used, wall time of its tasks, of which script, layout and style. */
  readonly main?: { cpu: number; tasks: number; script: number; layout: number; style: number };
}

/** Cumulative main-thread seconds (CDP Performance metrics). */
async function mainThread(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

/**
 * Frame times and long tasks in the page for `ms`; `scroll` scrolls the
 * agent list every frame. The main thread's CPU time beside its tasks' wall
 * time tells the page's own work from waiting for a core.
 */
async function measureFrames(page: Page, ms: number, scroll: boolean): Promise<Frames> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const before = await mainThread(cdp);
  const frames = await inPage(page, ms, scroll);
  const after = await mainThread(cdp);
  await cdp.detach();
  const d = (name: string) => ((after[name] ?? 0) - (before[name] ?? 0)) * 1000;
  return {
    ...frames,
    main: {
      cpu: d('ThreadTime'),
      tasks: d('TaskDuration'),
      script: d('ScriptDuration'),
      layout: d('LayoutDuration'),
      style: d('RecalcStyleDuration'),
    },
  };
}

function inPage(page: Page, ms: number, scroll: boolean): Promise<Frames> {
  return page.evaluate(
    ({ ms, scroll }) =>
      new Promise<Frames>((resolve) => {
        const monitor = document
          .querySelector('sb-app')
          ?.shadowRoot?.querySelector('sb-monitor-page') as
          | (HTMLElement & { feed: { messages: number } })
          | null;
        const viewport = monitor?.shadowRoot
          ?.querySelector('sb-agent-list')
          ?.shadowRoot?.querySelector('.viewport') as HTMLElement | null;
        const deltas: number[] = [];
        const longTasks: number[] = [];
        const observer = new PerformanceObserver((list) => {
          for (const e of list.getEntries()) longTasks.push(e.duration);
        });
        observer.observe({ type: 'longtask' });
        const messages = monitor?.feed.messages ?? 0;
        const start = performance.now();
        let last = start;
        const frame = (t: number) => {
          deltas.push(t - last);
          last = t;
          if (scroll && viewport) {
            const max = viewport.scrollHeight - viewport.clientHeight;
            viewport.scrollTop = viewport.scrollTop + 24 > max ? 0 : viewport.scrollTop + 24;
          }
          if (t - start < ms) requestAnimationFrame(frame);
          else {
            observer.disconnect();
            resolve({
              deltas: deltas.slice(1),
              longTasks,
              messages: (monitor?.feed.messages ?? 0) - messages,
            });
          }
        };
        requestAnimationFrame(frame);
      }),
    { ms, scroll },
  );
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? NaN;

function summary(f: Frames, ms: number): string {
  const over = f.deltas.filter((d) => d > 50).length;
  const total = f.longTasks.reduce((a, b) => a + b, 0);
  return [
    `${f.deltas.length} frames in ${(ms / 1000).toFixed(0)} s`,
    `p50 ${pct(f.deltas, 0.5).toFixed(1)} ms, p95 ${pct(f.deltas, 0.95).toFixed(1)} ms, max ${Math.max(...f.deltas).toFixed(1)} ms`,
    `${over} frames > 50 ms`,
    `long tasks ${f.longTasks.length} (longest ${Math.max(0, ...f.longTasks).toFixed(0)} ms, total ${total.toFixed(0)} ms)`,
    `${f.messages} feed messages`,
    ...(f.main
      ? [
          `main thread per second: CPU ${(f.main.cpu / (ms / 1000)).toFixed(0)} ms, tasks ${(f.main.tasks / (ms / 1000)).toFixed(0)} ms (script ${(f.main.script / (ms / 1000)).toFixed(0)}, layout ${(f.main.layout / (ms / 1000)).toFixed(0)}, style ${(f.main.style / (ms / 1000)).toFixed(0)})`,
        ]
      : []),
  ].join('; ');
}

/**
 * On a machine this busy the operator may miss its Lease renewal and exit
 * (as in a cluster, where its Pod restarts): every wait says so at once.
 */
function operatorUp(): void {
  if (operator.child.exitCode !== null || operator.child.signalCode !== null)
    throw new Error(`the operator exited (lost its Lease?): ${operator.logPath}`);
}

before(async () => {
  if (!ENABLED) return;
  await installCrds(cluster);
  ns = await createNamespace(cluster, 'bench-monitor');
  r = new Resources(cluster, ns.name);
  [pbx, webuiDir, browser] = await Promise.all([
    startRealAsterisk(cluster, r),
    bundleWebUi(),
    launchChromium(),
  ]);
  const access = addQueueCallers(pbx.asterisk, 'bench-callers');
  operator = await startOperator(cluster, ns.name, 'bench-monitor', {
    LOG_LEVEL: 'warn',
    CONCURRENCY: '16',
    WEBUI_DIR: webuiDir,
  });
  await r.createConfig({
    ami: pbx.amiSpec,
    asteriskWsUrl: pbx.asterisk.wsUrl,
    transports: { ws: true, wss: false },
  });
  await pbx.start();
  callers = await access.connect();
});

after(async () => {
  await browser?.close();
  await callers?.hangUpAll().catch(() => undefined);
  await callers?.stop();
  await operator?.stop();
  await pbx?.close();
  await ns?.cleanup();
  if (webuiDir) rmSync(webuiDir, { recursive: true, force: true });
});

it(`wallboard frame times: ${AGENTS} agents, ${CALLERS} waiting callers, steady updates`, {
  skip: ENABLED ? false : 'BENCH_MONITOR=0',
  timeout: 30 * 60_000,
}, async () => {
  const t0 = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      for (let i = next++; i < AGENTS; i = next++)
        await r.createAgent(`agent-${i}`, { displayName: `Agent ${String(i).padStart(4, '0')}` });
    }),
  );
  await waitUntil(
    `${AGENTS} agents Provisioned`,
    async () => {
      operatorUp();
      return (
        (await r.agents()).filter((a) => condition(a, 'Provisioned')?.status === 'True').length ===
        AGENTS
      );
    },
    20 * 60_000,
    2000,
  );
  const provisionedS = (Date.now() - t0) / 1000;
  const { session: admin, password } = await signInAdmin(r, `http://127.0.0.1:${operator.port}`);
  // every agent a member of the hotline queue in Asterisk: its state can change
  await waitUntil(
    'every agent in the hotline queue',
    async () => {
      operatorUp();
      return (await callers.members('support')).length === AGENTS;
    },
    5 * 60_000,
    1000,
  );
  let caller = 0;
  const waiting: string[] = [];
  for (; caller < CALLERS; caller++) {
    const id = `bm-${caller}`;
    await callers.call('117', id);
    waiting.push(id);
  }
  const queueShowCount = async () =>
    [...(await pbx.asterisk.cli('queue show support')).matchAll(/^\s+\d+\. \S+ \(wait:/gm)].length;
  await waitUntil(
    `${CALLERS} callers wait`,
    async () => {
      operatorUp();
      return (await queueShowCount()) === CALLERS;
    },
    5 * 60_000,
    500,
  );

  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const base = `http://localhost:${operator.port}`;
  await page.goto(`${base}/login`);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/dashboard/hr`);
  const opened = performance.now();
  await page.goto(`${base}/dashboard/monitor`);
  const card = page.locator('sb-monitor-page [data-queue="support"]');
  await waitUntil(
    `the page shows ${CALLERS} waiting`,
    async () =>
      operatorUp() === undefined &&
      (
        (await card
          .locator('[data-figure="waiting"]')
          .textContent()
          .catch(() => '')) ?? ''
      ).trim() === String(CALLERS),
    60_000,
    20,
  );
  const firstPaintMs = performance.now() - opened;
  const rows = await page.locator('sb-agent-list .row').count();

  // steady updates through the real path while the page is measured
  let stop = false;
  let changes = 0;
  let churned = 0;
  const pauser = (async () => {
    for (let i = 0; !stop; i++) {
      const agent = `agent-${(i * 37) % AGENTS}`;
      const body =
        (i / AGENTS) % 2 < 1 ? { presence: 'paused', reason: 'break' } : { presence: 'available' };
      const res = await admin.call('PUT', `/hr/users/${agent}/state`, body);
      if (res.status === 200) changes++;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const churn = (async () => {
    while (!stop) {
      const id = waiting.shift();
      const joined = id ? callers.of(id, 'QueueCallerJoin')[0] : undefined;
      if (joined)
        await callers.client
          .action({ action: 'Hangup', channel: field(joined.f, 'channel') })
          .catch(() => undefined);
      const fresh = `bm-${caller++}`;
      await callers.call('117', fresh);
      waiting.push(fresh);
      churned++;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  })();
  // the machine's load over each window: on 2 shared cores it, not the page, sets the figures
  const load = () => loadavg()[0]?.toFixed(1) ?? '?';
  const watching = await measureFrames(page, WINDOW_MS, false);
  const loadWatching = load();
  const scrolling = await measureFrames(page, WINDOW_MS / 2, true);
  const loadScrolling = load();
  stop = true;
  await Promise.all([pauser, churn]);
  await context.close();

  const report = [
    `wallboard with ${AGENTS} agents and ${CALLERS} waiting callers (setup: ${provisionedS.toFixed(0)} s to Provisioned)`,
    `  open → ${CALLERS} waiting on the page: ${firstPaintMs.toFixed(0)} ms; agent rows in the DOM: ${rows}`,
    `  updates: ${changes} agent state changes (API → AMI), ${churned} callers replaced (abandon + join)`,
    `  watching:  ${summary(watching, WINDOW_MS)}; machine load ${loadWatching}`,
    `  scrolling: ${summary(scrolling, WINDOW_MS / 2)}; machine load ${loadScrolling}`,
  ].join('\n');
  console.log(report);
  operatorUp(); // the figures count only with the operator up through the windows
  assert.ok(rows < 80, `${rows} agent rows in the DOM: the list is virtual`);
  assert.ok(watching.messages > 10, 'the page received the updates');
  assert.deepEqual(errors, [], 'nothing thrown in the page');
});
