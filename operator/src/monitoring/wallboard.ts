// What the supervisors' wallboard is sent (GET /monitor/events): one row per
// queue, one per agent and one per call in progress, built from the live queue model, the agent states
// and the SipAgents, and the time each agent entered its current activity.
// A snapshot carries every row; a change carries only the rows that changed
// (whole rows: applying one twice does no harm) and the names that are gone.
// Pure: the callers pass the clock.
import type { AgentStateView, Presence } from '../agentstate/types.ts';
import type { LiveCall } from './calls-model.ts';
import type { DayCounts } from './day-counts.ts';
import type { QueueLive } from './queue-model.ts';

/** What an agent is doing now, in the order it is judged. */
export type AgentActivity = 'on-call' | 'wrap-up' | 'paused' | 'available' | 'signed-out';

export interface WallboardAgent {
  readonly name: string;
  readonly displayName: string;
  readonly activity: AgentActivity;
  readonly presence: Presence;
  readonly pauseReason?: string;
  /** Epoch ms the agent entered `activity` (absent: before this operator knew). */
  readonly since?: number;
  /** Epoch ms the wrap-up ends (the page turns the agent free then, no message needed). */
  readonly wrapUpUntil?: number;
  /** Queues the agent is in now (signed in). */
  readonly queues: readonly string[];
  /** The agent's extension (a supervisor dials *51/*52/*53 and it). */
  readonly extension?: number;
  /** Queues the agent may serve (signed in or not): where it counts as signed out. */
  readonly eligibleQueues: readonly string[];
  /** A softphone of the agent is registered (a reachable contact in Asterisk). */
  readonly registered: boolean;
}

/** A call in progress (its Linkedid is the id). */
export interface WallboardCall {
  readonly id: string;
  readonly callerNumber: string;
  readonly callerName: string;
  readonly queue: string;
  /** The SipAgent on it (name), or "" when none or not one of ours. */
  readonly agent: string;
  readonly state: LiveCall['state'];
  /** Epoch ms the call began (the page ticks the duration from it). */
  readonly startedAt: number;
}

export interface WallboardCaller {
  readonly uniqueid: string;
  readonly channel: string;
  readonly position: number;
  /** Epoch ms the caller joined (the page ticks the wait from it). */
  readonly joinedAt: number;
  readonly callerNumber: string;
  readonly callerName: string;
}

export interface WallboardQueue {
  readonly name: string;
  readonly serviceLevelSeconds: number;
  readonly waiting: readonly WallboardCaller[];
  /** Answered/abandoned today, as far as the leader counted (see `since`). */
  readonly today: DayCounts;
}

export interface Liveness {
  /** The queues were read from Asterisk since its last connect. */
  readonly queues: boolean;
  /** The agents' states were read from Asterisk since its last connect. */
  readonly agents: boolean;
}

/** The calls list is bounded: a snapshot or change carries at most this many calls. */
export const MAX_WALLBOARD_CALLS = 2_000;

export interface WallboardSnapshot {
  /** The server's clock (epoch ms) when sent: the page corrects its own by it. */
  readonly now: number;
  readonly live: Liveness;
  readonly queues: readonly WallboardQueue[];
  readonly agents: readonly WallboardAgent[];
  /** Calls in progress, oldest first (at most MAX_WALLBOARD_CALLS). */
  readonly calls: readonly WallboardCall[];
}

export interface WallboardChange {
  readonly now: number;
  readonly live: Liveness;
  readonly queues: readonly WallboardQueue[];
  readonly removedQueues: readonly string[];
  readonly agents: readonly WallboardAgent[];
  readonly removedAgents: readonly string[];
  readonly calls: readonly WallboardCall[];
  readonly removedCalls: readonly string[];
}

const epoch = (iso: string | undefined): number | undefined => {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
};

/**
 * The activity of an agent's state view at `now`. An agent in no queue
 * (not provisioned yet, suspended, no queue to serve) is not serving: it
 * counts as signed out unless a call holds it.
 */
export function activityOf(view: AgentStateView, now: number): AgentActivity {
  if (view.presence === 'signed-out') return 'signed-out';
  if (view.onCall) return 'on-call';
  if (view.queues.length === 0) return 'signed-out';
  const wrapUp = epoch(view.wrapUpUntil);
  if (wrapUp !== undefined && wrapUp > now) return 'wrap-up';
  return view.presence === 'paused' ? 'paused' : 'available';
}

/**
 * When each agent entered its current activity. The agent states know when
 * the presence changed, not when a call started or ended: this watches the
 * activity go by and notes the moment it changes.
 */
export class ActivitySince {
  readonly #seen = new Map<string, { activity: AgentActivity; since?: number; until?: number }>();

  /** Notes the agent's activity now; answers since when it holds. */
  observe(view: AgentStateView, now: number): { activity: AgentActivity; since?: number } {
    const activity = activityOf(view, now);
    const until = epoch(view.wrapUpUntil);
    const last = this.#seen.get(view.agent);
    let since: number | undefined;
    if (!last) {
      // First sight: the presence change is the best we know, for a presence-shaped activity.
      since = activity === 'on-call' || activity === 'wrap-up' ? undefined : epoch(view.since);
    } else if (last.activity === activity) since = last.since;
    else if (last.activity === 'wrap-up' && last.until !== undefined && last.until <= now)
      // The wrap-up ran out unseen (no event marks it): the next activity began then.
      since = last.until;
    else since = now;
    this.#seen.set(view.agent, {
      activity,
      ...(since !== undefined ? { since } : {}),
      ...(until !== undefined ? { until } : {}),
    });
    return { activity, ...(since !== undefined ? { since } : {}) };
  }

  forget(agent: string): void {
    this.#seen.delete(agent);
  }
}

export function agentRow(
  view: AgentStateView,
  displayName: string,
  seen: { activity: AgentActivity; since?: number },
  registered: boolean,
): WallboardAgent {
  const until = epoch(view.wrapUpUntil);
  return {
    name: view.agent,
    displayName,
    activity: seen.activity,
    presence: view.presence,
    ...(view.presence === 'paused' ? { pauseReason: view.reason ?? '' } : {}),
    ...(seen.since !== undefined ? { since: seen.since } : {}),
    ...(until !== undefined ? { wrapUpUntil: until } : {}),
    queues: view.queues,
    eligibleQueues: view.eligibleQueues,
    registered,
  };
}

/** `agentOf`: the SipAgent whose endpoint that is, if any. */
export function callRow(
  c: LiveCall,
  agentOf: (endpoint: string) => string | undefined,
): WallboardCall {
  return {
    id: c.id,
    callerNumber: c.callerNumber,
    callerName: c.callerName,
    queue: c.queue,
    agent: (c.agentEndpoint && agentOf(c.agentEndpoint)) || '',
    state: c.state,
    startedAt: c.startedAt,
  };
}

export function queueRow(q: QueueLive, today: DayCounts): WallboardQueue {
  return {
    name: q.name,
    serviceLevelSeconds: q.serviceLevelSeconds,
    waiting: q.waiting.map((c) => ({
      uniqueid: c.uniqueid,
      channel: c.channel,
      position: c.position,
      joinedAt: c.joinedAt,
      callerNumber: c.callerNumber,
      callerName: c.callerName,
    })),
    today,
  };
}
