// The page's copy of the wallboard: a snapshot replaces it, a change updates
// the rows it carries. Pure and immutable (each message gives a new state, so
// Lit sees the change). Times stay on the server's clock; `offsetMs` turns
// the page's clock into the server's (the page ticks on its own, corrected).
import type {
  Liveness,
  WallboardAgent,
  WallboardCall,
  WallboardChange,
  WallboardQueue,
  WallboardSnapshot,
} from './wallboard-types.ts';

export interface WallboardState {
  /** False until the first snapshot. */
  readonly loaded: boolean;
  readonly live: Liveness;
  /** By name, in name order. */
  readonly queues: ReadonlyMap<string, WallboardQueue>;
  readonly agents: ReadonlyMap<string, WallboardAgent>;
  /** Agents in display order (by display name), recomputed only when agents change. */
  readonly agentOrder: readonly WallboardAgent[];
  /** Calls in progress by id; `callOrder` oldest first (recomputed only when calls change). */
  readonly calls: ReadonlyMap<string, WallboardCall>;
  readonly callOrder: readonly WallboardCall[];
  /** Server clock minus page clock, from the last message. */
  readonly offsetMs: number;
}

export const EMPTY_STATE: WallboardState = {
  loaded: false,
  live: { queues: false, agents: false },
  queues: new Map(),
  agents: new Map(),
  agentOrder: [],
  calls: new Map(),
  callOrder: [],
  offsetMs: 0,
};

const oldestFirst = (calls: ReadonlyMap<string, WallboardCall>): WallboardCall[] =>
  [...calls.values()].sort((a, b) => a.startedAt - b.startedAt || (a.id < b.id ? -1 : 1));

const byName = <T extends { name: string }>(rows: Iterable<T>): Map<string, T> =>
  new Map(
    [...rows]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((r) => [r.name, r]),
  );

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

function ordered(agents: ReadonlyMap<string, WallboardAgent>): WallboardAgent[] {
  return [...agents.values()].sort(
    (a, b) => collator.compare(a.displayName, b.displayName) || collator.compare(a.name, b.name),
  );
}

/** `pageNow`: Date.now() when the message arrived. */
export function fromSnapshot(s: WallboardSnapshot, pageNow: number): WallboardState {
  const agents = byName(s.agents);
  const calls = new Map(s.calls.map((c) => [c.id, c]));
  return {
    loaded: true,
    live: s.live,
    queues: byName(s.queues),
    agents,
    agentOrder: ordered(agents),
    calls,
    callOrder: oldestFirst(calls),
    offsetMs: s.now - pageNow,
  };
}

export function applyChange(
  state: WallboardState,
  c: WallboardChange,
  pageNow: number,
): WallboardState {
  let queues = state.queues;
  if (c.queues.length || c.removedQueues.length) {
    const next = new Map(queues);
    for (const name of c.removedQueues) next.delete(name);
    for (const q of c.queues) next.set(q.name, q);
    queues = byName(next.values());
  }
  let agents = state.agents;
  let agentOrder = state.agentOrder;
  if (c.agents.length || c.removedAgents.length) {
    const next = new Map(agents);
    for (const name of c.removedAgents) next.delete(name);
    for (const a of c.agents) next.set(a.name, a);
    // A row moves only when an agent comes, goes or is renamed; a state change
    // (nearly every message) keeps the order: no sort of 1,000 rows for it.
    const inPlace =
      c.removedAgents.length === 0 &&
      c.agents.every((a) => agents.get(a.name)?.displayName === a.displayName);
    agentOrder = inPlace ? agentOrder.map((a) => next.get(a.name) ?? a) : ordered(next);
    agents = next;
  }
  let calls = state.calls;
  let callOrder = state.callOrder;
  if (c.calls.length || c.removedCalls.length) {
    const next = new Map(calls);
    for (const id of c.removedCalls) next.delete(id);
    for (const call of c.calls) next.set(call.id, call);
    calls = next;
    callOrder = oldestFirst(next);
  }
  return {
    loaded: true,
    live: c.live,
    queues,
    agents,
    agentOrder,
    calls,
    callOrder,
    offsetMs: c.now - pageNow,
  };
}
