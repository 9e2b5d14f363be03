// Fans agent state changes out to the softphone event streams of the agents
// they concern: one listener on the agent states for the whole API.
import { KeyedListeners } from '../keyed-listeners.ts';
import type { AgentStateAccess } from './routes.ts';

export class StateWatchers {
  readonly #listeners = new KeyedListeners<() => void>();

  constructor(access: AgentStateAccess, namespace: string) {
    access.onChange((ns, agents) => {
      if (ns !== namespace) return;
      for (const agent of agents) for (const l of this.#listeners.of(agent)) l();
    });
  }

  /** Calls `listener` whenever this agent's state may have changed; returns the unsubscribe. */
  watch(agent: string, listener: () => void): () => void {
    return this.#listeners.watch(agent, listener);
  }
}
