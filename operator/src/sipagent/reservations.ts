// Extensions and usernames handed out but perhaps not yet visible in the
// informer cache. Allocation consults them, so two agents reconciled in quick
// succession never get the same extension while the cache catches up.

export interface Reservation {
  readonly extension: number | undefined;
  readonly username: string;
}

export class Reservations {
  readonly #byNamespace = new Map<string, Map<string, Reservation>>();

  set(namespace: string, agent: string, reservation: Reservation): void {
    let ns = this.#byNamespace.get(namespace);
    if (!ns) {
      ns = new Map();
      this.#byNamespace.set(namespace, ns);
    }
    ns.set(agent, reservation);
  }

  get(namespace: string, agent: string): Reservation | undefined {
    return this.#byNamespace.get(namespace)?.get(agent);
  }

  /** Drops the reservation once the cache shows the same values (or the agent is gone). */
  settle(namespace: string, agent: string, cached: Reservation | undefined): void {
    const r = this.get(namespace, agent);
    if (r && cached && r.username === cached.username && r.extension === cached.extension)
      this.forget(namespace, agent);
  }

  forget(namespace: string, agent: string): void {
    const ns = this.#byNamespace.get(namespace);
    ns?.delete(agent);
    if (ns?.size === 0) this.#byNamespace.delete(namespace);
  }

  entries(namespace: string): IterableIterator<[string, Reservation]> {
    return (this.#byNamespace.get(namespace) ?? new Map<string, Reservation>()).entries();
  }
}
