// Status writes of ours that the cache does not show yet. A reconcile that
// runs before the cache catches up would otherwise write the same status
// again from a stale resourceVersion and fail with a conflict.
import { isDeepStrictEqual } from 'node:util';

interface Written {
  readonly basedOn: string | undefined;
  readonly status: unknown;
}

export class StatusMemo {
  readonly #written = new Map<string, Written>();

  /** True when `status` is what we already wrote on top of `resourceVersion`. */
  alreadyWritten(key: string, resourceVersion: string | undefined, status: unknown): boolean {
    const w = this.#written.get(key);
    if (!w) return false;
    if (w.basedOn !== resourceVersion) {
      this.#written.delete(key); // the cache moved on: our write (or a newer one) is visible
      return false;
    }
    return isDeepStrictEqual(w.status, status);
  }

  remember(key: string, basedOn: string | undefined, status: unknown): void {
    this.#written.set(key, { basedOn, status });
  }

  forget(key: string): void {
    this.#written.delete(key);
  }
}
