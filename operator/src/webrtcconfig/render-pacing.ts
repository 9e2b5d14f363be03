// Paces a namespace's renders by their own cost. A render reads every agent,
// rewrites the shards that changed and gets each write echoed back by the
// watch, so at 10,000 agents one takes a second or more; rendered back to back
// during a burst they would starve the SipAgent reconciles of the one thread
// (and the API server of CPU). After a render that took T, the next waits until
// `factor` x T has passed since it ended: renders then use at most
// 1 / (1 + factor) of the time, and a small namespace (T of a few ms) is not slowed.

export interface RenderPacingOptions {
  /** Idle time after a render, as a multiple of how long it took (default 3). */
  readonly factor?: number;
  /** Cap of that idle time (default 10 s), so a slow render never parks config changes for long. */
  readonly maxWaitMs?: number;
}

interface LastRender {
  readonly endedAt: number;
  readonly tookMs: number;
}

export class RenderPacing {
  readonly #factor: number;
  readonly #maxWaitMs: number;
  readonly #last = new Map<string, LastRender>();

  constructor(options: RenderPacingOptions = {}) {
    this.#factor = options.factor ?? 3;
    this.#maxWaitMs = options.maxWaitMs ?? 10_000;
  }

  /** How long a render of `namespace` asked for at `now` should still wait (0: go). */
  waitMs(namespace: string, now: number): number {
    const last = this.#last.get(namespace);
    if (!last) return 0;
    const idle = Math.min(this.#maxWaitMs, this.#factor * last.tookMs);
    return Math.max(0, Math.ceil(last.endedAt + idle - now));
  }

  /** Records a render of `namespace` that ran from `startedAt` to `endedAt` (monotonic ms). */
  record(namespace: string, startedAt: number, endedAt: number): void {
    this.#last.set(namespace, { endedAt, tookMs: Math.max(0, endedAt - startedAt) });
  }

  forget(namespace: string): void {
    this.#last.delete(namespace);
  }
}
