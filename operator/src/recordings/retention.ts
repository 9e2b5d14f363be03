// Retention: the leader deletes recordings past their retention (the queue's
// retentionDays when the call was recorded, counted from the call's start):
// the file first, then the call record's link to it, so a crash in between
// leaves a row pointing at a missing file (listed as missing, removed again
// on the next run), never an orphan file nobody can find. Runs when the
// replica becomes leader and then every intervalMs (a day by default).
import type { Logger } from '../log.ts';
import type { RecordingCatalog } from './catalog.ts';

export const RETENTION_INTERVAL_MS = 24 * 60 * 60 * 1000;
const BATCH = 500;

/** One pass; returns the ids it deleted. */
export async function deleteExpiredRecordings(
  catalog: RecordingCatalog,
  now: Date,
  logger: Logger,
): Promise<string[]> {
  const deleted: string[] = [];
  for (;;) {
    const batch = await catalog.expired(now, BATCH);
    for (const id of batch) {
      await catalog.remove(id);
      deleted.push(id);
    }
    if (batch.length < BATCH) break;
  }
  if (deleted.length) logger.info({ count: deleted.length }, 'expired recordings deleted');
  return deleted;
}

export class RecordingRetention {
  #timer: NodeJS.Timeout | undefined;
  readonly #catalog: RecordingCatalog;
  readonly #logger: Logger;
  readonly #intervalMs: number;

  constructor(catalog: RecordingCatalog, logger: Logger, intervalMs = RETENTION_INTERVAL_MS) {
    this.#catalog = catalog;
    this.#logger = logger.child({ component: 'recording-retention' });
    this.#intervalMs = intervalMs;
  }

  start(): void {
    if (this.#timer) return;
    const run = async () => {
      try {
        await deleteExpiredRecordings(this.#catalog, new Date(), this.#logger);
      } catch (err) {
        // The database may be down: the next run catches up.
        this.#logger.warn({ err: (err as Error).message }, 'recording retention run failed');
      }
      this.#timer = setTimeout(() => void run(), this.#intervalMs).unref();
    };
    this.#timer = setTimeout(() => void run(), 0).unref();
  }

  stop(): void {
    clearTimeout(this.#timer);
  }
}
