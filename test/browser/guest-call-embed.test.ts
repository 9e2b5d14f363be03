// The guest call page, second slice (issue 15), for real: the real operator,
// a real Asterisk 22 and headless Chromium.
//  - /call on a phone (mobile emulation, 390x844, touch), driven by the
//    keyboard only: Tab to Call, Enter, keypad digits by keyboard; the tones
//    reach Asterisk (AMI DTMFEnd on the guest's channel) and the call timer runs.
//  - <switchboard-call-button> on a page of ANOTHER origin (a plain HTML page
//    with one script tag, served with the CSP the README documents) places a
//    call through the operator's API cross-origin (CORS for the origins in
//    spec.publicAccess.allowedOrigins) and Asterisk's WebSocket.
//  - a page on an origin not in the list is refused: the browser gets no CORS
//    grant and the API refuses to mint (403) before any permission exists.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { repoRoot } from '../cluster/tools.ts';
import type { AmiObserver } from '../support/asterisk-observer.ts';
import type { OperatorProcess } from '../support/operator-process.ts';
import type { RealAsterisk } from '../support/real-asterisk.ts';
import { waitUntil } from '../support/wait.ts';
import { type GuestStage, startGuestStage } from './support/guest-stage.ts';
import type { PhoneDriver } from './support/phone-driver.ts';

let stage: GuestStage;
let pbx: RealAsterisk;
let operator: OperatorProcess;
let ami: AmiObserver;
let ann: PhoneDriver;
let contexts: BrowserContext[];
let allowedSite: EmbedSite;
let otherSite: EmbedSite;
const figures: Record<string, string> = {};
const ms = (x: number) => `${x.toFixed(0)} ms`;
const api = () => `http://127.0.0.1:${operator.port}`;

