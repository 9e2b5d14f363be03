// Plays the kubelet for an Asterisk outside Kubernetes (tests, `make run`):
// projects the operator's generated ConfigMaps and Secrets of one namespace
// into <dir>/switchboard the way a projected volume does, in the kubelet's
// AtomicWriter layout (atomic-writer.ts): every file changes at once and none
// is ever half-written. The directory can be bind-mounted as a whole (never a
// single file: that is subPath's problem).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CoreV1Api,
  type KubeConfig,
  type V1ConfigMap,
  type V1Secret,
} from '@kubernetes/client-node';
import { BASE_INCLUDES, INCLUDE_DIR } from '../../operator/src/asterisk/render/index.ts';
import { createInformer, type Informer } from '../../operator/src/kube/informer.ts';
import { type AtomicFile, AtomicWriter } from './atomic-writer.ts';

const SELECTOR = 'app.kubernetes.io/component=asterisk-config';

export interface ProjectorOptions {
  readonly kc: KubeConfig;
  readonly namespace: string;
  /** The directory standing for /etc/asterisk: files land in <dir>/switchboard/. */
  readonly dir: string;
  /**
   * Project this one Secret's keys instead, into <dir>/<into> (a Pod volume of
   * one Secret, e.g. the AMI user: `{ name: 'asterisk-ami', into: 'ami',
   * keys: ['manager_user.conf'] }`).
   */
  readonly secret?: { readonly name: string; readonly into: string; readonly keys?: string[] };
  /** How long after a change the files are swapped in (default 0). */
  readonly delayMs?: number;
  /**
   * Like a Pod's fsGroup with defaultMode 0440: files owned by root and this
   * group, readable by the group only (Asterisk running unprivileged). Without
   * it, ConfigMap files are 0644 and Secret files 0600 for the current user.
   */
  readonly group?: number;
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
  const one = options.secret;
  const configMaps: Informer<V1ConfigMap> | undefined = one
    ? undefined
    : createInformer(options.kc, {
        name: 'projector-configmaps',
        path: `${base}/configmaps`,
        labelSelector: SELECTOR,
        list: () => core.listNamespacedConfigMap({ namespace, labelSelector: SELECTOR }),
      });
  const select = one ? { fieldSelector: `metadata.name=${one.name}` } : { labelSelector: SELECTOR };
  const secrets: Informer<V1Secret> = createInformer(options.kc, {
    name: one ? `projector-secret-${one.name}` : 'projector-secrets',
    path: `${base}/secrets`,
    ...select,
    list: () => core.listNamespacedSecret({ namespace, ...select }),
  });
  const informers = [configMaps, secrets].filter((i) => i !== undefined) as Informer<
    V1ConfigMap | V1Secret
  >[];
  let delayMs = options.delayMs ?? 0;
  let paused = false;
  let dirty = false;
  let timer: NodeJS.Timeout | undefined;
  let projections = 0;

  const writer = new AtomicWriter(join(dir, one?.into ?? INCLUDE_DIR), {
    ...(options.group === undefined ? {} : { group: options.group }),
  });
  const project = () => {
    timer = undefined;
    if (paused) return;
    dirty = false;
    const files = new Map<string, AtomicFile>();
    for (const cm of configMaps?.list(namespace) ?? [])
      for (const [file, text] of Object.entries(cm.data ?? {}))
        files.set(file, { content: text, mode: 0o644 });
    for (const s of secrets.list(namespace))
      for (const [file, b64] of Object.entries(s.data ?? {}))
        if (!one?.keys || one.keys.includes(file))
          files.set(file, { content: Buffer.from(b64, 'base64'), mode: 0o600 });
    writer.write(files);
    projections++;
  };
  const changed = () => {
    dirty = true;
    if (!paused && !timer) timer = setTimeout(project, delayMs);
  };
  for (const inf of informers)
    for (const e of ['add', 'update', 'delete'] as const) inf.on(e, changed);
  await Promise.all(informers.map((i) => i.start()));

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
      await Promise.all(informers.map((i) => i.stop()));
    },
  };
}

/**
 * True once <dir>/switchboard holds every file the base configuration
 * #includes and every file those #include in turn: what a Pod's projected
 * volume guarantees before its container starts. The projector can swap in
 * ConfigMaps before the Secrets arrive; an Asterisk started then would load a
 * pjsip.conf with a missing #include (ERROR, and no PJSIP objects).
 */
export function projectionComplete(dir: string): boolean {
  const include = /^#include\s+(\S+)\s*$/gm;
  for (const line of Object.values(BASE_INCLUDES)) {
    const main = line.replace(/^#include\s+/, '');
    const path = join(dir, main);
    if (!existsSync(path)) return false;
    for (const m of readFileSync(path, 'utf8').matchAll(include))
      if (!existsSync(join(dir, m[1] as string))) return false;
  }
  return true;
}
