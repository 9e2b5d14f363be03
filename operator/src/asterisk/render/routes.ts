// Which number reaches which queue, and what happens after the queue. The
// hotline number reaches the hotline queue unless a CallQueue claims it
// (explicit beats implicit); between CallQueues the operator already removed
// conflicts, and here the first queue in name order wins so output stays stable.
import type { QueueOverflow, QueueRecording, WebRTCConfigSpec } from '../../crds/types.ts';
import type { RenderQueue } from './types.ts';

/** How long a caller may wait in a queue that has no CallQueue (seconds). */
export const QUEUE_MAX_WAIT_SECONDS = 600;

export interface QueueRoute {
  readonly number: string;
  readonly queue: string;
  readonly maxWaitSeconds: number;
  /** Where the caller goes after Queue() returns (see dialplan.ts). */
  readonly overflow: QueueOverflow;
  /** The queue's call recording (absent: off unless the answering agent records). */
  readonly recording?: QueueRecording;
}

/** What a number routed to `queue` does (trunks.ts routes carriers' numbers the same way). */
export function queueTarget(
  queue: string,
  queues: readonly RenderQueue[],
): Omit<QueueRoute, 'number'> {
  const q = queues.find((x) => x.name === queue);
  return {
    queue,
    maxWaitSeconds: q?.settings.maxWaitSeconds ?? QUEUE_MAX_WAIT_SECONDS,
    overflow: q?.settings.overflow ?? {},
    ...(q?.settings.recording ? { recording: q.settings.recording } : {}),
  };
}

export function byName(queues: readonly RenderQueue[]): RenderQueue[] {
  return [...queues].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Every routed number, sorted by number. */
export function queueRoutes(
  config: Pick<WebRTCConfigSpec, 'hotline'>,
  queues: readonly RenderQueue[],
): QueueRoute[] {
  const owner = new Map<string, string>();
  for (const q of byName(queues))
    for (const n of q.numbers) if (!owner.has(n)) owner.set(n, q.name);
  if (!owner.has(config.hotline.number)) owner.set(config.hotline.number, config.hotline.queue);
  return [...owner.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([number, queue]) => ({ number, ...queueTarget(queue, queues) }));
}
