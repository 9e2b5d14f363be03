// The public call page /call as a citizen's browser tab, for the guest
// tests: opened against the real operator, with every permission it
// receives recorded and, when a test asks, tampered with on the wire
// (Playwright route), as an attacker would; and the guest gate's verdicts
// read from Asterisk's AMI UserEvents.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AmiObserver } from '../../support/asterisk-observer.ts';
import { waitUntil } from '../../support/wait.ts';

/** How the permission the page receives is changed on its way (undefined: untouched). */
export type Tamper = (permission: Record<string, unknown>) => Record<string, unknown>;

export interface GuestPage {
  readonly page: Page;
  /** The next permission's change (reset after use). */
  tamper: Tamper | undefined;
  /** Tokens the page received, untampered, in order. */
  readonly tokens: string[];
}

/** Opens /call in a fresh phone-sized context (pushed on `contexts` for closing). */
export async function openGuest(
  browser: Browser,
  contexts: BrowserContext[],
  operatorPort: number,
  ready = 'sb-guest-call button.call:not([disabled])',
): Promise<GuestPage & { readyMs: number }> {
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
  await page.goto(`http://127.0.0.1:${operatorPort}/call`);
  await page.locator(ready).waitFor();
  return Object.assign(guest, { readyMs: Date.now() - started });
}

/** The guest element's state (it lives in <sb-app>'s shadow root). */
export function guestState(page: Page) {
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
export function guestAudio(page: Page) {
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

export async function waitPhase(page: Page, phase: string, timeoutMs = 10_000) {
  await waitUntil(
    `the guest page is "${phase}"`,
    async () => (await guestState(page)).phase === phase,
    timeoutMs,
    20,
  );
}

/** The guest gate's verdicts so far (AMI UserEvent SwitchboardGuest), and its next one. */
export function gateVerdicts(ami: AmiObserver) {
  const verdicts = () =>
    ami
      .events('UserEvent')
      .filter((e) => String(e.userevent) === 'SwitchboardGuest')
      .map((e) => String(e.result));
  return {
    verdicts,
    queueJoins: () => ami.events('QueueCallerJoin').length,
    /** The gate's next verdict after `from` verdicts so far. */
    async next(from: number): Promise<string> {
      await waitUntil('the guest gate decided', () => verdicts().length > from, 10_000, 10);
      return verdicts()[from] ?? '';
    },
  };
}
