// The supervisor role and the wallboard's Listen/Whisper/Barge, end to end:
// the real operator (serving the app and the API), a real Asterisk 22 and
// headless Chromium. A supervisor (a SipAgent with spec.supervisor, made by
// the admin through the HR API) signs in like an agent:
// - through the API, every route that does not admit supervisors answers
//   403 naming why; the list is the server's own route table
//   (test/support/api-routes.ts), so a route added later is tried too;
// - in the browser it lands on the wallboard, sees no HR, settings or
//   dialer page, and its softphone is docked beside the wallboard;
// - an agent takes a call; the supervisor clicks Listen on the agent's row:
//   the docked softphone dials *51<extension> and the supervisor hears the
//   call (getStats energy on its peer connection), Asterisk reports the use
//   and the operator records it on both SipAgents and in its log.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { SbSoftphone } from '../../webui/src/softphone/sb-softphone.ts';
import { repoRoot } from '../cluster/tools.ts';
import { apiRoutes, samplePath } from '../support/api-routes.ts';
import { ApiSession, signInAdmin } from '../support/api-session.ts';
import { createNamespace, testCluster } from '../support/cluster.ts';
import { installCrds } from '../support/crds.ts';
import { type CreatedAgent, createHrAgent } from '../support/hr-agents.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import { addQueueCallers, type QueueCallers } from '../support/queue-callers.ts';
import { type RealAsterisk, startRealAsterisk } from '../support/real-asterisk.ts';
import { condition, Resources } from '../support/resources.ts';
import { waitUntil } from '../support/wait.ts';
import { AppPhone } from './support/app-phone.ts';
import { launchChromium } from './support/chromium.ts';
import { bundleWebUi } from './support/webui-bundle.ts';

/** Mean audioLevel² above this (−40 dBov) is sound, not silence. */
const SILENCE = 1e-4;
const SUE_LOGIN = 'sue-login-password';
const screenshots = join(repoRoot, 'docs', 'screenshots');
const ANN_LOGIN = 'ann-login-password';

const cluster = testCluster();
let ns: Awaited<ReturnType<typeof createNamespace>>;
let r: Resources;
let pbx: RealAsterisk;
let operator: OperatorProcess;
let callers: QueueCallers;
let browser: Browser;
let webuiDir: string;
let base: string;
let admin: ApiSession;
let ann: CreatedAgent;
let sue: CreatedAgent;
let context: BrowserContext;
let page: Page;
let annPhone: AppPhone;
const pageErrors: string[] = [];
const figures: Record<string, string> = {};

/** Mean energy the softphone on `p` decodes over the next `seconds`. */
function heard(p: Page, seconds: number): Promise<number> {
  return p.locator('sb-softphone').evaluate(async (el, seconds) => {
    const pc = (el as SbSoftphone).phone.peerConnection;
    const read = async () => {
      const stats = [...((await pc?.getStats())?.values() ?? [])] as Record<string, unknown>[];
      const rtp = stats.find((s) => s.type === 'inbound-rtp' && s.kind === 'audio');
      return { e: Number(rtp?.totalAudioEnergy ?? 0), s: Number(rtp?.totalSamplesDuration ?? 0) };
    };
    const a = await read();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const b = await read();
    return b.s > a.s ? (b.e - a.e) / (b.s - a.s) : 0;
  }, seconds);
}

const row = (name: string) => page.locator(`sb-agent-list .row[data-agent="${name}"]`);

before(async () => {
  await installCrds(cluster);
  ns = await createNamespace(cluster, 'supervisor-ui');
  r = new Resources(cluster, ns.name);
  [pbx, webuiDir, browser] = await Promise.all([
    startRealAsterisk(cluster, r),
    bundleWebUi(),
    launchChromium(),
  ]);
  const callerUser = addQueueCallers(pbx.asterisk, 'sup-callers');
  operator = await startOperator(cluster, ns.name, 'supervisor-ui', {
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
  });
  await pbx.start();
  callers = await callerUser.connect();
  // "localhost": Chromium keeps Secure (__Host-) cookies on plain http only for it.
  base = `http://localhost:${operator.port}`;
  admin = (await signInAdmin(r, `http://127.0.0.1:${operator.port}`)).session;
  ann = await createHrAgent(admin, 'Ann Agent', ANN_LOGIN);
  const made = await admin.call<CreatedAgent>('POST', '/hr/users', {
    name: 'Sue Supervisor',
    password: SUE_LOGIN,
    accountType: 'agent',
    supervisor: true,
    queues: [],
  });
  assert.equal(made.status, 201, made.text);
  sue = made.body;
  for (const a of [ann, sue])
    await waitUntil(
      `${a.user.id} Provisioned`,
      async () => condition(await r.agent(a.user.id), 'Provisioned')?.status === 'True',
      30_000,
    );
  assert.equal((await r.agent(sue.user.id)).spec.supervisor, true);
  context = await browser.newContext({ viewport: { width: 1500, height: 1000 } });
  page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
});

