// The simulated Asterisk behind the AMI socket: boots from the config
// directory, reloads modules one at a time (a second reload while one runs is
// rejected with status 4, NOTES.md) and restarts. Reloads read the files when
// they start and swap the objects in when they end, like res_pjsip's.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type ConfigResult,
  type ConfigSource,
  isFile,
  localPath,
  readConfig,
} from './config-reader.ts';
import type { AmiMessage } from './framing.ts';
import { loadPjsip } from './pjsip-loader.ts';
import { isTrue } from './pjsip-options.ts';
import { loadQueues } from './queues.ts';
import { event } from './responses.ts';
import type { AsteriskState } from './state.ts';

export interface AsteriskOptions {
  /** The directory standing for /etc/asterisk. */
  readonly configDir: string;
  /** The path the configuration uses for that directory (default /etc/asterisk). */
  readonly etcDir?: string;
  /** Epoch milliseconds (default Date.now). */
  readonly now?: () => number;
  /** How long a module reload takes. */
  readonly reloadMs?: number;
}

/** ast_module_reload results: 0 ok, 2 not found, 4 in progress. */
export type ReloadStatus = 0 | 2 | 4;

export const RELOADABLE_MODULES = [
  'res_pjsip.so',
  'app_queue.so',
  'pbx_config.so',
  'res_rtp_asterisk.so',
] as const;
type Module = (typeof RELOADABLE_MODULES)[number];

export interface Asterisk {
  readonly state: AsteriskState;
  /** Reloads one module (all with undefined), as AMI Reload and `module reload` do. */
  reload(module: string | undefined): Promise<ReloadStatus>;
  /** Whether a reload is running now. */
  reloading(): boolean;
  rejectReloads(n: number): void;
  setReloadDuration(ms: number): void;
  /** Registrations gone, everything loaded afresh from disk, uptime from zero. */
  restart(): void;
  /** Stops pending reload timers (the server is closing). */
  dispose(): void;
}

/** The Reload event Asterisk publishes for every reload request (transcripts main_33..36). */
export function reloadEvent(module: string | undefined, status: ReloadStatus): AmiMessage {
  return event('Reload', 'system,all', [
    ['Module', module ?? 'All'],
    ['Status', String(status)],
  ]);
}

/** A module name as Asterisk compares them: case-insensitive, with or without ".so". */
const moduleBase = (name: string) => name.trim().toLowerCase().replace(/\.so$/, '');

function resolveModule(name: string): Module | undefined {
  const base = moduleBase(name);
  return RELOADABLE_MODULES.find((m) => moduleBase(m) === base);
}

/**
 * Whether modules.conf loads a module (loader.c): `noload` wins, then
 * load/require/preload lines, then `autoload` (default no). Without a
 * readable modules.conf the recorded machine's autoload is assumed.
 */
function moduleLoaded(src: ConfigSource, module: string): boolean {
  const read = readConfig(src, 'modules.conf');
  if (!read.ok) return true;
  const lines = read.categories.filter((c) => c.name === 'modules').flatMap((c) => c.lines);
  const named = (keys: readonly string[]) =>
    lines.some((l) => keys.includes(l.key) && moduleBase(l.value) === moduleBase(module));
  if (named(['noload'])) return false;
  if (named(['load', 'require', 'preload', 'preload-require'])) return true;
  return isTrue(lines.findLast((l) => l.key === 'autoload')?.value);
}

/** cdr.conf's `[general] enable` (default yes). */
function cdrEnabled(src: ConfigSource): boolean {
  const read = readConfig(src, 'cdr.conf');
  if (!read.ok) return true;
  const general = read.categories.filter((c) => c.name === 'general').flatMap((c) => c.lines);
  const enable = general.findLast((l) => l.key === 'enable')?.value;
  return enable === undefined || isTrue(enable);
}

export function createAsterisk(options: AsteriskOptions): Asterisk {
  const now = options.now ?? Date.now;
  const state: AsteriskState = {
    src: { dir: options.configDir, etcDir: options.etcDir ?? '/etc/asterisk' },
    now,
    bootedAt: now(),
    lastReloadAt: now(),
    objects: new Map(),
    contacts: new Map(),
    queues: new Map(),
    db: new Map(),
    cdrEnabled: true,
    deviceStateEvents: true,
    log: [],
    reloads: [],
  };
  let reloadMs = options.reloadMs ?? 0;
  let rejectNext = 0;
  /** The running reload, if any (a restart forgets it). */
  let running: object | undefined;
  let generation = 0;
  const abort = new AbortController();

  const buildContext = {
    readable: (path: string) => isFile(localPath(state.src, path)),
  };

  const note = (r: ConfigResult, file: string) => {
    state.log.push(...r.log);
    if (!r.ok) {
      state.log.push(
        r.reason === 'not-found'
          ? `ERROR res_sorcery_config.c: Unable to load config file '${file}'`
          : `ERROR res_sorcery_config.c: Contents of config file '${file}' are invalid and cannot be parsed`,
      );
    }
  };

  /** Reads a module's files now and returns how to apply them later. */
  const prepare = (module: Module): (() => void) => {
    if (module === 'res_pjsip.so') {
      const read = readConfig(state.src, 'pjsip.conf');
      note(read, 'pjsip.conf');
      return () => {
        // An unreadable pjsip.conf keeps every object as it was; Reload still says Success.
        if (!read.ok) return;
        const loaded = loadPjsip(read.categories, state.objects, buildContext);
        state.log.push(...loaded.log);
        state.objects = loaded.objects;
      };
    }
    if (module === 'app_queue.so') {
      const read = readConfig(state.src, 'queues.conf');
      note(read, 'queues.conf');
      return () => {
        if (read.ok) state.queues = loadQueues(state, read.categories, state.queues);
      };
    }
    return () => undefined; // pbx_config.so, res_rtp_asterisk.so: dialplan and RTP are not simulated
  };

  const boot = () => {
    state.cdrEnabled = cdrEnabled(state.src);
    state.deviceStateEvents = moduleLoaded(state.src, 'res_manager_devicestate.so');
    state.objects = new Map();
    state.queues = new Map();
    state.contacts.clear();
    prepare('res_pjsip.so')();
    prepare('app_queue.so')();
    state.bootedAt = now();
    state.lastReloadAt = state.bootedAt;
  };
  boot();

  return {
    state,
    async reload(name) {
      // The reload lock is tried before the module is looked up, as in ast_module_reload.
      if (running || rejectNext > 0) {
        if (rejectNext > 0) rejectNext--;
        return 4;
      }
      const named = name === undefined ? undefined : resolveModule(name);
      const modules: Module[] =
        name === undefined ? [...RELOADABLE_MODULES] : named === undefined ? [] : [named];
      const token = {};
      running = token;
      try {
        state.lastReloadAt = now();
        if (modules.length === 0) return 2;
        const started = generation;
        const apply = modules.map(prepare);
        if (reloadMs > 0) await sleep(reloadMs, undefined, { signal: abort.signal });
        if (started !== generation) return 0; // restarted meanwhile: the fresh boot wins
        for (const f of apply) f();
        state.reloads.push(...modules);
        return 0;
      } finally {
        if (running === token) running = undefined;
      }
    },
    reloading: () => running !== undefined,
    rejectReloads(n) {
      rejectNext = n;
    },
    setReloadDuration(ms) {
      reloadMs = ms;
    },
    restart() {
      generation++;
      running = undefined;
      boot();
    },
    dispose() {
      abort.abort();
    },
  };
}
