// An informer that keeps itself alive. client-node's ListWatch relists on
// 410 Gone but, on any other error (API server restart, dropped connection,
// failed LIST), fires 'error' and stops for good; this wrapper restarts it
// with capped exponential backoff.
import {
  ERROR,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  ListWatch,
  Watch,
} from '@kubernetes/client-node';
import { Counter } from 'prom-client';
import { describeError } from '../clients/errors.ts';
import type { Logger } from '../log.ts';
import { registry } from '../metrics.ts';

/** Anything with object metadata (custom resources arrive as plain JSON: timestamps are strings). */
export type ObjectLike = { metadata?: { name?: string; namespace?: string } } | KubernetesObject;

export interface InformerOptions<T extends ObjectLike> {
  name: string;
  path: string;
  list: () => Promise<{ items: T[]; metadata?: { resourceVersion?: string } }>;
  labelSelector?: string;
  logger?: Logger;
  maxRestartDelayMs?: number;
}

export interface Informer<T extends ObjectLike> {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly synced: boolean;
  list(namespace?: string): T[];
  get(name: string, namespace?: string): T | undefined;
  on(event: 'add' | 'update' | 'delete', cb: (obj: T) => void): void;
}

const restarts = new Counter({
  name: 'switchboard_informer_restarts_total',
  help: 'Informer restarts after a watch or list error.',
  labelNames: ['informer'],
  registers: [registry],
});

export function createInformer<T extends ObjectLike>(
  kc: KubeConfig,
  options: InformerOptions<T>,
): Informer<T> {
  const maxDelay = options.maxRestartDelayMs ?? 30_000;
  let synced = false;
  let stopped = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  let firstSync: { resolve: () => void; reject: (e: unknown) => void } | undefined;

  // Count a successful (re)list as the end of a failure streak.
  const list = async () => {
    const result = await options.list();
    failures = 0;
    synced = true;
    return result as unknown as KubernetesListObject<KubernetesObject>;
  };
  const lw = new ListWatch<KubernetesObject>(
    options.path,
    new Watch(kc),
    list,
    false,
    options.labelSelector,
  );

  const restart = () => {
    if (stopped) return;
    timer = undefined;
    lw.start().catch((err: unknown) => onError(err));
  };
  const onError = (err: unknown) => {
    if (stopped) return;
    failures++;
    restarts.inc({ informer: options.name });
    const delay = Math.min(250 * 2 ** Math.min(failures - 1, 16), maxDelay);
    options.logger?.warn(
      {
        informer: options.name,
        failures,
        retryInMs: delay,
        err: describeError(err),
      },
      'watch failed; restarting',
    );
    if (!timer) timer = setTimeout(restart, delay);
  };
  lw.on(ERROR, onError);

  return {
    async start() {
      stopped = false;
      await new Promise<void>((resolve, reject) => {
        firstSync = { resolve, reject };
        const check = () => {
          if (synced) return resolve();
          if (stopped) return reject(new Error(`informer ${options.name} stopped before syncing`));
          setTimeout(check, 20);
        };
        lw.start().catch(onError);
        check();
      });
      firstSync = undefined;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await lw.stop();
      firstSync?.reject(new Error('stopped'));
    },
    get synced() {
      return synced;
    },
    list: (namespace) => [...lw.list(namespace)] as T[],
    get: (name, namespace) => lw.get(name, namespace) as T | undefined,
    on(event, cb) {
      lw.on(event, cb as (obj: KubernetesObject) => void);
    },
  };
}
