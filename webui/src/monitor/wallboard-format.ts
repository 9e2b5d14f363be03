// What the wallboard shows, computed from its state and the (server-
// corrected) clock: durations, an agent's activity now (a wrap-up ends by
// time alone, no message marks it), per-queue agent counts, service level.
// Pure: the components render it, once a second for the ticking parts.
import type {
  AgentActivity,
  DayCounts,
  WallboardAgent,
  WallboardCall,
  WallboardQueue,
} from './wallboard-types.ts';

/** Elapsed time as m:ss, or h:mm:ss from an hour on (negative counts as 0). */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** The agent's activity at `now` (server clock) and since when. */
export function activityNow(
  a: WallboardAgent,
  now: number,
): { activity: AgentActivity; since?: number } {
  if (a.activity === 'wrap-up' && a.wrapUpUntil !== undefined && a.wrapUpUntil <= now)
    return { activity: a.presence === 'paused' ? 'paused' : 'available', since: a.wrapUpUntil };
  return { activity: a.activity, ...(a.since !== undefined ? { since: a.since } : {}) };
}

const LABELS: Record<AgentActivity, string> = {
  available: 'Free',
  'on-call': 'On a call',
  'wrap-up': 'Wrap-up',
  paused: 'Paused',
  'signed-out': 'Signed out',
};

/** "Free", "On a call", "Wrap-up", "Paused: lunch", "Signed out". */
export function activityLabel(activity: AgentActivity, pauseReason?: string): string {
  return activity === 'paused' && pauseReason ? `Paused: ${pauseReason}` : LABELS[activity];
}

/** Time in the activity, ticking ("—" when the operator does not know its start). */
export function timeInState(since: number | undefined, now: number): string {
  return since === undefined ? '—' : formatDuration(now - since);
}

export type AgentCounts = Record<AgentActivity, number>;

/**
 * Agents of a queue by what they do now: those who may serve it; one who may
 * but is not in it now counts as signed out of it.
 */
export function queueAgentCounts(
  queue: string,
  agents: Iterable<WallboardAgent>,
  now: number,
): AgentCounts {
  const counts: AgentCounts = {
    available: 0,
    'on-call': 0,
    'wrap-up': 0,
    paused: 0,
    'signed-out': 0,
  };
  for (const a of agents) {
    const inQueue = a.queues.includes(queue);
    if (!inQueue && !a.eligibleQueues.includes(queue)) continue;
    const { activity } = activityNow(a, now);
    counts[inQueue || activity === 'on-call' ? activity : 'signed-out']++;
  }
  return counts;
}

/** Milliseconds the first caller has waited (0: nobody waits). */
export function longestWaitMs(q: WallboardQueue, now: number): number {
  let first = Number.POSITIVE_INFINITY;
  for (const c of q.waiting) first = Math.min(first, c.joinedAt);
  return Number.isFinite(first) ? Math.max(0, now - first) : 0;
}

/**
 * Service level as app_queue's `queue show` counts it: calls answered within
 * the queue's service level out of all answered; "—" before the first answer
 * or when the queue has none.
 */
export function serviceLevelText(c: DayCounts, serviceLevelSeconds: number): string {
  if (serviceLevelSeconds <= 0) return 'not set';
  if (c.answered === 0) return `— (within ${serviceLevelSeconds} s)`;
  const pct = Math.round((100 * c.answeredWithinServiceLevel) / c.answered);
  return `${pct}% within ${serviceLevelSeconds} s`;
}

/** The local time of day counting started, to say "today since 08:12" when not from midnight. */
export function countedSinceText(c: DayCounts, offsetMs: number): string {
  const at = new Date(c.since - offsetMs);
  const midnight = at.getHours() === 0 && at.getMinutes() === 0;
  if (midnight) return 'today';
  return `today since ${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
}

/** How a waiting caller is named: name and number, either, or the channel. */
export function callerText(c: {
  callerName: string;
  callerNumber: string;
  channel: string;
}): string {
  if (c.callerName && c.callerNumber) return `${c.callerName} (${c.callerNumber})`;
  return c.callerName || c.callerNumber || c.channel;
}

const CALL_STATES: Record<WallboardCall['state'], string> = {
  ringing: 'Ringing',
  queued: 'In queue',
  talking: 'Talking',
  up: 'Connected',
};

/** How a call's state reads in the calls list. */
export function callStateLabel(state: WallboardCall['state']): string {
  return CALL_STATES[state] ?? state;
}

/** How an agent's registration reads in the agent list. */
export function registrationText(registered: boolean): string {
  return registered ? 'registered' : 'not registered';
}
