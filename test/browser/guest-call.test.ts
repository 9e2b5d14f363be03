// Citizens calling the hotline from the public page /call (issue 15), for
// real: the real operator serves the page and mints permissions, a real
// Asterisk 22 runs the guest gate the operator rendered, headless Chromium
// (fake microphones) plays the citizen and the agent. Every refusal is
// proven to come from Asterisk: the page is left intact and only the
// permission it received is tampered with on the wire (Playwright route),
// as an attacker would; the gate's verdict is read from its AMI UserEvent,
// and no refused guest ever joins a queue (no QueueCallerJoin).
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { PhoneConfig } from '../../webui/src/sip/phone-config.ts';
import { type AmiObserver, addAmiObserver } from '../support/asterisk-observer.ts';
import { createNamespace, testCluster } from '../support/cluster.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import { type RealAsterisk, startRealAsterisk } from '../support/real-asterisk.ts';
import { condition, decode, Resources } from '../support/resources.ts';
import { waitUntil } from '../support/wait.ts';
import { launchChromium } from './support/chromium.ts';
import { PhoneDriver } from './support/phone-driver.ts';
import { mountPhone, type PhonePageServer, startPhonePageServer } from './support/phone-page.ts';
import { bundleWebUi } from './support/webui-bundle.ts';

const cluster = testCluster();
let ns: Awaited<ReturnType<typeof createNamespace>>;
let r: Resources;
let pbx: RealAsterisk;
let operator: OperatorProcess;
let server: PhonePageServer;
let browser: Browser;
let ami: AmiObserver;
let ann: PhoneDriver;
const contexts: BrowserContext[] = [];
const agent = { username: '', password: '', extension: '' };
const figures: Record<string, string> = {};
const ms = (x: number) => `${x.toFixed(0)} ms`;

/** Asterisk never offers loopback candidates: media runs on the machine's own address. */
function hasOwnAddress(): boolean {
  return Object.values(networkInterfaces()).some((l) =>
    (l ?? []).some((a) => a.family === 'IPv4' && !a.internal),
  );
}

/** How the permission the page receives is changed on its way (undefined: untouched). */
type Tamper = (permission: Record<string, unknown>) => Record<string, unknown>;

interface GuestPage {
  readonly page: Page;
  /** The next permission's change (reset after use). */
  tamper: Tamper | undefined;
  /** Tokens the page received, untampered, in order. */
  readonly tokens: string[];
}

async function openGuest(): Promise<GuestPage & { readyMs: number }> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  contexts.push(context);
  const page = await context.newPage();
  const guest: GuestPage = { page, tamper: undefined, tokens: [] };
  await page.route('**/public/guest-calls', async (route) => {
    const response = await route.fetch();
    const body = (await response.json()) as Record<string, unknown>;
    if (typeof body.token === 'string') guest.tokens.push(body.token);
    const change = guest.tamper;
    guest.tamper = undefined;
    await route.fulfill({ response, json: change ? change(body) : body });
  });
  const started = Date.now();
  await page.goto(`http://127.0.0.1:${operator.port}/call`);
  await page.locator('sb-guest-call button.call:not([disabled])').waitFor();
  return Object.assign(guest, { readyMs: Date.now() - started });
}

/** The guest element's state (it lives in <sb-app>'s shadow root). */
function guestState(page: Page) {
  return page.evaluate(() => {
    const el = document
      .querySelector('sb-app')
      ?.shadowRoot?.querySelector('sb-guest-call') as unknown as {
      phone: {
        phase: string;
        message?: string;
        timeline: { event: string; at: number }[];
        peerConnection?: RTCPeerConnection;
      };
    } | null;
    const p = el?.phone;
    return {
      phase: p?.phase,
      message: p?.message,
      timeline: (p?.timeline ?? []).map((t) => ({ ...t, at: performance.timeOrigin + t.at })),
    };
  });
}

/** The guest's inbound audio packets and codec (getStats). */
function guestAudio(page: Page) {
  return page.evaluate(async () => {
    const el = document
      .querySelector('sb-app')
      ?.shadowRoot?.querySelector('sb-guest-call') as unknown as {
      phone: { peerConnection?: RTCPeerConnection };
    } | null;
    const pc = el?.phone.peerConnection;
    if (!pc) return { packets: 0, codec: undefined as string | undefined };
    const stats = [...(await pc.getStats()).values()] as Record<string, unknown>[];
    const rtp = stats.find((s) => s.type === 'inbound-rtp' && s.kind === 'audio');
    const codec = stats.find((s) => s.id === rtp?.codecId);
    return {
      packets: Number(rtp?.packetsReceived ?? 0),
      codec: codec?.mimeType as string | undefined,
    };
  });
}

