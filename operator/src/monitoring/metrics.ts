// Queues in Prometheus: callers waiting and the longest wait per queue
// (computed when scraped), calls answered (and within the service level) and
// abandoned (counted from AMI events). Labels: namespace and queue only.
import { counter, gauge } from '../kube/metric.ts';
import { longestWaitSeconds, type QueueLive, type QueueOutcome } from './queue-model.ts';

export interface QueueSource {
  readonly namespace: string;
  synced(): boolean;
  queues(): readonly QueueLive[];
}

const sources = new Set<QueueSource>();

gauge({
  name: 'switchboard_queue_callers_waiting',
  help: 'Callers waiting in each queue now.',
  labelNames: ['namespace', 'queue'],
  collect() {
    this.reset();
    for (const s of sources)
      if (s.synced())
        for (const q of s.queues())
          this.set({ namespace: s.namespace, queue: q.name }, q.waiting.length);
  },
});

gauge({
  name: 'switchboard_queue_longest_wait_seconds',
  help: 'How long the longest-waiting caller of each queue has waited (0: nobody waits).',
  labelNames: ['namespace', 'queue'],
  collect() {
    this.reset();
    const now = Date.now();
    for (const s of sources)
      if (s.synced())
        for (const q of s.queues())
          this.set({ namespace: s.namespace, queue: q.name }, longestWaitSeconds(q, now));
  },
});

const answered = counter({
  name: 'switchboard_queue_calls_answered_total',
  help: 'Queue calls an agent answered.',
  labelNames: ['namespace', 'queue'],
});
const answeredInTime = counter({
  name: 'switchboard_queue_calls_answered_within_service_level_total',
  help: "Queue calls answered within the queue's service level.",
  labelNames: ['namespace', 'queue'],
});
const abandoned = counter({
  name: 'switchboard_queue_calls_abandoned_total',
  help: 'Queue calls the caller hung up before an agent answered.',
  labelNames: ['namespace', 'queue'],
});

export function countOutcome(namespace: string, o: QueueOutcome): void {
  const labels = { namespace, queue: o.queue };
  if (o.kind === 'abandoned') abandoned.inc(labels);
  else {
    answered.inc(labels);
    if (o.withinServiceLevel) answeredInTime.inc(labels);
  }
}

/** Registers a namespace's queues for scrapes; returns the unregister. */
export function reportQueues(source: QueueSource): () => void {
  sources.add(source);
  return () => sources.delete(source);
}
