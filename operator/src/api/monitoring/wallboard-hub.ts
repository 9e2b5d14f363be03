// One namespace's wallboard feed on the leader: listens to the live queues
// and calls, the agent states, the registrations and the SipAgents, builds a snapshot for each new stream
// and broadcasts coalesced changes (coalescer.ts) to every open stream.
// A row is broadcast only when it differs from the one last broadcast, so a
// flood of events that change nothing visible costs nothing.
import type { AgentStates } from '../../agentstate/agent-states.ts';
import type { SipAgent } from '../../crds/types.ts';
import type { Informer } from '../../kube/informer.ts';
import { Coalescer, type Dirty, realTimers, type Timers } from '../../monitoring/coalescer.ts';
import { dayCounts } from '../../monitoring/day-counts.ts';
import { onQueueChange, type QueueTracker } from '../../monitoring/queue-tracker.ts';
import {
  ActivitySince,
  agentRow,
  callRow,
  type Liveness,
  MAX_WALLBOARD_CALLS,
  queueRow,
  type WallboardAgent,
  type WallboardCall,
  type WallboardChange,
  type WallboardQueue,
  type WallboardSnapshot,
} from '../../monitoring/wallboard.ts';

/** At most one change message per this many milliseconds (the issue: ≤ 500 ms to the page). */
export const COALESCE_MS = 150;

export interface HubSources {
  readonly namespace: string;
  tracker(): QueueTracker | undefined;
  states(): AgentStates | undefined;
  onAgentStates(cb: (namespace: string, agents: readonly string[]) => void): void;
  /** Whether the endpoint has a reachable contact (the registrations Asterisk reported). */
  registered(endpoint: string): boolean;
  /** Agents whose registration may have changed ('all': every one). */
  onRegistrations(cb: (namespace: string, agents: readonly string[] | 'all') => void): void;
  readonly agents: Informer<SipAgent>;
  readonly intervalMs?: number;
  readonly now?: () => number;
  readonly timers?: Timers;
}

export class WallboardHub {
  readonly #src: HubSources;
  readonly #now: () => number;
  readonly #listeners = new Set<(change: WallboardChange) => void>();
  readonly #since = new ActivitySince();
  readonly #coalescer: Coalescer;
  /** JSON of the rows last broadcast, to send only what differs. */
  #sentQueues = new Map<string, string>();
  #sentAgents = new Map<string, string>();
  #sentCalls = new Map<string, string>();
  #sentLive = '';