interface EmbedSite {
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * A ministry's web site: one plain HTML page with the script tag, served
 * with the Content-Security-Policy and Permissions-Policy the README tells
 * an embedding site to send (the operator's origin for the script and the
 * API, Asterisk's WebSocket for signalling, the microphone for itself).
 */
async function startEmbedSite(): Promise<EmbedSite> {
  const srv: Server = createServer((req, res) => {
    if (req.url === '/favicon.ico') return void res.writeHead(204).end();
    if (req.url !== '/') return void res.writeHead(404).end();
    const ws = new URL(pbx.asterisk.wsUrl);
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': [
        "default-src 'self'",
        `script-src 'self' ${api()}`,
        `connect-src 'self' ${api()} ${ws.protocol}//${ws.host}`,
        "media-src 'self' blob:",
        "object-src 'none'",
      ].join('; '),
      'permissions-policy': 'microphone=(self)',
    });
    res.end(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ministry of Examples — contact us</title>
<script src="${api()}/embed/call-button.js" defer></script>
</head>
<body>
<h1>Contact the ministry</h1>
<p>Talk to us from this page, no account needed:</p>
<switchboard-call-button number="117" page-label-from="title"></switchboard-call-button>
</body>
</html>`);
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => srv.close(() => resolve())),
  };
}

/** The phone of the first guest element in the page (/call: inside <sb-app>). */
function guestState(page: Page) {
  return page.evaluate(() => {
    const el = (document.querySelector('switchboard-call-button') ??
      document.querySelector('sb-app')?.shadowRoot?.querySelector('sb-guest-call')) as unknown as {
      phone: {
        phase: string;
        message?: string;
        tonesSent: string;
        peerConnection?: RTCPeerConnection;
      };
    } | null;
    const p = el?.phone;
    return { phase: p?.phase, message: p?.message, tonesSent: p?.tonesSent };
  });
}

/** Inbound audio packets of the guest's call (getStats). */
function guestPackets(page: Page) {
  return page.evaluate(async () => {
    const el = (document.querySelector('switchboard-call-button') ??
      document.querySelector('sb-app')?.shadowRoot?.querySelector('sb-guest-call')) as unknown as {
      phone: { peerConnection?: RTCPeerConnection };
    } | null;
    const pc = el?.phone.peerConnection;
    if (!pc) return 0;
    const stats = [...(await pc.getStats()).values()] as Record<string, unknown>[];
    const rtp = stats.find((s) => s.type === 'inbound-rtp' && s.kind === 'audio');
    return Number(rtp?.packetsReceived ?? 0);
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

/** The focused element's class, through shadow roots. */
function focused(page: Page) {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return {
      tag: el?.tagName.toLowerCase(),
      cls: el?.className ?? '',
      key: el?.getAttribute('data-key'),
    };
  });
}

/** DTMF the guest's channel received, as Asterisk saw it. */
const guestDtmf = () =>
  ami
    .events('DTMFEnd')
    .filter((e) => e.direction === 'Received' && String(e.channel).includes('switchboard-guest'));

before(async () => {
  // the sites read the operator's and Asterisk's addresses per request
  [allowedSite, otherSite] = await Promise.all([startEmbedSite(), startEmbedSite()]);
  stage = await startGuestStage({
    name: 'guest-embed',
    amiClasses: ['call', 'dtmf', 'agent', 'user'],
    publicAccess: {
      enabled: true,
      numbers: [],
      tokenTtlSeconds: 120,
      maxConcurrentGuests: 2,
      maxCallSeconds: 600,
      mintsPerMinutePerAddress: 60,
      allowedOrigins: [allowedSite.origin],
    },
  });
  ({ pbx, operator, ami, ann, contexts } = stage);
});

after(async () => {
  console.log(
    'guest page on a phone and embedded ↔ real Asterisk figures:',
    JSON.stringify(figures, null, 2),
  );
  await stage?.close();
  await allowedSite?.close();
  await otherSite?.close();
});

/** The agent answers the ringing guest; resolves when the guest is connected. */
async function annAnswers(guest: Page, webPage?: string): Promise<void> {
  await ann.waitForCall("call?.phase === 'ringing'");
  const ringing = await ann.call();
  assert.equal(ringing?.remoteName, 'Web caller');
  // "web" is the gate's caller number: the phone marks it instead of showing it
  assert.equal(ringing?.fromWeb, true);
  assert.equal(ringing?.webPage, webPage);
  assert.equal(await ann.locator('.incoming .hint').count(), 0, 'no fake number shown');
  await ann.locator('button.answer').click();
  await waitPhase(guest, 'connected');
}

async function annHangsUpAfter(guest: Page): Promise<void> {
  await Promise.all([waitPhase(guest, 'ended'), ann.waitForCall('call === undefined')]);
}

test('on a phone, keyboard only: Tab to Call, Enter, keypad digits reach Asterisk as DTMF; the timer runs', async () => {
  const context = await stage.browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 3,
    isMobile: true,
    hasTouch: true,
    userAgent:
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36',
  });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${api()}/call`);
  await page.locator('sb-guest-call button.call:not([disabled])').waitFor();
  // fits the phone: no sideways scrolling
  assert.ok(
    await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
    'the page is no wider than the phone',
  );
  let tabs = 0;
  while ((await focused(page)).cls !== 'call') {
    assert.ok(++tabs <= 10, 'Call is reachable with Tab');
    await page.keyboard.press('Tab');
  }
  figures['Tab presses to reach Call'] = String(tabs);
  await page.keyboard.press('Enter');
  // the Call button is gone: Hang up has the focus, nothing is lost
  await waitUntil('Hang up has the focus', async () => (await focused(page)).cls === 'hangup');
  await annAnswers(page);
  // Tab: Mute, then the keypad's first key; Enter presses it, digits typed go out too
  await page.keyboard.press('Tab');
  assert.equal((await focused(page)).cls, 'mute');
  await page.keyboard.press('Tab');
  assert.equal((await focused(page)).key, '1');
  const before = guestDtmf().length;
  const sent = Date.now();
  await page.keyboard.press('Enter');
  await page.keyboard.type('5#');
  await waitUntil('Asterisk received 1, 5, #', () => guestDtmf().length >= before + 3, 10_000, 10);
  figures['keys pressed → Asterisk DTMFEnd of the third'] = ms(Date.now() - sent);
  const events = guestDtmf().slice(before);
  assert.deepEqual(
    events.map((e) => String(e.digit)),
    ['1', '5', '#'],
  );
  figures['DTMF durations Asterisk received (ms)'] = events
    .map((e) => String(e.durationms))
    .join(', ');
  await waitUntil(
    'the page lists the keys sent',
    async () => (await guestState(page)).tonesSent === '15#',
  );
  assert.equal(await page.locator('sb-guest-call .tones-sent').textContent(), '15#');
  // the timer (role=timer) counts the call
  const timer = page.locator('sb-guest-call [role="timer"]');
  assert.equal(await timer.getAttribute('aria-label'), 'Call duration');
  const t0 = (await timer.textContent())?.trim() ?? '';
  assert.match(t0, /^\d+:\d\d$/);
  await waitUntil(
    'the timer ticks',
    async () => (await timer.textContent())?.trim() !== t0,
    3_000,
    100,
  );
  // every control has a name a screen reader reads
  const names = await page
    .locator('sb-guest-call button')
    .evaluateAll((buttons) =>
      buttons.map((b) => b.getAttribute('aria-label') ?? b.textContent?.trim() ?? ''),
    );
  assert.ok(names.length >= 14 && names.every((n) => n.length > 0), JSON.stringify(names));
  assert.equal(
    await page
      .locator('sb-guest-call [role="status"]')
      .textContent()
      .then((t) => t?.trim()),
    'Connected.',
  );
  await page.screenshot({ path: join(repoRoot, 'docs', 'screenshots', 'guest-call-phone.png') });
  // hang up by keyboard: back to Hang up (Shift+Tab twice), Enter
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Shift+Tab');
  assert.equal((await focused(page)).cls, 'hangup');
  await page.keyboard.press('Enter');
  await annHangsUpAfter(page);
  await waitUntil('Call has the focus again', async () => (await focused(page)).cls === 'call');
});

