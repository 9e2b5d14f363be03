// An informer (LIST, then WATCH into a cache) that keeps itself alive, built on
// client-node's ListWatch. ListWatch relists by itself after 410 Gone and
// re-opens a watch that timed out or ended cleanly, but on any other error (API
// server restart, dropped connection, failed LIST, 403...) it emits 'error' and
// stops for good. Here every such error restarts it with capped exponential
// backoff; the restart resumes from the last resourceVersion (a stale one gets
// 410 from the server, and ListWatch relists), so nothing is missed.
import {
  ADD,
  DELETE,
  ERROR,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  ListWatch,
  UPDATE,
  Watch,
} from '@kubernetes/client-node';
import { describeError } from '../clients/errors.ts';
import type { Logger } from '../log.ts';
import { backoffDelay } from './backoff.ts';
import { GuardedWatch, type WatchLike } from './guarded-watch.ts';
import { counter, gauge } from './metric.ts';
import { stripManagedFields } from './strip-managed-fields.ts';

/**
 * Anything with object metadata. Custom resources arrive as plain JSON (their
 * timestamps are strings), so they are not client-node's KubernetesObject.
 */
export type ObjectLike = { metadata?: { name?: string; namespace?: string } } | KubernetesObject;

export interface InformerOptions<T extends ObjectLike> {
  /** Names the informer in logs and metrics. */
  name: string;
  /** Watch path, e.g. '/apis/switchboard.dev/v1alpha1/sipagents' or '/api/v1/secrets'. */
  path: string;
  /** The LIST matching `path`, `labelSelector` and `fieldSelector`. */
  list: () => Promise<KubernetesListObject<T>>;
  labelSelector?: string;
  /** e.g. `metadata.name=<name>`: one object, which RBAC's resourceNames can then limit. */
  fieldSelector?: string;
  logger?: Logger;
  /** Cap of the restart backoff (default 30 s; the first restart waits about 200 ms). */
  maxRestartDelayMs?: number;
  /**
   * A LIST not answered within this (default 60 s) counts as failed and is retried:
   * client-node sets no timeout on it, and one hung LIST would stall the informer forever.
   */
  listTimeoutMs?: number;
}

export type InformerEvent = 'add' | 'update' | 'delete';

export interface Informer<T extends ObjectLike> {
  /** Starts; resolves once the first LIST is in the cache (rejects if stopped before). */
  start(): Promise<void>;
  /** Stops for good: no more events, no request left open. */
  stop(): Promise<void>;
  readonly synced: boolean;
  /** Cached objects (shared with the cache: do not mutate; no managedFields), all or one namespace's. */
  list(namespace?: string): T[];
  get(name: string, namespace?: string): T | undefined;
  /** Handlers run synchronously, in order; one that throws is logged and skipped. */
  on(event: InformerEvent, cb: (obj: T) => void): void;
}

const restarts = counter({
  name: 'switchboard_informer_restarts_total',
  help: 'Informer restarts after a watch or list error.',
  labelNames: ['informer'],
});
const syncedGauge = gauge({
  name: 'switchboard_informer_synced',
  help: '1 once the informer has its first LIST in the cache.',
  labelNames: ['informer'],
});

const BASE_RESTART_DELAY_MS = 200;
/**
 * A watch that stayed connected this long ends a failure streak: the next failure
 * restarts after the base delay again. (Reset on mere connection instead, a
 * server that accepts and drops every watch would be hammered every 200 ms.)
 */
const HEALTHY_AFTER_MS = 5_000;

export function createInformer<T extends ObjectLike>(
  kc: KubeConfig,
  options: InformerOptions<T>,
): Informer<T> {
  return createInformerWithWatch(new Watch(kc), options);
}

