// A wrapper around client-node's Watch, for ListWatch, fixing three gaps of
// client-node 2.0.1:
// - Watch.watch() can reject (e.g. the credentials cannot be applied). When that
//   happens on a reconnect, ListWatch's doneHandler is a callback nobody awaits:
//   the rejection is unhandled and Node exits. Here it becomes done(err), which
//   ListWatch reports as an 'error' event like any other failed watch.
// - ListWatch.stop() only aborts a request it already holds: stopped while the
//   LIST or the watch's HTTP request is in flight, it still starts (or keeps) the
//   watch. Here a stopped guard aborts every watch it is handed or asked for.
// - The hooks tell the informer when a watch is requested (the LIST before it is
//   in the cache) and when one is connected (the end of a failure streak), and
//   let it trim every watched object before ListWatch caches it.
import type { Watch } from '@kubernetes/client-node';

/** What ListWatch uses of a Watch. */
export interface WatchLike {
  watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController>;
}

export interface GuardedWatchHooks {
  /** A watch is about to be opened: any LIST before it has reached the cache. */
  onWatch?: () => void;
  /** The API server accepted the watch (HTTP 200). */
  onConnected?: () => void;
  /** Applied to every watched object before ListWatch sees (and caches) it. */
  transform?: (apiObj: unknown) => unknown;
}

export class GuardedWatch implements WatchLike {
  readonly #inner: WatchLike;
  readonly #hooks: GuardedWatchHooks;
  #stopped = false;
  #current: AbortController | undefined;

  constructor(inner: WatchLike, hooks: GuardedWatchHooks = {}) {
    this.#inner = inner;
    this.#hooks = hooks;
  }

  /** Typed for ListWatch's constructor, which asks for the Watch class. */
  asWatch(): Watch {
    return this as unknown as Watch;
  }

  async watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    if (this.#stopped) return aborted();
    this.#hooks.onWatch?.();
    let finished = false;
    const doneOnce = (err: unknown) => {
      if (finished) return;
      finished = true;
      this.#current = undefined;
      done(err);
    };
    try {
      const { transform } = this.#hooks;
      const deliver = transform
        ? (phase: string, apiObj: unknown, watchObj?: unknown) =>
            callback(phase, transform(apiObj), watchObj)
        : callback;
      const controller = await this.#inner.watch(path, queryParams, deliver, doneOnce);
      if (this.#stopped) controller.abort();
      else if (!finished) {
        this.#current = controller;
        this.#hooks.onConnected?.();
      }
      return controller;
    } catch (err) {
      doneOnce(err);
      return aborted();
    }
  }

  /** Aborts the open watch and every later one. */
  stop(): void {
    this.#stopped = true;
    this.#current?.abort();
    this.#current = undefined;
  }
}

function aborted(): AbortController {
  const controller = new AbortController();
  controller.abort();
  return controller;
}
