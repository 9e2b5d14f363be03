// Keeps one namespace's QueueModel current: QueueStatus after every connect
// and after every app_queue reload (queues and their service levels may have
// changed), events in between; events that arrive during a read are applied
// after it. A read Asterisk refuses while it boots is tried again.
// Every change is announced (onQueueChange) for the wallboard's event stream,
// with the queues it touched, and answered/abandoned calls are tallied per
// day for it (day-counts.ts).
import type { RawMessage } from 'asterisk-manager';
import type { AmiClient, AmiState } from '../asterisk/ami/client.ts';
import type { AmiEvent } from '../asterisk/ami/messages.ts';
import { describeError } from '../clients/errors.ts';
import type { Logger } from '../log.ts';
import { DayTally } from './day-counts.ts';
import { QueueModel, type QueueOutcome } from './queue-model.ts';

type Client = Pick<AmiClient, 'list' | 'onEvent' | 'onState' | 'state'>;

const QUEUE_EVENTS = new Set([
  'QueueCallerJoin',
  'QueueCallerLeave',
  'QueueCallerAbandon',
  'AgentConnect',
]);

type ChangeListener = (tracker: QueueTracker, queues: readonly string[]) => void;
/**
 * Module-wide: the trackers are made per AMI connection (asterisk/connections.ts)
 * and replaced with it, while the API finds the current one by namespace; a
 * listener here hears every tracker and keeps to the one it serves.
 */
const changeListeners = new Set<ChangeListener>();

/** Calls `cb` with the queues whose waiting callers, counts or liveness changed; answers the unsubscribe. */
export function onQueueChange(cb: ChangeListener): () => void {
  changeListeners.add(cb);
  return () => changeListeners.delete(cb);
}

export class QueueTracker {
  readonly model = new QueueModel();
  /** Answered/abandoned per queue today (since this tracker started, at most). */
  readonly today: DayTally;
  readonly #client: Client;
  readonly #log: Logger;
  readonly #onOutcome: (o: QueueOutcome) => void;
  readonly #now: () => number;
  #buffer: { event: string; fields: RawMessage; at: number }[] | undefined;
  #generation = 0;
  #synced = false;
  #retry: NodeJS.Timeout | undefined;

  constructor(
    client: Client,
    logger: Logger,
    onOutcome: (o: QueueOutcome) => void,
    now: () => number = Date.now,
  ) {
    this.#client = client;
    this.#log = logger.child({ component: 'queue-tracker' });
    this.#onOutcome = onOutcome;
    this.#now = now;
    this.today = new DayTally(now());
    client.onEvent((e) => this.#onEvent(e));
    client.onState((s) => this.#onState(s));
    if (client.state === 'connected') void this.#resync();
  }

  /** The model reflects Asterisk (read since the last connect). */
  get synced(): boolean {
    return this.#synced;
  }

  close(): void {
    this.#generation++;
    clearTimeout(this.#retry);
  }

  #onState(state: AmiState): void {
    if (state === 'connected') void this.#resync();
    else if (this.#synced) {
      this.#generation++;
      this.#synced = false;
      this.#changed(this.#names());
    } else this.#generation++;
  }

  #names(): string[] {
    return this.model.queues().map((q) => q.name);
  }

  #changed(queues: readonly string[]): void {
    if (queues.length === 0) return;
    for (const cb of [...changeListeners]) cb(this, queues);
  }

  #onEvent(e: AmiEvent): void {
    if (e.event === 'Reload' && 'module' in e && /app_queue/.test(e.module)) {
      void this.#resync();
      return;
    }
    if (!('fields' in e) || !QUEUE_EVENTS.has(e.event)) return;
    const item = { event: e.event, fields: e.fields, at: this.#now() };
    if (this.#buffer) this.#buffer.push(item);
    else this.#apply(item);
  }

  #apply(item: { event: string; fields: RawMessage; at: number }): void {
    const outcome = this.model.apply(item.event, item.fields, item.at);
    if (outcome) {
      this.today.count(outcome, item.at);
      this.#onOutcome(outcome);
    }
    const field = item.fields.queue;
    const queue = Array.isArray(field) ? field[0] : field;
    if (queue) this.#changed([queue]);
  }

  async #resync(attempt = 1): Promise<void> {
    const generation = ++this.#generation;
    clearTimeout(this.#retry);
    const buffer: { event: string; fields: RawMessage; at: number }[] = [];
    this.#buffer = buffer;
    try {
      const items = await this.#client.list(
        { action: 'QueueStatus' },
        ['QueueParams', 'QueueEntry'],
        'QueueStatusComplete',
      );
      if (generation !== this.#generation) return;
      const before = this.#names();
      this.model.reset(items, this.#now());
      this.#synced = true;
      this.#changed([...new Set([...before, ...this.#names()])]);
    } catch (err) {
      if (generation !== this.#generation) return;
      this.#log.warn({ err: describeError(err), attempt }, 'reading the queues failed');
      if (this.#client.state === 'connected') {
        this.#retry = setTimeout(
          () => void this.#resync(attempt + 1),
          Math.min(250 * attempt, 2_000),
        );
        this.#retry.unref?.();
      }
    } finally {
      if (this.#buffer === buffer) {
        this.#buffer = undefined;
        // Joins and leaves during the read: a join the snapshot has is simply set again.
        for (const item of buffer) this.#apply(item);
      }
    }
  }
}
