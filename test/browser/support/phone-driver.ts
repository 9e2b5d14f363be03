// Reads and drives a mounted <sb-softphone>/<sb-call-dialer> from a test:
// the UI through its real controls, the state through the element's
// SipPhoneController (registration view, call view, getStats, timeline).
import type { Page } from 'playwright-core';
import type { SbCallDialer } from '../../../webui/src/dialer/sb-call-dialer.ts';
import type { AudioFlow } from '../../../webui/src/sip/media-stats.ts';
import type { RegistrationStatus } from '../../../webui/src/sip/registration-status.ts';
import type { CallView, TimelineEntry } from '../../../webui/src/sip/sip-phone-controller.ts';
import type { SbSoftphone } from '../../../webui/src/softphone/sb-softphone.ts';
import { waitUntil } from '../../support/wait.ts';
import type { Tag } from './phone-page.ts';

type PhoneElement = SbSoftphone | SbCallDialer;

/** The agent's call, the consult call of an attended transfer, or the second call (call waiting). */
export type Line = 'call' | 'consult' | 'waiting';

export class PhoneDriver {
  readonly page: Page;
  readonly tag: Tag;

  constructor(page: Page, tag: Tag = 'sb-softphone') {
    this.page = page;
    this.tag = tag;
  }

  locator(selector: string) {
    return this.page.locator(`${this.tag} ${selector}`);
  }

  async register(creds: { username: string; password: string; extension?: string }) {
    await this.locator('#username').fill(creds.username);
    await this.locator('#password').fill(creds.password);
    if (creds.extension) await this.locator('#extension').fill(creds.extension);
    await this.locator('button.register').click();
  }

  status(): Promise<RegistrationStatus> {
    return this.#eval((el) => (el as SbSoftphone).phone.registration.status);
  }

  reason(): Promise<string | undefined> {
    return this.#eval((el) => (el as SbSoftphone).phone.registration.reason);
  }

  call(): Promise<CallView | undefined> {
    return this.#eval((el) => el.phone.call);
  }

  audio(): Promise<AudioFlow> {
    return this.#eval((el) => el.phone.audioFlow());
  }

  timeline(): Promise<TimelineEntry[]> {
    return this.#eval((el) => el.phone.timeline);
  }

  now(): Promise<number> {
    return this.page.evaluate(() => performance.now());
  }

  /** A performance.now() of the page (default: now) as epoch ms: pages have their own time origins. */
  epoch(at?: number): Promise<number> {
    return this.page.evaluate((t) => performance.timeOrigin + (t ?? performance.now()), at);
  }

  /** When (epoch ms) `event` last entered the phone's timeline; fails when it never did. */
  async lastEvent(event: string): Promise<number> {
    const at = (await this.timeline()).findLast((t) => t.event === event)?.at;
    if (at === undefined) throw new Error(`${event} is not in the timeline`);
    return await this.epoch(at);
  }

  /** Why the last call ended, as the phone shows it. */
  lastReason(): Promise<string | undefined> {
    return this.#eval((el) => el.phone.lastCall?.reason);
  }

  /** The problem placing, answering or transferring a call the phone shows, if any. */
  callError(): Promise<string | undefined> {
    return this.#eval((el) => el.phone.callError);
  }

  async waitForStatus(status: RegistrationStatus, timeoutMs = 10_000): Promise<void> {
    await this.page.waitForFunction(
      ({ tag, status }) =>
        (document.querySelector(tag) as unknown as SbSoftphone | null)?.phone.registration
          .status === status,
      { tag: this.tag, status },
      { timeout: timeoutMs, polling: 10 },
    );
  }

  async waitForCall(predicate: string, timeoutMs = 10_000, line: Line = 'call'): Promise<void> {
    // predicate: a JS expression over `call` (CallView | undefined)
    await this.page.waitForFunction(
      ({ tag, predicate, line }) => {
        const phone = (document.querySelector(tag) as unknown as SbSoftphone | null)?.phone;
        const call =
          line === 'consult'
            ? phone?.consultCall
            : line === 'waiting'
              ? phone?.waitingCall
              : phone?.call;
        return new Function('call', `return (${predicate});`)(call) as boolean;
      },
      { tag: this.tag, predicate, line },
      { timeout: timeoutMs, polling: 10 },
    );
  }

  /** Waits until this side received audio packets (more than `after`); returns the count. */
  async waitForInboundAudio(after = 0, timeoutMs = 10_000): Promise<number> {
    // polled from here: page.waitForFunction treats a Promise (getStats) as truthy at once
    let received = 0;
    await waitUntil(
      `${this.tag} receiving audio (> ${after} packets)`,
      async () => {
        received = (await this.audio()).packetsReceived;
        return received > after;
      },
      timeoutMs,
      5,
    );
    return received;
  }

  /**
   * Starts recording, in the page, every registration status the element
   * shows (a 1 ms sampler); resolves once recording runs, so nothing that
   * happens after this call is missed. Read it with statusLog().
   */
  async startStatusLog(): Promise<void> {
    await this.page.evaluate((tag) => {
      const el = document.querySelector(tag) as unknown as SbSoftphone | null;
      const w = window as unknown as { statusLog?: string[]; statusLogTimer?: number };
      clearInterval(w.statusLogTimer);
      const seen: string[] = [];
      const sample = () => {
        const s = el?.phone.registration.status ?? 'none';
        if (seen.at(-1) !== s) seen.push(s);
      };
      sample();
      w.statusLog = seen;
      w.statusLogTimer = setInterval(sample, 1) as unknown as number;
    }, this.tag);
  }

  /** The statuses shown since startStatusLog(), in order, without repeats. */
  async statusLog(opts: { stop?: boolean } = {}): Promise<string[]> {
    return await this.page.evaluate((stop) => {
      const w = window as unknown as { statusLog?: string[]; statusLogTimer?: number };
      if (stop) clearInterval(w.statusLogTimer);
      return [...(w.statusLog ?? [])];
    }, opts.stop ?? false);
  }

  #eval<T>(fn: (el: PhoneElement) => T | Promise<T>): Promise<T> {
    return this.page.evaluate(
      ({ tag, body }) => {
        const el = document.querySelector(tag);
        if (!el) throw new Error(`${tag} is not on the page`);
        return new Function('el', `return (${body})(el);`)(el);
      },
      { tag: this.tag, body: fn.toString() },
    ) as Promise<T>;
  }
}
