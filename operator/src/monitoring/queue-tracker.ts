// Keeps one namespace's QueueModel and CallsModel current: QueueStatus and
// CoreShowChannels after every connect (QueueStatus again after every
// app_queue reload: queues and their service levels may have changed),
// events in between; events that arrive during a read are applied after it.
// A read Asterisk refuses while it boots is tried again.
// Every change is announced (onQueueChange) for the wallboard's event stream,
// with the queues and calls it touched.
import type { RawMessage } from 'asterisk-manager';
import type { AmiClient, AmiState } from '../asterisk/ami/client.ts';
import type { AmiEvent } from '../asterisk/ami/messages.ts';
import { describeError } from '../clients/errors.ts';
import type { Logger } from '../log.ts';
import { CallsModel } from './calls-model.ts';
import { QueueModel, type QueueOutcome } from './queue-model.ts';

type Client = Pick<AmiClient, 'list' | 'onEvent' | 'onState' | 'state'>;

const QUEUE_EVENTS = new Set([
  'QueueCallerJoin',
  'QueueCallerLeave',
  'QueueCallerAbandon',
  'AgentConnect',
  'AgentComplete',
]);
const CALL_EVENTS = new Set([
  'Newchannel',
  'Newstate',
  'BridgeEnter',
  'BridgeLeave',
  'Hangup',
  'QueueCallerJoin',
]);

type ChangeListener = (
  tracker: QueueTracker,
  queues: readonly string[],
  calls: readonly string[],
) => void;
/**
 * Module-wide: the trackers are made per AMI connection (asterisk/connections.ts)
 * and replaced with it, while the API finds the current one by namespace; a
 * listener here hears every tracker and keeps to the one it serves.
 */
const changeListeners = new Set<ChangeListener>();

/** Calls `cb` with the queues and calls (Linkedids) that changed, or whose liveness did; answers the unsubscribe. */
export function onQueueChange(cb: ChangeListener): () => void {
  changeListeners.add(cb);
  return () => changeListeners.delete(cb);
}

export class QueueTracker {
  readonly model = new QueueModel();
  readonly calls = new CallsModel();
  /** Epoch ms app_queue's counters count from (stats-day.ts tells; until then, this tracker's start). */
  #countsSince: number;
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
    this.#countsSince = now();
    client.onEvent((e) => this.#onEvent(e));
    client.onState((s) => this.#onState(s));
    if (client.state === 'connected') void this.#resync();
  }

  /** The model reflects Asterisk (read since the last connect). */
  get synced(): boolean {
    return this.#synced;
  }

  get countsSince(): number {
    return this.#countsSince;
  }

  /** app_queue's counters count from `since`; `reread`: they were just reset, read them again. */
  countingSince(since: number, reread: boolean): void {
    this.#countsSince = since;
    if (reread) void this.#resync();
    else this.#changed(this.#names(), []);
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
      this.#changed(this.#names(), this.#callIds());
    } else this.#generation++;
  }

  #names(): string[] {
    return this.model.queues().map((q) => q.name);
  }

  #callIds(): string[] {
    return this.calls.calls().map((c) => c.id);
  }

  #changed(queues: readonly string[], calls: readonly string[]): void {
    if (queues.length === 0 && calls.length === 0) return;
    for (const cb of [...changeListeners]) cb(this, queues, calls);
  }

  #onEvent(e: AmiEvent): void {
    if (e.event === 'Reload' && 'module' in e && /app_queue/.test(e.module)) {
      void this.#resync();
      return;
    }
    if (!('fields' in e) || !(QUEUE_EVENTS.has(e.event) || CALL_EVENTS.has(e.event))) return;
    const item = { event: e.event, fields: e.fields, at: this.#now() };
    if (this.#buffer) this.#buffer.push(item);
    else this.#apply(item);
  }

  #apply(item: { event: string; fields: RawMessage; at: number }): void {
    const calls = CALL_EVENTS.has(item.event)
      ? this.calls.apply(item.event, item.fields, item.at)
      : [];
    if (!QUEUE_EVENTS.has(item.event)) {
      this.#changed([], calls);
      return;
    }
    const outcome = this.model.apply(item.event, item.fields, item.at);
    if (outcome) this.#onOutcome(outcome);
    const field = item.fields.queue;
    const queue = Array.isArray(field) ? field[0] : field;
    this.#changed(queue ? [queue] : [], calls);
  }

  async #resync(attempt = 1): Promise<void> {
    const generation = ++this.#generation;
    clearTimeout(this.#retry);
    const buffer: { event: string; fields: RawMessage; at: number }[] = [];
    this.#buffer = buffer;
    try {
      const [items, channels] = await Promise.all([
        this.#client.list(
          { action: 'QueueStatus' },
          ['QueueParams', 'QueueEntry'],
          'QueueStatusComplete',
        ),
        this.#client.list(
          { action: 'CoreShowChannels' },
          'CoreShowChannel',
          'CoreShowChannelsComplete',
        ),
      ]);
      if (generation !== this.#generation) return;
      const before = this.#names();
      const callsBefore = this.#callIds();
      this.model.reset(items, this.#now());
      this.calls.reset(channels, this.#now());
      this.#synced = true;
      this.#changed(
        [...new Set([...before, ...this.#names()])],
        [...new Set([...callsBefore, ...this.#callIds()])],
      );
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
