// Coalesces a burst of changes into few wallboard messages: names marked
// dirty are collected and handed over together, at most once per interval.
// The first change after a quiet interval goes out at once (next tick, so
// the events of one AMI packet travel together); changes inside the interval
// wait for its end. 100 changes a second thus cost at most 1000/interval
// messages, and a lone change is not delayed. A flush that sent nothing
// (the rows were as before) does not start an interval. Pure: timers are
// passed in.

export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface Dirty {
  readonly queues: ReadonlySet<string>;
  readonly agents: ReadonlySet<string>;
  readonly calls: ReadonlySet<string>;
  /** Something besides rows changed (liveness): a message is due even with no row. */
  readonly other: boolean;
}

export const realTimers: Timers = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export class Coalescer {
  readonly #intervalMs: number;
  /** Answers false when it sent nothing. */
  readonly #flush: (dirty: Dirty) => boolean | undefined;
  readonly #timers: Timers;
  #queues = new Set<string>();
  #agents = new Set<string>();
  #calls = new Set<string>();
  #other = false;
  #timer: unknown;
  #last = Number.NEGATIVE_INFINITY;

  constructor(
    intervalMs: number,
    flush: (dirty: Dirty) => boolean | undefined,
    timers: Timers = realTimers,
  ) {
    this.#intervalMs = intervalMs;
    this.#flush = flush;
    this.#timers = timers;
  }

  mark(kind: 'queue' | 'agent' | 'call' | 'other', names: Iterable<string> = []): void {
    if (kind === 'other') this.#other = true;
    else {
      const set = kind === 'queue' ? this.#queues : kind === 'agent' ? this.#agents : this.#calls;
      for (const n of names) set.add(n);
    }
    if (this.#timer !== undefined) return;
    const wait = Math.max(0, this.#last + this.#intervalMs - this.#timers.now());
    this.#timer = this.#timers.setTimeout(() => this.#run(), wait);
  }

  /** Drops what is pending (nobody listens any more). */
  clear(): void {
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#queues = new Set();
    this.#agents = new Set();
    this.#calls = new Set();
    this.#other = false;
  }

  #run(): void {
    this.#timer = undefined;
    const now = this.#timers.now();
    const dirty: Dirty = {
      queues: this.#queues,
      agents: this.#agents,
      calls: this.#calls,
      other: this.#other,
    };
    this.#queues = new Set();
    this.#agents = new Set();
    this.#calls = new Set();
    this.#other = false;
    if (!dirty.queues.size && !dirty.agents.size && !dirty.calls.size && !dirty.other) return;
    if (this.#flush(dirty) !== false) this.#last = now;
  }
}