  constructor(src: HubSources) {
    this.#src = src;
    this.#now = src.now ?? Date.now;
    this.#coalescer = new Coalescer(
      src.intervalMs ?? COALESCE_MS,
      (d) => this.#flush(d),
      src.timers ?? realTimers,
    );
    onQueueChange((tracker, queues, calls) => {
      if (tracker !== src.tracker()) return;
      this.#mark('queue', queues);
      this.#mark('call', calls);
    });
    src.onRegistrations((ns, agents) => {
      if (ns === src.namespace) this.#mark('agent', agents === 'all' ? this.#agentNames() : agents);
    });
    src.onAgentStates((ns, agents) => {
      if (ns !== src.namespace) return;
      // Noted at once, whether anybody watches or not: "since" is the moment it changed.
      const states = src.states();
      if (states) for (const a of agents) this.#since.observe(states.view(a), this.#now());
      this.#mark('agent', agents);
    });
    const agentChanged = (a: SipAgent) => {
      if (a.metadata.namespace === src.namespace) this.#mark('agent', [a.metadata.name]);
    };
    for (const event of ['add', 'update', 'delete'] as const) src.agents.on(event, agentChanged);
  }

  /** The feed can be served here: this replica reads the namespace's Asterisk. */
  get available(): boolean {
    return this.#src.tracker() !== undefined && this.#src.states() !== undefined;
  }

  /** Everything now; `listener` then hears every coalesced change until the unsubscribe. */
  subscribe(listener: (change: WallboardChange) => void): {
    snapshot: WallboardSnapshot;
    unsubscribe: () => void;
  } {
    if (this.#listeners.size === 0) this.#remember(undefined);
    this.#listeners.add(listener);
    const snapshot = this.snapshot();
    return {
      snapshot,
      unsubscribe: () => {
        this.#listeners.delete(listener);
        if (this.#listeners.size === 0) this.#coalescer.clear();
      },
    };
  }

  snapshot(): WallboardSnapshot {
    const now = this.#now();
    const queues = this.#queueRows();
    const agents = this.#agentNames().flatMap((n) => this.#agentRow(n, now) ?? []);
    const calls = this.#callRows();
    const live = this.#live();
    // What a new stream got is what the others have been sent, or older: deltas stay correct.
    if (this.#listeners.size <= 1) this.#remember({ queues, agents, calls, live });
    return { now, live, queues, agents, calls };
  }

  #remember(
    sent:
      | {
          queues: readonly WallboardQueue[];
          agents: readonly WallboardAgent[];
          calls: readonly WallboardCall[];
          live: Liveness;
        }
      | undefined,
  ): void {
    this.#sentQueues = new Map(sent?.queues.map((q) => [q.name, JSON.stringify(q)]));
    this.#sentAgents = new Map(sent?.agents.map((a) => [a.name, JSON.stringify(a)]));
    this.#sentCalls = new Map(sent?.calls.map((c) => [c.id, JSON.stringify(c)]));
    this.#sentLive = sent ? JSON.stringify(sent.live) : '';
  }

  #mark(kind: 'queue' | 'agent' | 'call', names: readonly string[]): void {
    if (this.#listeners.size > 0 && names.length > 0) this.#coalescer.mark(kind, names);
  }

  #live(): Liveness {
    return {
      queues: this.#src.tracker()?.synced ?? false,
      agents: this.#src.states()?.synced ?? false,
    };
  }

  #queueRows(): WallboardQueue[] {
    const tracker = this.#src.tracker();
    if (!tracker) return [];
    return tracker.model.queues().map((q) => queueRow(q, dayCounts(q.counts, tracker.countsSince)));
  }

  /** SipAgent by endpoint (its SIP username), for the calls' agents. */
  #agentOf(): (endpoint: string) => string | undefined {
    const byEndpoint = new Map<string, string>();
    for (const a of this.#src.agents.list(this.#src.namespace))
      if (a.status?.sipUsername) byEndpoint.set(a.status.sipUsername, a.metadata.name);
    return (endpoint) => byEndpoint.get(endpoint);
  }

  #callRows(): WallboardCall[] {
    const tracker = this.#src.tracker();
    if (!tracker) return [];
    const agentOf = this.#agentOf();
    return tracker.calls
      .calls()
      .slice(0, MAX_WALLBOARD_CALLS)
      .map((c) => callRow(c, agentOf));
  }

  #agentNames(): string[] {
    return this.#src.agents
      .list(this.#src.namespace)
      .filter((a) => !a.metadata.deletionTimestamp)
      .map((a) => a.metadata.name);
  }

  #agentRow(name: string, now: number): WallboardAgent | undefined {
    const states = this.#src.states();
    const agent = this.#src.agents.get(name, this.#src.namespace);
    if (!states || !agent || agent.metadata.deletionTimestamp) return undefined;
    const view = states.view(name);
    const endpoint = agent.status?.sipUsername;
    const row = agentRow(
      view,
      agent.spec.displayName,
      this.#since.observe(view, now),
      endpoint !== undefined && this.#src.registered(endpoint),
    );
    // what a supervisor's Listen/Whisper/Barge dials after *51/*52/*53
    const extension = agent.status?.extension;
    return extension === undefined ? row : { ...row, extension };
  }

  /** Broadcasts what changed; answers whether anything was sent. */
  #flush(dirty: Dirty): boolean {
    if (this.#listeners.size === 0) return false;
    const now = this.#now();
    const queues: WallboardQueue[] = [];
    const removedQueues: string[] = [];
    if (dirty.queues.size) {
      const rows = new Map(this.#queueRows().map((q) => [q.name, q]));
      for (const name of dirty.queues) {
        const row = rows.get(name);
        if (!row) {
          if (this.#sentQueues.delete(name)) removedQueues.push(name);
          continue;
        }
        const json = JSON.stringify(row);
        if (this.#sentQueues.get(name) === json) continue;
        this.#sentQueues.set(name, json);
        queues.push(row);
      }
    }
    const agents: WallboardAgent[] = [];
    const removedAgents: string[] = [];
    for (const name of dirty.agents) {
      const row = this.#agentRow(name, now);
      if (!row) {
        this.#since.forget(name);
        if (this.#sentAgents.delete(name)) removedAgents.push(name);
        continue;
      }
      const json = JSON.stringify(row);
      if (this.#sentAgents.get(name) === json) continue;
      this.#sentAgents.set(name, json);
      agents.push(row);
    }
    const calls: WallboardCall[] = [];
    const removedCalls: string[] = [];
    const tracker = this.#src.tracker();
    if (dirty.calls.size && tracker) {
      const agentOf = this.#agentOf();
      for (const id of dirty.calls) {
        const call = tracker.calls.call(id);
        if (!call) {
          if (this.#sentCalls.delete(id)) removedCalls.push(id);
          continue;
        }
        const row = callRow(call, agentOf);
        const json = JSON.stringify(row);
        if (this.#sentCalls.get(id) === json) continue;
        if (!this.#sentCalls.has(id) && this.#sentCalls.size >= MAX_WALLBOARD_CALLS) continue;
        this.#sentCalls.set(id, json);
        calls.push(row);
      }
    }
    const live = this.#live();
    const liveJson = JSON.stringify(live);
    const liveChanged = liveJson !== this.#sentLive;
    this.#sentLive = liveJson;
    const rows =
      queues.length +
      removedQueues.length +
      agents.length +
      removedAgents.length +
      calls.length +
      removedCalls.length;
    if (!liveChanged && rows === 0) return false;
    const change: WallboardChange = {
      now,
      live,
      queues,
      removedQueues,
      agents,
      removedAgents,
      calls,
      removedCalls,
    };
    for (const l of [...this.#listeners]) l(change);
    return true;
  }
}
