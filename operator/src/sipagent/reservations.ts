// Credentials this operator wrote that the informer cache may not show yet.
// Allocation consults them, so two agents reconciled in quick succession never
// get the same extension or username while the cache catches up, and an agent
// is not given credentials twice. No passwords are kept here.

export interface Reservation {
  readonly extension: number | undefined;
  readonly username: string;
  readonly generatedFor?: string;
  readonly generatedAt?: string;
}

/** A write the cache has not shown within this time is not waited for any longer (e.g. the Secret was deleted meanwhile). */
const STALE_AFTER_MS = 30_000;

export class Reservations {
  readonly #byNamespace = new Map<string, Map<string, Reservation & { readonly at: number }>>();

  set(namespace: string, agent: string, reservation: Reservation): void {
    let ns = this.#byNamespace.get(namespace);
    if (!ns) {
      ns = new Map();
      this.#byNamespace.set(namespace, ns);
    }
    ns.set(agent, { ...reservation, at: Date.now() });
  }

  get(namespace: string, agent: string): Reservation | undefined {
    const r = this.#byNamespace.get(namespace)?.get(agent);
    if (r && Date.now() - r.at > STALE_AFTER_MS) {
      this.forget(namespace, agent);
      return undefined;
    }
    return r;
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