after(async () => {
  console.log(`supervisor wallboard figures: ${JSON.stringify(figures, null, 1)}`);
  await annPhone?.context.close().catch(() => undefined);
  await context?.close().catch(() => undefined);
  await browser?.close();
  await callers?.hangUpAll().catch(() => undefined);
  await callers?.stop();
  await operator?.stop();
  await pbx?.close();
  await ns?.cleanup();
  if (webuiDir) rmSync(webuiDir, { recursive: true, force: true });
});

describe('a supervisor', { concurrency: false }, () => {
  it('signs in as a supervisor and is refused every admin route (403, why)', async () => {
    const session = new ApiSession(`http://127.0.0.1:${operator.port}`);
    const login = await session.login(sue.sipCredentials.username, SUE_LOGIN);
    assert.equal(login.status, 200, login.text);
    assert.equal(login.body.role, 'supervisor');
    assert.equal((await session.call('GET', '/auth/session')).body.role, 'supervisor');
    const routes = await apiRoutes();
    const refused = routes.filter((x) => x.access && !x.access.roles.includes('supervisor'));
    const names = refused.map((x) => `${x.method} ${x.url}`);
    // agents, credentials, tokens and settings among them (the rest: whatever the table holds)
    for (const must of [
      'POST /hr/users',
      'GET /hr/users',
      'DELETE /hr/users/:id',
      'POST /hr/users/:id/regenerate-sip',
      'GET /auth/tokens',
      'PUT /hr/webrtc-config',
    ])
      assert.ok(names.includes(must), `${must} in ${names.join(', ')}`);
    for (const route of refused) {
      const path = samplePath(route.url).replace('/hr/users/x', `/hr/users/${sue.user.id}`);
      const res = await session.call(route.method, path, route.method === 'GET' ? undefined : {});
      assert.equal(res.status, 403, `${route.method} ${path}: ${res.text}`);
      const message = (res.body as { message?: string }).message ?? '';
      if (route.access?.roles.includes('admin'))
        assert.match(message, /needs an admin account; you are signed in as a supervisor/);
      else assert.match(message, /you are signed in as a supervisor/);
    }
    figures['routes refused to a supervisor (403)'] = String(refused.length);
    // nothing was changed by the refused writes
    assert.equal((await r.agents()).length, 2);
    // what it may: the wallboard's data, its own line
    assert.equal((await session.call('GET', '/monitor/queues')).status, 200);
    const config = await session.call('GET', '/softphone/config');
    assert.equal(config.status, 200, config.text);
    assert.equal(config.body.username, sue.sipCredentials.username);
    // an agent is no supervisor
    const agent = new ApiSession(`http://127.0.0.1:${operator.port}`);
    assert.equal((await agent.login(ann.sipCredentials.username, ANN_LOGIN)).status, 200);
    const monitor = await agent.call('GET', '/monitor/queues');
    assert.equal(monitor.status, 403);
    assert.match(String(monitor.body.message), /you are signed in as an agent/);
  });

  it('lands on the wallboard in the browser and never sees the HR page', async () => {
    await page.goto(`${base}/login`);
    await page.getByLabel('Username').fill(sue.sipCredentials.username);
    await page.getByLabel('Password').fill(SUE_LOGIN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/dashboard/monitor`);
    await page.getByRole('heading', { name: 'Live wallboard' }).waitFor();
    await page.locator('sb-monitor-page .status', { hasText: 'Live' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Main' });
    assert.deepEqual(await nav.getByRole('link').allTextContents(), ['Wallboard', 'Softphone']);
    await page.goto(`${base}/dashboard/hr`);
    await page.getByRole('heading', { name: 'Not for this account' }).waitFor();
    assert.match((await page.getByRole('alert').textContent()) ?? '', /for administrators only/);
    assert.equal(await page.locator('sb-hr-page').count(), 0, 'no HR page rendered');
    await page.goto(`${base}/dashboard/monitor`);
    await page.locator('sb-monitor-page .status', { hasText: 'Live' }).waitFor();
  });

  it('registers the softphone docked beside the wallboard', async () => {
    const dock = page.locator('aside.phone-dock sb-softphone');
    await dock.locator('#password').fill(sue.sipCredentials.password);
    assert.equal(
      await dock.locator('#username').inputValue(),
      sue.sipCredentials.username,
      'its own username, filled in',
    );
    await dock.locator('button.register').click();
    await waitUntil(
      'the docked line registered',
      async () =>
        (await dock.evaluate((el) => (el as SbSoftphone).phone.registration.status)) ===
        'registered',
      15_000,
    );
  });

  it('clicks Listen on an agent’s row on a call and hears the call', async () => {
    annPhone = await AppPhone.signIn(browser, base, ann.sipCredentials.username, ANN_LOGIN);
    await annPhone.locator('#password').fill(ann.sipCredentials.password);
    await annPhone.locator('button.register').click();
    await annPhone.waitForStatus('registered', 15_000);
    // no buttons while the agent is on no call
    await row(ann.user.id).waitFor();
    assert.equal(await row(ann.user.id).locator('button.supervise').count(), 0);
    await callers.call(String(ann.sipCredentials.extension), 'sup-1');
    await annPhone.locator('button.answer').click({ timeout: 15_000 });
    const listen = row(ann.user.id).locator('button.supervise[data-mode="listen"]');
    await listen.waitFor({ timeout: 10_000 });
    assert.deepEqual(await row(ann.user.id).locator('button.supervise').allTextContents(), [
      'Listen',
      'Whisper',
      'Barge',
    ]);
    await page.screenshot({ path: join(screenshots, 'supervisor-wallboard.png'), fullPage: true });
    const clicked = Date.now();
    await listen.click();
    await waitUntil(
      'the supervisor hears the call',
      async () => (await heard(page, 0.2)) > SILENCE,
      10_000,
      0,
    );
    figures['Listen click → the supervisor hears the call'] = `${Date.now() - clicked} ms`;
    const energy = await heard(page, 1);
    figures['supervisor hears (mean energy)'] = energy.toExponential(2);
    assert.ok(energy > SILENCE, `sue hears the call: ${energy}`);
    const target = await page
      .locator('aside.phone-dock sb-softphone')
      .evaluate(
        (el) => (el as SbSoftphone).phone.timeline.filter((t) => t.event === 'dial').length,
      );
    assert.ok(target > 0, 'the docked softphone dialled');
  });

  it('records the use on both SipAgents and in the log (who, whom, when, mode)', async () => {
    const reasons = async (name: string) =>
      (await r.events()).filter((e) => e.regarding?.name === name).map((e) => e.reason);
    await waitUntil(
      'Events on sue and ann',
      async () =>
        (await reasons(sue.user.id)).includes('Listening') &&
        (await reasons(ann.user.id)).includes('SupervisorListening'),
      10_000,
    );
    const onAnn = (await r.events()).find(
      (e) => e.regarding?.name === ann.user.id && e.reason === 'SupervisorListening',
    );
    assert.match(onAnn?.note ?? '', new RegExp(`supervisor ${sue.user.id} .* listens to`));
    const line = readFileSync(operator.logPath, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"supervision"'))
      .map((l) => JSON.parse(l) as { time: number; supervision: Record<string, string> })
      .find((l) => l.supervision.mode === 'listen');
    assert.ok(line, 'a supervision log line');
    assert.equal(line.supervision.result, 'started');
    assert.equal(line.supervision.supervisorAgent, sue.user.id);
    assert.equal(line.supervision.agentName, ann.user.id);
    assert.ok(line.time > 0, 'stamped');
    await page
      .locator('aside.phone-dock sb-softphone')
      .evaluate((el) => (el as SbSoftphone).phone.hangUp());
    await callers.hangUpAll();
    assert.deepEqual(pageErrors, []);
  });
});
