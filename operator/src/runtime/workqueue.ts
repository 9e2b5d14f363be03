// A keyed work queue in the shape of client-go's: a key queued twice is
// processed once; a key is never processed concurrently with itself (added
// while running, it runs again afterwards); at most `concurrency` keys run at
// once; failures are retried with capped exponential backoff.
import { Counter, Gauge, Histogram } from 'prom-client';
import { describeError, statusCode } from '../clients/errors.ts';
import type { Logger } from '../log.ts';
import { registry } from '../metrics.ts';

export interface WorkQueueOptions {
  name: string;
  concurrency: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  logger?: Logger;
}

const depth = new Gauge({
  name: 'switchboard_workqueue_depth',
  help: 'Keys waiting to be processed.',
  labelNames: ['queue'],
  registers: [registry],
});
const adds = new Counter({
  name: 'switchboard_workqueue_adds_total',
  help: 'Keys added.',
  labelNames: ['queue'],
  registers: [registry],
});
const retries = new Counter({
  name: 'switchboard_workqueue_retries_total',
  help: 'Keys retried after an error.',
  labelNames: ['queue'],
  registers: [registry],
});
const duration = new Histogram({
  name: 'switchboard_workqueue_work_duration_seconds',
  help: 'How long processing a key takes.',
  labelNames: ['queue'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export class WorkQueue {
  readonly #o: Required<Omit<WorkQueueOptions, 'logger'>> & { logger?: Logger };
  readonly #process: (key: string) => Promise<void>;
  /** Keys ready to run, in order; a Set keeps them unique. */
  readonly #ready = new Set<string>();
  readonly #delayed = new Map<string, { due: number; timer: NodeJS.Timeout }>();
  readonly #running = new Set<string>();
  /** Keys added while running: run again when done. */
  readonly #dirty = new Set<string>();
  readonly #failures = new Map<string, number>();
  #started = false;
  #stopping = false;
  #idleWaiters: (() => void)[] = [];
  #stopWaiters: (() => void)[] = [];

  constructor(options: WorkQueueOptions, process: (key: string) => Promise<void>) {
    this.#o = { baseDelayMs: 100, maxDelayMs: 60_000, ...options };
    this.#process = process;
  }

  get length(): number {
    return this.#ready.size + this.#delayed.size;
  }

  add(key: string, delayMs = 0): void {
    if (this.#stopping) return;
    adds.inc({ queue: this.#o.name });
    if (delayMs > 0) {
      if (this.#ready.has(key)) return;
      const due = Date.now() + delayMs;
      const existing = this.#delayed.get(key);
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
    const delayed = this.#delayed.get(key);
    if (delayed) {
      clearTimeout(delayed.timer);
      this.#delayed.delete(key);
    }
    this.#makeReady(key);
  }

  start(): void {
    this.#started = true;
    this.#stopping = false;
    this.#pump();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    for (const { timer } of this.#delayed.values()) clearTimeout(timer);
    this.#delayed.clear();
    this.#ready.clear();
    this.#updateDepth();
    if (this.#running.size === 0) return;
    await new Promise<void>((resolve) => this.#stopWaiters.push(resolve));
  }

  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #makeReady(key: string): void {
    if (this.#running.has(key)) {
      this.#dirty.add(key);
      return;
    }
    this.#ready.add(key);
    this.#updateDepth();
    this.#pump();
  }

  #pump(): void {
    if (!this.#started || this.#stopping) return;
    while (this.#running.size < this.#o.concurrency) {
      const key = this.#ready.values().next().value;
      if (key === undefined) break;
      this.#ready.delete(key);
      this.#running.add(key);
      this.#updateDepth();
      void this.#run(key);
    }
    this.#checkIdle();
  }

  async #run(key: string): Promise<void> {
    const end = duration.startTimer({ queue: this.#o.name });
    try {
      await this.#process(key);
      this.#failures.delete(key);
    } catch (err) {
      const failures = (this.#failures.get(key) ?? 0) + 1;
      this.#failures.set(key, failures);
      retries.inc({ queue: this.#o.name });
      const delay = this.backoff(failures);
      // A 409 only means our cache was behind a write: routine, retried at once.
      const level = statusCode(err) === 409 ? 'debug' : 'warn';
      this.#o.logger?.[level](
        {
          queue: this.#o.name,
          key,
          failures,
          retryInMs: delay,
          err: describeError(err),
        },
        'reconcile failed',
      );
      this.#running.delete(key);
      this.#dirty.delete(key);
      end();
      this.add(key, delay);
      this.#afterRun();
      return;
    }
    end();
    this.#running.delete(key);
    if (this.#dirty.delete(key)) this.#makeReady(key);
    this.#afterRun();
  }

  /** Capped exponential backoff with up to 10% jitter. */
  backoff(failures: number): number {
    const raw = Math.min(this.#o.baseDelayMs * 2 ** (failures - 1), this.#o.maxDelayMs);
    return Math.round(raw * (1 + Math.random() * 0.1));
  }

  #afterRun(): void {
    if (this.#stopping && this.#running.size === 0) {
      for (const resolve of this.#stopWaiters.splice(0)) resolve();
    }
    this.#pump();
  }

  #isIdle(): boolean {
    return this.#ready.size === 0 && this.#delayed.size === 0 && this.#running.size === 0;
  }

  #checkIdle(): void {
    if (this.#isIdle()) for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  #updateDepth(): void {
    depth.set({ queue: this.#o.name }, this.#ready.size + this.#delayed.size);
  }
}
