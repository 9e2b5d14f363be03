// The live picture of a namespace's queues: who waits where, since when,
// and what happened to each caller (answered, within the service level or
// not, abandoned). Built from QueueStatus at connect (QueueParams and
// QueueEntry items), then kept by app_queue's events. Pure: the caller passes
// the clock.
import type { RawMessage } from 'asterisk-manager';

export interface WaitingCaller {
  readonly uniqueid: string;
  readonly channel: string;
  readonly position: number;
  /** Epoch milliseconds the caller joined (from QueueEntry's Wait at a snapshot). */
  readonly joinedAt: number;
  readonly callerNumber: string;
  readonly callerName: string;
}

/**
 * app_queue's own counters of a queue (QueueParams Completed, Abandoned,
 * ServicelevelPerf), kept by AgentComplete and QueueCallerAbandon in
 * between: they live in Asterisk, so an operator restart or a fail-over
 * reads them back (they count since the last QueueReset or Asterisk start).
 */
export interface QueueCounts {
  /** Calls an agent answered and that have ended (app_queue's "Completed"). */
  readonly answered: number;
  /** Of those, answered within the service level. */
  readonly answeredWithinServiceLevel: number;
  readonly abandoned: number;
}

export interface QueueLive {
  readonly name: string;
  /** app_queue's servicelevel (seconds; 0: none). */
  readonly serviceLevelSeconds: number;
  readonly counts: QueueCounts;
  /** Waiting callers in queue order. */
  readonly waiting: readonly WaitingCaller[];
}

/** What one event meant for the counters (the tracker counts them). */
export type QueueOutcome =
  | {
      readonly kind: 'answered';
      readonly queue: string;
      readonly holdSeconds: number;
      readonly withinServiceLevel: boolean;
    }
  | { readonly kind: 'abandoned'; readonly queue: string; readonly holdSeconds: number };

const str = (m: RawMessage, key: string): string => {
  const v = m[key];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
};
const num = (m: RawMessage, key: string): number => Number(str(m, key)) || 0;
const known = (v: string) => (v === '<unknown>' || v === 'unknown' ? '' : v);

interface MutableQueue {
  serviceLevelSeconds: number;
  waiting: Map<string, WaitingCaller>;
  counts: { answered: number; answeredWithinServiceLevel: number; abandoned: number };
}

const emptyQueue = (): MutableQueue => ({
  serviceLevelSeconds: 0,
  waiting: new Map(),
  counts: { answered: 0, answeredWithinServiceLevel: 0, abandoned: 0 },
});

export class QueueModel {
  #queues = new Map<string, MutableQueue>();

  /** Replaces everything with a QueueStatus answer (QueueParams, QueueEntry items). */
  reset(items: readonly RawMessage[], now: number): void {
    const queues = new Map<string, MutableQueue>();
    const queueOf = (name: string) => {
      let q = queues.get(name);
      if (!q) {
        q = emptyQueue();
        queues.set(name, q);
      }
      return q;
    };
    for (const m of items) {
      const event = str(m, 'event');
      const q = queueOf(str(m, 'queue'));
      if (event === 'QueueParams') {
        q.serviceLevelSeconds = num(m, 'servicelevel');
        const completed = num(m, 'completed');
        q.counts = {
          answered: completed,
          // app_queue gives the share with one decimal: exact up to 1,000 calls
          answeredWithinServiceLevel: Math.round((num(m, 'servicelevelperf') * completed) / 100),
          abandoned: num(m, 'abandoned'),
        };
      } else if (event === 'QueueEntry')
        q.waiting.set(str(m, 'uniqueid'), {
          uniqueid: str(m, 'uniqueid'),
          channel: str(m, 'channel'),
          position: num(m, 'position'),
          joinedAt: now - num(m, 'wait') * 1000,
          callerNumber: known(str(m, 'calleridnum')),
          callerName: known(str(m, 'calleridname')),
        });
    }
    this.#queues = queues;
  }

  /** Applies one AMI event; answers what it meant for the counters, if anything. */
  apply(event: string, m: RawMessage, now: number): QueueOutcome | undefined {
    const name = str(m, 'queue');
    if (!name) return undefined;
    const q = this.#queues.get(name) ?? emptyQueue();
    const uniqueid = str(m, 'uniqueid');
    switch (event) {
      case 'QueueCallerJoin':
        this.#queues.set(name, q);
        q.waiting.set(uniqueid, {
          uniqueid,
          channel: str(m, 'channel'),
          position: num(m, 'position'),
          joinedAt: now,
          callerNumber: known(str(m, 'calleridnum')),
          callerName: known(str(m, 'calleridname')),
        });
        return undefined;
      case 'QueueCallerLeave': {
        const left = q.waiting.get(uniqueid);
        q.waiting.delete(uniqueid);
        // Those behind the caller move up one place (app_queue renumbers the same way).
        if (left)
          for (const [id, c] of q.waiting)
            if (c.position > left.position) q.waiting.set(id, { ...c, position: c.position - 1 });
        return undefined;
      }
      case 'QueueCallerAbandon':
        q.counts.abandoned++;
        return { kind: 'abandoned', queue: name, holdSeconds: num(m, 'holdtime') };
      case 'AgentConnect': {
        const hold = num(m, 'holdtime');
        return {
          kind: 'answered',
          queue: name,
          holdSeconds: hold,
          withinServiceLevel: q.serviceLevelSeconds > 0 && hold <= q.serviceLevelSeconds,
        };
      }
      case 'AgentComplete':
        // as app_queue counts it: when the call ends, within the level by its hold time
        q.counts.answered++;
        if (num(m, 'holdtime') <= q.serviceLevelSeconds) q.counts.answeredWithinServiceLevel++;
        return undefined;
      default:
        return undefined;
    }
  }

  queues(): QueueLive[] {
    return [...this.#queues]
      .map(([name, q]) => ({
        name,
        serviceLevelSeconds: q.serviceLevelSeconds,
        counts: { ...q.counts },
        waiting: [...q.waiting.values()].sort((a, b) => a.position - b.position),
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

/** Seconds the longest-waiting caller has waited (0: nobody waits). */
export function longestWaitSeconds(q: QueueLive, now: number): number {
  let first = now;
  for (const c of q.waiting) first = Math.min(first, c.joinedAt);
  return Math.max(0, Math.round((now - first) / 1000));
}
