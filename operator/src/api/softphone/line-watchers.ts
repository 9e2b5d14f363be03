// Fans the SipAgent informer's events out to the softphone event streams of
// the agents they concern. One set of informer handlers for the whole API
// (the informer has no way to remove a handler), a map of listeners by agent.
import type { SipAgent } from '../../crds/types.ts';
import type { Informer } from '../../kube/informer.ts';
import { type LineState, lineStateOf } from './line-state.ts';

export type LineListener = (line: LineState) => void;

export class LineWatchers {
  readonly #listeners = new Map<string, Set<LineListener>>();
  readonly #namespace: string;

  constructor(agents: Informer<SipAgent>, namespace: string) {
    this.#namespace = namespace;
    agents.on('add', (a) => this.#notify(a, false));
    agents.on('update', (a) => this.#notify(a, false));
    agents.on('delete', (a) => this.#notify(a, true));
  }

  /** Calls `listener` on every change of this agent's SipAgent; returns the unsubscribe. */
  watch(agentName: string, listener: LineListener): () => void {
    let set = this.#listeners.get(agentName);
    if (!set) {
      set = new Set();
      this.#listeners.set(agentName, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.#listeners.get(agentName) === set)
        this.#listeners.delete(agentName);
    };
  }

  get size(): number {
    let n = 0;
    for (const set of this.#listeners.values()) n += set.size;
    return n;
  }

  #notify(agent: SipAgent, deleted: boolean): void {
    if (agent.metadata.namespace !== this.#namespace) return;
    const set = this.#listeners.get(agent.metadata.name ?? '');
    if (!set) return;
    const line = lineStateOf(agent, deleted);
    // a copy: a listener may unsubscribe (stream closed) while we iterate
    for (const listener of [...set]) listener(line);
  }
}
