// Plays the kubelet for an Asterisk outside Kubernetes (tests, `make run`):
// projects the operator's generated ConfigMaps and Secrets of one namespace
// into <dir>/switchboard the way a projected volume does — all files swapped
// at once through a symlink (the kubelet's AtomicWriter), after a delay (the
// kubelet's sync period), never partially.

import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CoreV1Api,
  type KubeConfig,
  type V1ConfigMap,
  type V1Secret,
} from '@kubernetes/client-node';
import { INCLUDE_DIR } from '../../operator/src/asterisk/render/index.ts';
import { createInformer, type Informer } from '../../operator/src/kube/informer.ts';

const SELECTOR = 'app.kubernetes.io/component=asterisk-config';

export interface ProjectorOptions {
  readonly kc: KubeConfig;
  readonly namespace: string;
  /** The directory standing for /etc/asterisk: files land in <dir>/switchboard/. */
  readonly dir: string;
  /** How long after a change the files are swapped in (default 0). */
  readonly delayMs?: number;
}

export interface Projector {
  /** Projections done so far. */
  readonly projections: number;
  /** While paused, changes wait (a kubelet that has not synced yet). */
  pause(): void;
  resume(): void;
  setDelay(ms: number): void;
  stop(): Promise<void>;
}

export async function startProjector(options: ProjectorOptions): Promise<Projector> {
  const core = options.kc.makeApiClient(CoreV1Api);
  const { namespace, dir } = options;
  const base = `/api/v1/namespaces/${namespace}`;
  const configMaps: Informer<V1ConfigMap> = createInformer(options.kc, {
    name: 'projector-configmaps',
    path: `${base}/configmaps`,
    labelSelector: SELECTOR,
    list: () => core.listNamespacedConfigMap({ namespace, labelSelector: SELECTOR }),
  });
  const secrets: Informer<V1Secret> = createInformer(options.kc, {
    name: 'projector-secrets',
    path: `${base}/secrets`,
    labelSelector: SELECTOR,
    list: () => core.listNamespacedSecret({ namespace, labelSelector: SELECTOR }),
  });
  let delayMs = options.delayMs ?? 0;
  let paused = false;
  let dirty = false;
  let timer: NodeJS.Timeout | undefined;
  let projections = 0;
  let generation = 0;

  const project = () => {
    timer = undefined;
    if (paused) return;
    dirty = false;
    const data = join(dir, `..data_${++generation}`);
    mkdirSync(data, { recursive: true });
    for (const cm of configMaps.list(namespace))
      for (const [file, text] of Object.entries(cm.data ?? {}))
        writeFileSync(join(data, file), text);
    for (const s of secrets.list(namespace))
      for (const [file, b64] of Object.entries(s.data ?? {}))
        writeFileSync(join(data, file), Buffer.from(b64, 'base64'), { mode: 0o600 });
    const link = join(dir, INCLUDE_DIR);
    const tmp = `${link}.tmp`;
    rmSync(tmp, { force: true });
    symlinkSync(`..data_${generation}`, tmp);
    renameSync(tmp, link);
    rmSync(join(dir, `..data_${generation - 1}`), { recursive: true, force: true });
    projections++;
  };
  const changed = () => {
    dirty = true;
    if (!paused && !timer) timer = setTimeout(project, delayMs);
  };
  for (const inf of [configMaps, secrets] as Informer<V1ConfigMap | V1Secret>[])
    for (const e of ['add', 'update', 'delete'] as const) inf.on(e, changed);
  await Promise.all([configMaps.start(), secrets.start()]);

  return {
    get projections() {
      return projections;
    },
    pause() {
      paused = true;
      clearTimeout(timer);
      timer = undefined;
    },
    resume() {
      paused = false;
      if (dirty) changed();
    },
    setDelay(ms: number) {
      delayMs = ms;
    },
    async stop() {
      clearTimeout(timer);
      await Promise.all([configMaps.stop(), secrets.stop()]);
    },
  };
}
