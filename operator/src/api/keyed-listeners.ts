// Listeners by key (an agent's name): the event streams of one agent
// subscribe and unsubscribe as pages come and go; one upstream handler fans
// out to them.
export class KeyedListeners<L> {
  readonly #listeners = new Map<string, Set<L>>();

  /** Adds `listener` under `key`; returns the unsubscribe. */
  watch(key: string, listener: L): () => void {
    let set = this.#listeners.get(key);
    if (!set) {
      set = new Set();
      this.#listeners.set(key, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.#listeners.get(key) === set) this.#listeners.delete(key);
    };
  }

  /** A copy: a listener may unsubscribe (its stream closed) while the caller iterates. */
  of(key: string): L[] {
    return [...(this.#listeners.get(key) ?? [])];
  }

  get size(): number {
    let n = 0;
    for (const set of this.#listeners.values()) n += set.size;
    return n;
  }
}
