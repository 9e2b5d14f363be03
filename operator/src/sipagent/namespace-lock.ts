// Serialises work per namespace (extension allocation reads and writes the
// namespace's whole set of extensions), while namespaces proceed in parallel.

export class NamespaceLock {
  readonly #tails = new Map<string, Promise<void>>();

  async run<T>(namespace: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(namespace) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => current);
    this.#tails.set(namespace, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (this.#tails.get(namespace) === tail) this.#tails.delete(namespace);
    }
  }
}
