// Waits, bounded, until the caches show something (the credentials Secret the
// operator made, its rotation): every cache event re-checks the open waits.
// Cheap: only a few requests wait at a time and each check is a map lookup.
import type { ObjectLike } from '../../kube/informer.ts';

interface Eventful {
  on(event: 'add' | 'update' | 'delete', cb: (obj: ObjectLike) => void): void;
}

interface Wait {
  check(): boolean;
}

export class CacheWaiter {
  readonly #waits = new Set<Wait>();

  constructor(sources: readonly Eventful[]) {
    const recheck = () => {
      for (const w of this.#waits) w.check();
    };
    for (const source of sources) {
      source.on('add', recheck);
      source.on('update', recheck);
      source.on('delete', recheck);
    }
  }

  /** Resolves with check()'s first defined value, or undefined after timeoutMs. */
  until<T>(check: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
    const first = check();
    if (first !== undefined) return Promise.resolve(first);
    return new Promise((resolve) => {
      const wait: Wait = {
        check: () => {
          const value = check();
          if (value === undefined) return false;
          this.#waits.delete(wait);
          clearTimeout(timer);
          resolve(value);
          return true;
        },
      };
      const timer = setTimeout(() => {
        this.#waits.delete(wait);
        resolve(undefined);
      }, timeoutMs);
      this.#waits.add(wait);
    });
  }
}