/** The informer over any Watch implementation (tests pass a fake one). */
export function createInformerWithWatch<T extends ObjectLike>(
  watch: WatchLike,
  options: InformerOptions<T>,
): Informer<T> {
  const { name } = options;
  const log = options.logger?.child({ informer: name });
  const maxDelayMs = options.maxRestartDelayMs ?? 30_000;
  const listTimeoutMs = options.listTimeoutMs ?? 60_000;
  const handlers: Record<InformerEvent, ((obj: T) => void)[]> = { add: [], update: [], delete: [] };
  let started = false;
  let stopped = false;
  let synced = false;
  let failures = 0;
  let recovering = false;
  let connectedAt: number | undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  const stopping = new AbortController();

  const firstSync = Promise.withResolvers<void>();
  firstSync.promise.catch(() => {}); // a caller that never awaits start() must not crash the process

  const guard = new GuardedWatch(watch, {
    // ListWatch asks for the watch right after the LIST's items are in its cache.
    onWatch: () => {
      if (synced) return;
      synced = true;
      syncedGauge.set({ informer: name }, 1);
      firstSync.resolve();
    },
    transform: stripManagedFields,
    onConnected: () => {
      connectedAt = performance.now();
      if (recovering) log?.info({ failures }, 'watch re-established');
      recovering = false;
    },
  });

  const lw = new ListWatch<T>(
    options.path,
    guard.asWatch(),
    async () => {
      const list = await withTimeout(options.list(), listTimeoutMs, `LIST for informer ${name}`);
      for (const item of list.items) stripManagedFields(item);
      return list;
    },
    false,
    options.labelSelector,
    options.fieldSelector,
    // ListWatch waits up to 30 s before re-opening a watch that ended cleanly: stop() cuts that short.
    { delayFn: (ms) => abortableDelay(ms, stopping.signal) },
  );

  const dispatch = (event: InformerEvent) => (obj: T) => {
    if (stopped) return;
    for (const cb of handlers[event]) {
      try {
        cb(obj);
      } catch (err) {
        // A throwing handler inside ListWatch's watch callback would be an unhandled
        // rejection (it is an async function nobody awaits): contain it here.
        log?.error(
          {
            event,
            object: `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`,
            err: describeError(err),
            stack: err instanceof Error ? err.stack : undefined,
          },
          'informer event handler failed',
        );
      }
    }
  };
  lw.on(ADD, dispatch('add'));
  lw.on(UPDATE, dispatch('update'));
  lw.on(DELETE, dispatch('delete'));

  const restart = () => {
    restartTimer = undefined;
    if (stopped) return;
    lw.start().catch(onError);
  };
  const onError = (err: unknown) => {
    if (stopped || restartTimer) return;
    if (connectedAt !== undefined && performance.now() - connectedAt >= HEALTHY_AFTER_MS)
      failures = 0;
    connectedAt = undefined;
    failures++;
    recovering = true;
    const delay = backoffDelay(failures, BASE_RESTART_DELAY_MS, maxDelayMs);
    restarts.inc({ informer: name });
    log?.warn({ failures, retryInMs: delay, ...watchErrorFields(err) }, 'watch failed; restarting');
    restartTimer = setTimeout(restart, delay);
  };
  lw.on(ERROR, onError);

  return {
    start() {
      if (stopped) return Promise.reject(new Error(`informer ${name} was stopped`));
      if (!started) {
        started = true;
        lw.start().catch(onError);
      }
      return firstSync.promise;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (restartTimer) clearTimeout(restartTimer);
      restartTimer = undefined;
      stopping.abort();
      guard.stop();
      await lw.stop();
      syncedGauge.set({ informer: name }, 0);
      if (!synced) firstSync.reject(new Error(`informer ${name} stopped before it synced`));
    },
    get synced() {
      return synced;
    },
    // ListWatch.list() builds a fresh array on every call in client-node 2.0.1.
    list: (namespace) => lw.list(namespace) as T[],
    get: (objName, namespace) => lw.get(objName, namespace),
    on(event, cb) {
      if (!(event in handlers)) throw new Error(`unknown informer event ${event}`);
      handlers[event].push(cb);
    },
  };
}

/** The fields worth logging of a watch/list error: message, status, and the network cause. */
function watchErrorFields(err: unknown): Record<string, unknown> {
  const e = err as { statusCode?: unknown; cause?: { code?: unknown } } | undefined;
  return {
    err: describeError(err),
    ...(typeof e?.statusCode === 'number' ? { status: e.statusCode } : {}),
    ...(e?.cause?.code !== undefined ? { cause: String(e.cause.code) } : {}),
  };
}

/** Rejects when `promise` takes longer than `ms` (the promise itself runs on, ignored). */
function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}