async function waitPhase(page: Page, phase: string, timeoutMs = 10_000) {
  await waitUntil(
    `the guest page is "${phase}"`,
    async () => (await guestState(page)).phase === phase,
    timeoutMs,
    20,
  );
}

const verdicts = () =>
  ami
    .events('UserEvent')
    .filter((e) => String(e.userevent) === 'SwitchboardGuest')
    .map((e) => String(e.result));
const queueJoins = () => ami.events('QueueCallerJoin').length;

/** The gate's next verdict after `from` verdicts so far. */
async function nextVerdict(from: number): Promise<string> {
  await waitUntil('the guest gate decided', () => verdicts().length > from, 10_000, 10);
  return verdicts()[from] ?? '';
}

/**
 * Places a call from the page with a tampered permission and asserts that
 * Asterisk refused it with `verdict`, the page says so, and nobody queued.
 */
async function refused(
  guest: GuestPage,
  tamper: Tamper | undefined,
  verdict: string,
  text: RegExp,
  number?: string,
) {
  const before = verdicts().length;
  const joins = queueJoins();
  const annBefore = (await ann.call())?.id;
  guest.tamper = tamper;
  if (number !== undefined)
    await guest.page.evaluate((n) => {
      const el = document.querySelector('sb-app')?.shadowRoot?.querySelector('sb-guest-call') as
        | (HTMLElement & { number?: string })
        | null;
      if (el) el.number = n;
    }, number);
  await guest.page.locator('sb-guest-call button.call').click();
  await waitPhase(guest.page, 'failed');
  if (verdict === 'none') {
    // the number is not in the guest context at all: the refusal context answers, no gate
    assert.equal(verdicts().length, before, 'the gate never ran');
  } else assert.equal(await nextVerdict(before), verdict);
  const state = await guestState(guest.page);
  assert.match(state.message ?? '', text);
  assert.equal(queueJoins(), joins, 'a refused guest never joins a queue');
  assert.equal((await ann.call())?.id, annBefore, 'the agent never rang for it');
}

before(async () => {
  assert.ok(hasOwnAddress(), 'no non-loopback IPv4 address: Asterisk would offer no candidate');
  ns = await createNamespace(cluster, 'guest-call');
  r = new Resources(cluster, ns.name);
  let webuiDir: string;
  [pbx, server, browser, webuiDir] = await Promise.all([
    startRealAsterisk(cluster, r),
    startPhonePageServer(),
    launchChromium(),
    bundleWebUi(),
  ]);
  const observer = addAmiObserver(pbx.asterisk, ['call', 'agent', 'user']);
  operator = await startOperator(cluster, ns.name, 'guest-call', {
    ASTERISK_POLL_MS: '100',
    WEBUI_DIR: webuiDir,
  });
  const portStart = 20_000 + randomInt(0, 120) * 100;
  await r.createConfig({
    ami: pbx.amiSpec,
    asteriskWsUrl: pbx.asterisk.wsUrl,
    transports: { ws: true, wss: false },
    iceServers: {},
    rtp: { portStart, portEnd: portStart + 99 },
    publicAccess: {
      enabled: true,
      numbers: [],
      tokenTtlSeconds: 120,
      maxConcurrentGuests: 1,
      maxCallSeconds: 600,
      mintsPerMinutePerAddress: 60,
    },
  });
  await r.createAgent('ann', { displayName: 'Ann Agent' });
  await pbx.start();
  ami = await observer.connect();
  await waitUntil(
    'ann Provisioned=True',
    async () => condition(await r.agent('ann'), 'Provisioned')?.status === 'True',
    60_000,
    100,
  );
  const secret = await r.secret('ann-sip-credentials');
  agent.username = decode(secret, 'username') ?? '';
  agent.password = decode(secret, 'password') ?? '';
  agent.extension = decode(secret, 'extension') ?? '';
  const phoneConfig: PhoneConfig = {
    wsUrl: pbx.asterisk.wsUrl,
    iceServers: [],
    iceGatheringTimeoutMs: 1000,
  };
  const context = await browser.newContext({ viewport: { width: 390, height: 1100 } });
  contexts.push(context);
  ann = new PhoneDriver(await context.newPage());
  await mountPhone(ann.page, server, 'sb-softphone', phoneConfig);
  await ann.register(agent);
  await ann.waitForStatus('registered');
});

after(async () => {
  console.log('guest calls ↔ real Asterisk figures:', JSON.stringify(figures, null, 2));
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
  await ami?.stop();
  await operator?.stop();
  await pbx?.close();
  await ns?.cleanup();
});