test('<switchboard-call-button> on another origin calls the hotline through the operator’s API (CORS)', async () => {
  const context = await stage.browser.newContext({ viewport: { width: 1024, height: 768 } });
  contexts.push(context);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  const started = Date.now();
  await page.goto(`${allowedSite.origin}/`);
  await page.locator('switchboard-call-button button.call:not([disabled])').waitFor();
  figures['embedding page load → ready to call (other origin)'] = ms(Date.now() - started);
  assert.equal(await page.locator('switchboard-call-button h2').textContent(), 'Call 117');
  const clicked = Date.now();
  await page.locator('switchboard-call-button button.call').click();
  await ann.waitForCall("call?.phase === 'ringing'");
  figures['embedded: click Call → agent ringing'] = ms(Date.now() - clicked);
  // the site opted in to its title: cleaned (the dash is not a label character)
  // by the element, checked by the API, carried by AstDB and the gate's caller ID
  const ringing = await ann.call();
  assert.equal(ringing?.fromWeb, true);
  assert.equal(ringing?.webPage, 'Ministry of Examples contact us');
  assert.equal(
    (await ann.locator('[data-testid=web-origin]').textContent())?.replace(/\s+/g, ' ').trim(),
    'From the web · page: Ministry of Examples contact us',
  );
  await ann
    .locator('section.incoming')
    .screenshot({ path: join(repoRoot, 'docs', 'screenshots', 'agent-web-caller.png') });
  await annAnswers(page, 'Ministry of Examples contact us');
  await waitUntil(
    'the guest hears the agent',
    async () => (await guestPackets(page)) > 25,
    15_000,
    20,
  );
  await waitUntil(
    'the agent hears the guest',
    async () => (await ann.audio()).packetsReceived > 25,
    10_000,
    20,
  );
  await page.locator('switchboard-call-button button.hangup').click();
  await annHangsUpAfter(page);
  assert.deepEqual(problems, [], 'no CSP violation or error on the embedding page');
});

test('a page on an origin not in allowedOrigins is refused: no CORS grant, no permission minted', async () => {
  const context = await stage.browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(`${otherSite.origin}/`);
  await waitPhase(page, 'closed');
  assert.match((await guestState(page)).message ?? '', /cannot be reached/);
  assert.ok(
    errors.some((e) => /CORS|Access-Control-Allow-Origin/.test(e)),
    `the browser blocked it by CORS: ${JSON.stringify(errors)}`,
  );
  // the API itself refuses such a page a permission (a "simple" POST needs no preflight)
  const mint = await fetch(`${api()}/public/guest-calls`, {
    method: 'POST',
    headers: { origin: otherSite.origin, accept: 'application/json' },
  });
  assert.equal(mint.status, 403);
  const body = (await mint.json()) as Record<string, unknown>;
  // a page label that is not plain text, or too long, is a 400 naming the field; nothing minted
  for (const pageLabel of [
    `$${'{'}SHELL(id)}`,
    'x\r\nAction: DBDelTree',
    '"a" <sip:1000@x>',
    'a'.repeat(61),
  ]) {
    const forged = await fetch(`${api()}/public/guest-calls`, {
      method: 'POST',
      headers: { origin: allowedSite.origin, 'content-type': 'application/json' },
      body: JSON.stringify({ pageLabel }),
    });
    assert.equal(forged.status, 400, pageLabel);
    const refusal = (await forged.json()) as Record<string, unknown>;
    assert.match(String(refusal.message), /pageLabel/);
    assert.equal(refusal.token, undefined);
  }
  assert.equal(body.token, undefined);
  assert.equal(mint.headers.get('access-control-allow-origin'), null);
  // the listed site gets its grant, preflight included; the script loads from anywhere
  const preflight = await fetch(`${api()}/public/guest-calls`, {
    method: 'OPTIONS',
    headers: {
      origin: allowedSite.origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get('access-control-allow-origin'), allowedSite.origin);
  assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /POST/);
  const script = await fetch(`${api()}/embed/call-button.js`);
  assert.equal(script.status, 200);
  assert.equal(script.headers.get('cross-origin-resource-policy'), 'cross-origin');
  figures['call-button.js (minified, raw)'] =
    `${((await script.arrayBuffer()).byteLength / 1024).toFixed(1)} KiB`;
});
