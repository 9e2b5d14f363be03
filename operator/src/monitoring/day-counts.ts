// Answered/abandoned calls per queue "today" for the wallboard: counted from
// the same AMI outcomes as the Prometheus counters, and started afresh at
// midnight in the operator's time zone (TZ of its pod). Held in memory by the
// leader, so after a restart or fail-over the counts start again: `since`
// tells the page from when they count (until the history store can answer).
// Pure: the caller passes the clock.
import type { QueueOutcome } from './queue-model.ts';

export interface DayCounts {
  /** Local date the counts are for (YYYY-MM-DD). */
  readonly day: string;
  /** Epoch milliseconds counting started (midnight, or later when the operator started later). */
  readonly since: number;
  readonly answered: number;
  readonly answeredWithinServiceLevel: number;
  readonly abandoned: number;
}

interface Tally {
  answered: number;
  answeredWithinServiceLevel: number;
  abandoned: number;
}

/** The local date of `at` and the epoch milliseconds of its midnight. */
export function localDay(at: number): { key: string; start: number } {
  const d = new Date(at);
  const start = new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const key = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  return { key, start };
}

export class DayTally {
  readonly #dayOf: typeof localDay;
  #day: string;
  #since: number;
  #tallies = new Map<string, Tally>();

  constructor(startedAt: number, dayOf: typeof localDay = localDay) {
    this.#dayOf = dayOf;
    this.#day = dayOf(startedAt).key;
    this.#since = startedAt;
  }

  count(o: QueueOutcome, now: number): void {
    this.#roll(now);
    let t = this.#tallies.get(o.queue);
    if (!t) {
      t = { answered: 0, answeredWithinServiceLevel: 0, abandoned: 0 };
      this.#tallies.set(o.queue, t);
    }
    if (o.kind === 'abandoned') t.abandoned++;
    else {
      t.answered++;
      if (o.withinServiceLevel) t.answeredWithinServiceLevel++;
    }
  }

  of(queue: string, now: number): DayCounts {
    this.#roll(now);
    const t = this.#tallies.get(queue);
    return {
      day: this.#day,
      since: this.#since,
      answered: t?.answered ?? 0,
      answeredWithinServiceLevel: t?.answeredWithinServiceLevel ?? 0,
      abandoned: t?.abandoned ?? 0,
    };
  }

  #roll(now: number): void {
    const { key, start } = this.#dayOf(now);
    if (key === this.#day) return;
    this.#day = key;
    this.#since = start;
    this.#tallies = new Map();
  }
}