let first: GuestPage;

test('a citizen calls the hotline from /call and reaches a free agent, audio both ways', async () => {
  const guest = await openGuest();
  first = guest;
  figures['page load → ready to call'] = ms(guest.readyMs);
  // nothing about the guest is in any ConfigMap: the password is in a Secret shard only
  const joins = queueJoins();
  await guest.page.locator('sb-guest-call button.call').click();
  await ann.waitForCall("call?.phase === 'ringing'");
  const [state, annTimeline] = await Promise.all([guestState(guest.page), ann.timeline()]);
  const invited = state.timeline.find((t) => t.event === 'invite')?.at;
  const incoming = annTimeline.findLast((t) => t.event === 'incoming')?.at;
  assert.ok(invited !== undefined && incoming !== undefined);
  const ringing = (await ann.page.evaluate((t) => performance.timeOrigin + t, incoming)) - invited;
  figures['dial (INVITE) → agent ringing, through the gate and the hotline queue'] = ms(ringing);
  const permission = state.timeline.find((t) => t.event === 'permission')?.at ?? invited;
  const clicked = state.timeline.find((t) => t.event === 'click')?.at ?? permission;
  figures['click Call → permission minted (API + AMI DBPut)'] = ms(permission - clicked);
  figures['click Call → agent ringing'] = ms(ringing + invited - clicked);
  assert.equal(verdicts().at(-1), 'admitted');
  assert.equal(queueJoins(), joins + 1, 'the guest joined the hotline queue');
  // the agent sees a web call, not a fake number
  const incomingCall = await ann.call();
  assert.equal(incomingCall?.remoteName, 'Web caller');

  const answered = Date.now();
  await ann.locator('button.answer').click();
  await waitUntil(
    'the guest hears the agent (opus, after the queue music)',
    async () => {
      const a = await guestAudio(guest.page);
      return a.codec === 'audio/opus' && a.packets > 25;
    },
    15_000,
    10,
  );
  figures['agent answers → guest hears the agent'] = ms(Date.now() - answered);
  await waitUntil(
    'the agent hears the guest',
    async () => (await ann.audio()).packetsReceived > 25,
    10_000,
    10,
  );
  assert.equal((await guestState(guest.page)).phase, 'connected');
});

test('while the one allowed guest talks, the next guest hears "all lines busy" (cause 34)', async () => {
  const second = await openGuest();
  await refused(second, undefined, 'busy', /All lines are busy/);
  // the busy guest's permission was not consumed by the refusal: it is still in AstDB
  const token = second.tokens.at(-1) ?? '';
  const value = await pbx.asterisk.cli(`database get switchboard-guest ${token}`);
  assert.match(value, /Value: \d+/);
  await first.page.locator('sb-guest-call button.hangup').click();
  await Promise.all([waitPhase(first.page, 'ended'), ann.waitForCall('call === undefined')]);
});

test('Asterisk refuses a replayed, a forged, an expired, a malformed and a missing permission', async () => {
  const guest = await openGuest();
  const used = first.tokens[0] ?? '';
  assert.ok(used, 'the first call’s token');
  await refused(guest, (p) => ({ ...p, token: used }), 'unknown', /not allowed/);
  await refused(guest, (p) => ({ ...p, token: 'f'.repeat(64) }), 'unknown', /not allowed/);
  const expired = 'e'.repeat(64);
  await pbx.asterisk.cli(
    `database put switchboard-guest ${expired} ${Math.floor(Date.now() / 1000) - 1}`,
  );
  await refused(guest, (p) => ({ ...p, token: expired }), 'expired', /not allowed/);
  // dialplan syntax in the header is text, never code
  await refused(
    guest,
    (p) => ({ ...p, token: `${'a'.repeat(40)},x)}$[1]"` }),
    'malformed',
    /not allowed/,
  );
  await refused(guest, (p) => ({ ...p, token: 'A'.repeat(64) }), 'malformed', /not allowed/);
  await refused(guest, (p) => ({ ...p, header: 'X-Something-Else' }), 'malformed', /not allowed/);
});

test('a guest with a valid permission cannot dial an agent’s extension', async () => {
  const guest = await openGuest();
  await refused(guest, undefined, 'none', /cannot be called from the web/, agent.extension);
  await refused(guest, undefined, 'none', /cannot be called from the web/, '*43');
});

test('the gate leaves no warning in the Asterisk log, whatever the header held', () => {
  const problems = pbx
    .problems()
    .filter((l) => /guest|func_|pbx\.c|expr|PJSIP_HEADER|DB_DELETE/i.test(l));
  assert.deepEqual(problems, []);
});
