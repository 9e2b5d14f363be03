// The softphone as an agent meets it: signed in to the web UI the operator
// serves, <sb-softphone> inside <sb-app>'s shadow DOM (Playwright locators
// pierce it; document.querySelector, which PhoneDriver uses, does not).
// Times what the agent sees: click → "Registered" on screen, and when a
// notice first appears.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RegistrationStatus } from '../../../webui/src/sip/registration-status.ts';
import type { SbSoftphone } from '../../../webui/src/softphone/sb-softphone.ts';
import { waitUntil } from '../../support/wait.ts';

export class AppPhone {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly errors: string[] = [];

  private constructor(context: BrowserContext, page: Page) {
    this.context = context;
    this.page = page;
    page.on('pageerror', (e) => this.errors.push(e.message));
  }

  /** A new browser context signed in as the agent, on its softphone page. */
  static async signIn(
    browser: Browser,
    base: string,
    username: string,
    loginPassword: string,
    options: { slowAudioMs?: number } = {},
  ): Promise<AppPhone> {
    const context = await browser.newContext({ viewport: { width: 420, height: 1100 } });
    const phone = new AppPhone(context, await context.newPage());
    const page = phone.page;
    if (options.slowAudioMs) await page.addInitScript(slowFirstAudioContext, options.slowAudioMs);
    await page.goto(`${base}/login`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(loginPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/dashboard/webrtc-setup`);
    await phone.locator('#password').waitFor();
    return phone;
  }

  get element() {
    return this.page.locator('sb-softphone');
  }

  locator(selector: string) {
    return this.page.locator(`sb-softphone ${selector}`);
  }

  status(): Promise<RegistrationStatus> {
    return this.element.evaluate((el) => (el as SbSoftphone).phone.registration.status);
  }

  async waitForStatus(status: RegistrationStatus, timeoutMs = 10_000): Promise<void> {
    await waitUntil(
      `softphone ${status}`,
      async () => (await this.status()) === status,
      timeoutMs,
      10,
    );
  }

  /**
   * Types the password key by key as a person does, clicks Register (a real
   * click); answers ms from the press on the button (pointerdown: work done
   * there counts too) to "Registered" on screen.
   */
  async timeRegister(password: string): Promise<number> {
    await this.locator('#password').fill('');
    await this.locator('#password').pressSequentially(password);
    const shown = this.element.evaluate(
      (el) =>
        new Promise<number>((resolve, reject) => {
          const root = el.shadowRoot as ShadowRoot;
          let clickedAt: number | undefined;
          root.addEventListener(
            'pointerdown',
            (e) => {
              if ((e.target as Element).matches('button.register')) clickedAt ??= performance.now();
            },
            { capture: true },
          );
          const observer = new MutationObserver(() => {
            if (clickedAt === undefined) return;
            if (root.querySelector('.status-text')?.textContent !== 'Registered') return;
            observer.disconnect();
            resolve(performance.now() - clickedAt);
          });
          observer.observe(root, { subtree: true, childList: true, characterData: true });
          setTimeout(() => reject(new Error('not Registered within 10 s')), 10_000);
        }),
    );
    await this.locator('button.register').click();
    return await shown;
  }

  async unregister(): Promise<void> {
    await this.locator('button.unregister').click();
    await this.waitForStatus('unregistered');
  }

  /** Starts recording, in the page, when each selector first matches (Date.now(): the test's clock too). */
  async watchFor(selectors: Record<string, string>): Promise<void> {
    await this.element.evaluate((el, selectors) => {
      const root = el.shadowRoot as ShadowRoot;
      const seen: Record<string, number> = {};
      (window as unknown as { seen: Record<string, number> }).seen = seen;
      new MutationObserver(() => {
        for (const [name, selector] of Object.entries(selectors))
          if (seen[name] === undefined && root.querySelector(selector)) seen[name] = Date.now();
      }).observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
    }, selectors);
  }

  /** Date.now() when each watched selector first matched. */
  seen(): Promise<Record<string, number | undefined>> {
    return this.page.evaluate(() => (window as unknown as { seen: Record<string, number> }).seen);
  }

  /** Waits until every named selector was seen; answers the latest of their times. */
  async seenAll(names: string[], timeoutMs = 10_000): Promise<number> {
    let at = Number.NaN;
    await waitUntil(
      `${names.join(', ')} on the page`,
      async () => {
        const seen = await this.seen();
        const times = names.map((n) => seen[n]);
        if (times.some((t) => t === undefined)) return false;
        at = Math.max(...(times as number[]));
        return true;
      },
      timeoutMs,
      10,
    );
    return at;
  }
}

/**
 * Page init script: the page's first AudioContext blocks the main thread for
 * `ms`, as on machines where the browser opens the audio output while the
 * page waits (hundreds of ms are reported; headless Chromium here takes ~50).
 */
function slowFirstAudioContext(ms: number): void {
  const Real = window.AudioContext;
  let first = true;
  window.AudioContext = class extends Real {
    constructor(options?: AudioContextOptions) {
      if (first) {
        first = false;
        const until = performance.now() + ms;
        while (performance.now() < until) {
          // busy: the main thread is held, as by a blocking device open
        }
      }
      super(options);
    }
  };
}
