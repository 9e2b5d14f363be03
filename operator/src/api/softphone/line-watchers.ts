// Fans the SipAgent informer's events out to the softphone event streams of
// the agents they concern. One set of informer handlers for the whole API
// (the informer has no way to remove a handler), a map of listeners by agent.
import type { SipAgent } from '../../crds/types.ts';
import type { Informer } from '../../kube/informer.ts';
import { KeyedListeners } from '../keyed-listeners.ts';
import { type LineState, lineStateOf } from './line-state.ts';

export type LineListener = (line: LineState) => void;

export class LineWatchers {
  readonly #listeners = new KeyedListeners<LineListener>();
  readonly #namespace: string;

  constructor(agents: Informer<SipAgent>, namespace: string) {
    this.#namespace = namespace;
    agents.on('add', (a) => this.#notify(a, false));
    agents.on('update', (a) => this.#notify(a, false));
    agents.on('delete', (a) => this.#notify(a, true));
  }

  /** Calls `listener` on every change of this agent's SipAgent; returns the unsubscribe. */
  watch(agentName: string, listener: LineListener): () => void {
    return this.#listeners.watch(agentName, listener);
  }

  get size(): number {
    return this.#listeners.size;
  }

  #notify(agent: SipAgent, deleted: boolean): void {
    if (agent.metadata.namespace !== this.#namespace) return;
    const listeners = this.#listeners.of(agent.metadata.name ?? '');
    if (listeners.length === 0) return;
    const line = lineStateOf(agent, deleted);
    for (const listener of listeners) listener(line);
  }
}
