// A keyed work queue in the shape of client-go's: a key queued twice is
// processed once; a key is never processed concurrently with itself (added
// while it runs, it runs once more afterwards); at most `concurrency` keys run
// at once; a failed key is retried with capped exponential backoff and its
// failure count is forgotten after a success.
import { describeError, statusCode } from '../clients/errors.ts';
import type { Logger } from '../log.ts';
import { backoffDelay } from './backoff.ts';
import { counter, gauge, histogram } from './metric.ts';

export interface WorkQueueOptions {
  name: string;
  concurrency: number;
  /** First retry delay (default 100 ms); doubles with every further failure. */
  baseDelayMs?: number;
  /** Cap of the retry delay (default 60 s). */
  maxDelayMs?: number;
  logger?: Logger;
}

// Module level and labelled by queue: any number of queues share one metric each.
const depth = gauge({
  name: 'switchboard_workqueue_depth',
  help: 'Keys waiting to be processed (ready or delayed), not counting those being processed.',
  labelNames: ['queue'],
});
const adds = counter({
  name: 'switchboard_workqueue_adds_total',
  help: 'Keys added to the queue.',
  labelNames: ['queue'],
});
const retries = counter({
  name: 'switchboard_workqueue_retries_total',
  help: 'Keys scheduled for a retry after processing failed.',
  labelNames: ['queue'],
});
const duration = histogram({
  name: 'switchboard_workqueue_work_duration_seconds',
  help: 'How long processing one key takes.',
  labelNames: ['queue'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
});

export class WorkQueue {
  readonly #name: string;
  readonly #concurrency: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #logger: Logger | undefined;
  readonly #process: (key: string) => Promise<void>;

  /** Keys ready to run, oldest first (a Set keeps insertion order and uniqueness). */
  readonly #ready = new Set<string>();
  /** Keys due later; a key here is in no other collection but #processing. */
  readonly #delayed = new Map<string, { due: number; timer: NodeJS.Timeout }>();
  readonly #processing = new Set<string>();
  /** Keys added while being processed: ready again as soon as they finish. */
  readonly #dirty = new Set<string>();
  readonly #failures = new Map<string, number>();
  #started = false;
  #stopping = false;
  #idleWaiters: (() => void)[] = [];
  #drainWaiters: (() => void)[] = [];

  constructor(options: WorkQueueOptions, process: (key: string) => Promise<void>) {
    if (!(options.concurrency >= 1))
      throw new Error(`work queue ${options.name}: concurrency must be >= 1`);
    this.#name = options.name;
    this.#concurrency = Math.floor(options.concurrency);
    this.#baseDelayMs = options.baseDelayMs ?? 100;
    this.#maxDelayMs = options.maxDelayMs ?? 60_000;
    this.#logger = options.logger;
    this.#process = process;
    depth.set({ queue: this.#name }, 0);
  }

  /** Keys waiting to be processed (ready, delayed, or re-added while processing). */
  get length(): number {
    return this.#ready.size + this.#delayed.size + this.#dirty.size;
  }

  /**
   * Queues `key`, at once or after `delayMs`. Already queued, it keeps the earlier
   * due time; being processed, it runs again once the current run ends.
   */
  add(key: string, delayMs = 0): void {
    if (this.#stopping) return;
    adds.inc({ queue: this.#name });
    this.#schedule(key, delayMs);
  }

  start(): void {
    this.#started = true;
    this.#stopping = false;
    this.#pump();
  }

  /** Stops taking keys (queued and delayed ones are dropped) and waits for the running ones. */
  async stop(): Promise<void> {
    this.#stopping = true;
    for (const { timer } of this.#delayed.values()) clearTimeout(timer);
    this.#delayed.clear();
    this.#ready.clear();
    this.#dirty.clear();
    this.#updateDepth();
    this.#settle();
    if (this.#processing.size > 0) {
      await new Promise<void>((resolve) => this.#drainWaiters.push(resolve));
    }
  }

  /** Resolves when nothing is queued, delayed or being processed. */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** The retry delay after `failures` consecutive failures of one key. */
  backoff(failures: number): number {
    return backoffDelay(failures, this.#baseDelayMs, this.#maxDelayMs);
  }

  #schedule(key: string, delayMs: number): void {
    if (this.#ready.has(key) || this.#dirty.has(key)) return; // due now already: earliest wins
    const existing = this.#delayed.get(key);
    if (delayMs > 0) {
      const due = performance.now() + delayMs; // monotonic: wall-clock jumps do not reorder keys
      if (existing && existing.due <= due) return;
      if (existing) clearTimeout(existing.timer);
      const timer = setTimeout(() => {
        this.#delayed.delete(key);
        this.#makeReady(key);
      }, delayMs);
      this.#delayed.set(key, { due, timer });
      this.#updateDepth();
      return;
    }
    if (existing) {
      clearTimeout(existing.timer);
      this.#delayed.delete(key);
    }
    this.#makeReady(key);
  }

  #makeReady(key: string): void {
    if (this.#processing.has(key)) this.#dirty.add(key);
    else this.#ready.add(key);
    this.#updateDepth();
    this.#pump();
  }

  #pump(): void {
    if (this.#started && !this.#stopping) {
      while (this.#processing.size < this.#concurrency) {
        const key = this.#ready.values().next().value;
        if (key === undefined) break;
        this.#ready.delete(key);
        this.#processing.add(key);
        void this.#run(key);
      }
      this.#updateDepth();
    }
    this.#settle();
  }

  async #run(key: string): Promise<void> {
    const end = duration.startTimer({ queue: this.#name });
    let failure: { err: unknown } | undefined;
    try {
      await this.#process(key);
    } catch (err) {
      failure = { err };
    }
    end();
    this.#processing.delete(key);
    // Added while running: new information, so it runs again at once, even after a
    // failure (the failure count stands: the next failure still backs off further).
    const rerun = this.#dirty.delete(key) && !this.#stopping;
    if (!failure) {
      this.#failures.delete(key);
      if (rerun) this.#schedule(key, 0);
    } else {
      const failures = (this.#failures.get(key) ?? 0) + 1;
      this.#failures.set(key, failures);
      const delay = rerun ? 0 : this.backoff(failures);
      this.#logFailure(key, failure.err, failures, delay);
      if (!this.#stopping) {
        retries.inc({ queue: this.#name });
        this.#schedule(key, delay);
      }
    }
    this.#pump();
  }

  #logFailure(key: string, err: unknown, failures: number, retryInMs: number): void {
    // The key and the error's message only: never the object being processed.
    // A 409 only means the cache was behind a write: routine, so debug.
    const code = statusCode(err);
    this.#logger?.[code === 409 ? 'debug' : 'warn'](
      {
        queue: this.#name,
        key,
        failures,
        retryInMs,
        err: describeError(err),
        // A programming error (not an API status) is found by its stack.
        ...(code === undefined && err instanceof Error ? { stack: err.stack } : {}),
      },
      'processing failed; will retry',
    );
  }

  #isIdle(): boolean {
    return (
      this.#ready.size === 0 &&
      this.#delayed.size === 0 &&
      this.#dirty.size === 0 &&
      this.#processing.size === 0
    );
  }

  /** Wakes idle() and stop() waiters whose condition now holds. */
  #settle(): void {
    if (this.#processing.size === 0) {
      for (const resolve of this.#drainWaiters.splice(0)) resolve();
    }
    if (this.#isIdle()) {
      for (const resolve of this.#idleWaiters.splice(0)) resolve();
    }
  }

  #updateDepth(): void {
    depth.set({ queue: this.#name }, this.length);
  }
}
