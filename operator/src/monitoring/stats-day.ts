// The leader starts app_queue's counters afresh each day (day-counts.ts):
// at every connect and then once a minute it reads the mark it keeps in
// AstDB (when it last reset them) and Asterisk's start (CoreStatus), resets
// them with QueueReset when a new day began since, and tells the tracker
// from when they count. The mark lives in Asterisk like the counters, so a
// new leader, or the same one restarted, goes on from it. A replica that is
// not the leader (read-only AMI user) only reads the mark: it never resets.
import type { AmiClient } from '../asterisk/ami/client.ts';
import { describeError } from '../clients/errors.ts';
import type { Logger } from '../log.ts';
import { formatMark, parseMark, type StatsMark, statsDecision } from './day-counts.ts';
import type { QueueTracker } from './queue-tracker.ts';

export const STATS_FAMILY = 'switchboard';
export const STATS_KEY = 'queue-stats-since';

type Client = Pick<AmiClient, 'action' | 'list' | 'onState' | 'state'>;

/** Asterisk's start from CoreStatus (its local date and time). */
function startedAt(fields: Record<string, unknown>): number {
  const t = Date.parse(`${fields.corestartupdate}T${fields.corestartuptime}`);
  return Number.isNaN(t) ? 0 : t;
}

export class StatsDay {
  readonly #client: Client;
  readonly #tracker: Pick<QueueTracker, 'countingSince'>;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #readOnly: boolean;
  readonly #timer: NodeJS.Timeout;
  #running = false;

  constructor(
    client: Client,
    tracker: Pick<QueueTracker, 'countingSince'>,
    logger: Logger,
    options: { checkMs?: number; now?: () => number; readOnly?: boolean } = {},
  ) {
    this.#client = client;
    this.#tracker = tracker;
    this.#log = logger.child({ component: 'queue-stats-day' });
    this.#now = options.now ?? Date.now;
    this.#readOnly = options.readOnly ?? false;
    client.onState((s) => {
      if (s === 'connected') void this.check();
    });
    this.#timer = setInterval(() => void this.check(), options.checkMs ?? 60_000);
    this.#timer.unref?.();
    if (client.state === 'connected') void this.check();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** One look: reset when due, then tell the tracker. */
  async check(): Promise<void> {
    if (this.#running || this.#client.state !== 'connected') return;
    this.#running = true;
    try {
      const [mark, status] = await Promise.all([
        this.#readMark(),
        this.#client.action({ action: 'CoreStatus' }),
      ]);
      const d = statsDecision(mark, startedAt(status.fields), this.#now());
      if (this.#readOnly) {
        // the leader resets and marks; until it has, they count from the mark
        this.#tracker.countingSince(Math.max(mark?.since ?? 0, startedAt(status.fields)), false);
        return;
      }
      if (d.reset) {
        await this.#client.action({ action: 'QueueReset' });
        this.#log.info(
          { since: new Date(d.since).toISOString() },
          'queue counters reset for the new day',
        );
      }
      if (d.write)
        await this.#client.action({
          action: 'DBPut',
          family: STATS_FAMILY,
          key: STATS_KEY,
          val: formatMark(d.write),
        });
      this.#tracker.countingSince(d.since, d.reset);
    } catch (err) {
      this.#log.warn({ err: describeError(err) }, 'checking the day of the queue counters failed');
    } finally {
      this.#running = false;
    }
  }

  async #readMark(): Promise<StatsMark | undefined> {
    try {
      const items = await this.#client.list(
        { action: 'DBGet', family: STATS_FAMILY, key: STATS_KEY },
        'DBGetResponse',
        'DBGetComplete',
      );
      const val = items[0]?.val;
      return parseMark(Array.isArray(val) ? val[0] : val);
    } catch (err) {
      if (/not found/i.test(describeError(err))) return undefined;
      throw err;
    }
  }
}
