// The apply loop of one namespace's Asterisk. For the newest rendered version:
// wait until GetConfig shows its content-hash markers (the kubelet has
// delivered the files), let a burst settle, reload only the modules whose
// files changed, then confirm through PJSIPShowEndpoints which agents
// Asterisk now has. Never reloads before Asterisk can see the new files.
import { Counter, Histogram } from 'prom-client';
import { describeError } from '../../clients/errors.ts';
import type { Logger } from '../../log.ts';
import { registry } from '../../metrics.ts';
import type { AmiClient } from '../ami/client.ts';
import { endpointDetailSetVar, endpointListItem } from '../ami/messages.ts';
import { REVISION_VARIABLE } from '../render/pjsip.ts';
import type { AsteriskView } from '../view.ts';
import { reloadModule } from './reload.ts';
import {
  type ConfigVersion,
  changedModules,
  invisibleFiles,
  type MarkerQuery,
  markerQueries,
  queryKey,
} from './version.ts';
import { readVisible } from './visible.ts';

export interface ApplierOptions {
  /** How often GetConfig is asked while waiting for files (default 1 s). */
  readonly pollMs?: number;
  /** Waiting longer than this for files turns Provisioned False (default 180 s). */
  readonly visibleTimeoutMs?: number;
  /** A burst has settled when no newer version came for this long (default 1 s). */
  readonly settleMs?: number;
  /** …or when the oldest unapplied version waited this long (default 10 s). */
  readonly maxBatchMs?: number;
  readonly now?: () => number;
}

const reloads = new Counter({
  name: 'switchboard_asterisk_reloads_total',
  help: 'Module reloads asked of Asterisk, by module and outcome.',
  labelNames: ['module', 'outcome'],
  registers: [registry],
});
const checks = new Counter({
  name: 'switchboard_asterisk_config_checks_total',
  help: 'GetConfig rounds asking Asterisk which configuration files it sees.',
  registers: [registry],
});
const applySeconds = new Histogram({
  name: 'switchboard_asterisk_apply_seconds',
  help: 'From a version being rendered to Asterisk having loaded it (or a newer one).',
  buckets: [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300],
  registers: [registry],
});

type Client = Pick<AmiClient, 'action' | 'list' | 'state'>;

interface Pending {
  readonly version: ConfigVersion;
  readonly at: number;
  /** Came alone after a quiet spell (nothing pending, no version for settleMs): no burst to wait for. */
  readonly alone: boolean;
}

/** At most this many unapplied versions are remembered; the kubelet delivers recent ones. */
const MAX_PENDING = 8;

export class Applier {
  readonly #ns: string;
  readonly #client: Client;
  readonly #view: AsteriskView;
  readonly #log: Logger;
  readonly #pollMs: number;
  readonly #visibleTimeoutMs: number;
  readonly #settleMs: number;
  readonly #maxBatchMs: number;
  readonly #now: () => number;

  #pending: Pending[] = [];
  /** When setDesired last got a new version. */
  #lastDesiredAt: number | undefined;
  #loaded: ConfigVersion | undefined;
  /** CoreStatus startup date and time of the Asterisk last connected to. */
  #startup: string | undefined;
  #startupChecked = false;
  /** What was loaded when the connection dropped (kept if Asterisk did not restart). */
  #beforeOutage: ConfigVersion | undefined;
  /** Endpoint → the revision Asterisk was last seen running (kept across reconnects). */
  readonly #revisions = new Map<string, string>();
  #waitingSince: number | undefined;
  #stopped = false;
  #wake = Promise.withResolvers<void>();
  #running: Promise<void> | undefined;
  #afterReload: ((version: ConfigVersion) => Promise<void>) | undefined;
  #beforeReload:
    | ((loaded: ConfigVersion | undefined, next: ConfigVersion) => Promise<void>)
    | undefined;
  /** Reloads done, by module (tests and benchmarks read it). */
  readonly reloadCount = new Map<string, number>();
  /** Versions confirmed through PJSIPShowEndpoints so far (tests read it). */
  confirmations = 0;

  constructor(
    namespace: string,
    client: Client,
    view: AsteriskView,
    logger: Logger,
    options: ApplierOptions = {},
  ) {
    this.#ns = namespace;
    this.#client = client;
    this.#view = view;
    this.#log = logger.child({ namespace, component: 'asterisk-apply' });
    this.#pollMs = options.pollMs ?? 1_000;
    this.#visibleTimeoutMs = options.visibleTimeoutMs ?? 180_000;
    this.#settleMs = options.settleMs ?? 1_000;
    this.#maxBatchMs = options.maxBatchMs ?? 10_000;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Runs after every reload, before the version's agents are confirmed (queue members). */
  afterReload(hook: (version: ConfigVersion) => Promise<void>): void {
    this.#afterReload = hook;
  }

  /**
   * Runs before res_pjsip is reloaded, with what Asterisk has loaded (if
   * known) and what it is about to load: outbound registrations that go
   * away are unregistered while their transport and auth still exist.
   */
  beforeReload(
    hook: (loaded: ConfigVersion | undefined, next: ConfigVersion) => Promise<void>,
  ): void {
    this.#beforeReload = hook;
  }

  start(): void {
    this.#running ??= this.#loop();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake.resolve();
    await this.#running;
  }

  /** A newly rendered version (the same id again is ignored). */
  setDesired(version: ConfigVersion): void {
    const latest = this.#pending.at(-1)?.version ?? this.#loaded;
    if (latest?.id === version.id) return;
    const now = this.#now();
    // Versions more than settleMs apart are reloaded one by one anyway; only
    // the wait for a burst that is not coming is saved.
    const alone =
      this.#pending.length === 0 &&
      (this.#lastDesiredAt === undefined || now - this.#lastDesiredAt >= this.#settleMs);
    this.#lastDesiredAt = now;
    this.#pending.push({ version, at: now, alone });
    if (this.#pending.length > MAX_PENDING)
      this.#pending.splice(0, this.#pending.length - MAX_PENDING);
    this.#view.setOwners(this.#ns, version.endpoints);
    this.#wake.resolve();
  }

  /**
   * The AMI connection changed. After a reconnect the loaded version is
   * confirmed again, and everything is reloaded once if Asterisk restarted
   * meanwhile (#checkStartup).
   */
  connectionChanged(connected: boolean): void {
    if (!connected && this.#loaded) {
      // Newer pending versions are applied with every module reloaded; else re-apply this one.
      if (this.#pending.length === 0)
        this.#pending.push({ version: this.#loaded, at: this.#now(), alone: true });
      this.#beforeOutage = this.#loaded;
      this.#loaded = undefined;
    }
    if (!connected) this.#startupChecked = false;
    this.#wake.resolve();
  }

  /**
   * After a reconnect: when Asterisk did not restart meanwhile (same startup
   * time in CoreStatus), what it loaded before is still loaded, and only what
   * changed since needs a reload (often nothing: the endpoints are confirmed
   * again without one). At 10,000 agents a reload of res_pjsip takes seconds.
   * A restart within the second of the previous boot looks like none; that
   * costs nothing either, as a restarted Asterisk read the current files.
   */
  async #checkStartup(): Promise<void> {
    const status = await this.#client.action({ action: 'CoreStatus' });
    const f = status.fields;
    const startup = `${String(f.corestartupdate ?? '')} ${String(f.corestartuptime ?? '')}`;
    if (this.#beforeOutage && startup === this.#startup && !this.#loaded) {
      this.#loaded = this.#beforeOutage;
      this.#log.info({ startup }, 'Asterisk did not restart: keeping what it had loaded');
    }
    this.#startup = startup;
    this.#beforeOutage = undefined;
    this.#startupChecked = true;
  }

  async #sleep(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.#wake.promise,
      new Promise<void>((r) => {
        timer = setTimeout(r, ms);
      }),
    ]);
    clearTimeout(timer);
    this.#wake = Promise.withResolvers<void>();
  }

  async #loop(): Promise<void> {
    while (!this.#stopped) {
      if (this.#pending.length === 0 || this.#client.state !== 'connected') {
        await this.#sleep(60_000);
        continue;
      }
      try {
        const delay = await this.#step();
        if (delay > 0) await this.#sleep(delay);
      } catch (err) {
        const message = `applying configuration failed: ${describeError(err)}`;
        this.#log.warn({ err: describeError(err) }, 'asterisk apply failed; retrying');
        this.#view.setPhase(this.#ns, { phase: 'failed', message });
        await this.#sleep(Math.max(this.#pollMs, 2_000));
      }
    }
  }

  /** One pass; returns how long to wait before the next. */
  async #step(): Promise<number> {
    if (!this.#startupChecked) await this.#checkStartup();
    const queries = new Map<string, MarkerQuery>();
    for (const p of this.#pending)
      for (const q of markerQueries(p.version)) queries.set(queryKey(q), q);
    const visible = await readVisible(this.#client, [...queries.values()]);
    checks.inc();
    const now = this.#now();
    const latest = this.#pending.at(-1) as Pending;
    const oldest = this.#pending[0] as Pending;

    const matchIndex = this.#pending.findLastIndex(
      (p) => invisibleFiles(p.version, visible).length === 0,
    );
    if (matchIndex < 0) {
      this.#waitingSince ??= now;
      const missing = invisibleFiles(latest.version, visible);
      const files = `${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ` and ${missing.length - 3} more` : ''}`;
      const waited = now - this.#waitingSince;
      this.#view.setPhase(
        this.#ns,
        waited > this.#visibleTimeoutMs
          ? {
              phase: 'not-visible',
              message: `Asterisk has not read the new configuration within ${Math.round(this.#visibleTimeoutMs / 1000)} s: GetConfig still shows old content of ${files} (is the projected volume mounted, without subPath?)`,
            }
          : {
              phase: 'waiting',
              message: `waiting for Asterisk to read configuration ${latest.version.id} (${files})`,
            },
      );
      return this.#pollMs;
    }
    this.#waitingSince = undefined;

    // Coalesce a burst: reload once the newest version is visible and no newer
    // one came for settleMs, or once the oldest change has waited maxBatchMs.
    // A lone change after a quiet spell (an admin adding one agent) goes at
    // once: a burst costs one reload more, a single change no settle time.
    const match = this.#pending[matchIndex] as Pending;
    const lone = this.#pending.length === 1 && match.alone;
    if (!lone && now - oldest.at < this.#maxBatchMs) {
      if (matchIndex < this.#pending.length - 1) return this.#pollMs;
      if (now - latest.at < this.#settleMs) return this.#settleMs - (now - latest.at);
    }

    const modules = changedModules(this.#loaded, match.version);
    this.#view.setPhase(this.#ns, {
      phase: 'reloading',
      message: `reloading ${modules.join(', ') || 'nothing'} for configuration ${match.version.id}`,
    });
    if (this.#beforeReload && modules.includes('res_pjsip.so')) {
      try {
        await this.#beforeReload(this.#loaded, match.version);
      } catch (err) {
        this.#log.warn({ err: describeError(err) }, 'preparing the res_pjsip reload failed');
      }
    }
    for (const module of modules) {
      const outcome = await reloadModule(this.#client, module);
      reloads.inc({ module, outcome });
      this.reloadCount.set(module, (this.reloadCount.get(module) ?? 0) + 1);
      if (outcome === 'no-such-module')
        this.#log.warn({ module }, 'Asterisk has no such module: its files are not reloaded');
    }
    if (this.#afterReload) {
      // Members before Provisioned: an agent shown ready is offered its queues' calls.
      try {
        await this.#afterReload(match.version);
      } catch (err) {
        this.#log.warn({ err: describeError(err) }, 'queue members not brought up to date');
      }
    }
    const endpoints = await this.#client.list(
      { action: 'PJSIPShowEndpoints' },
      'EndpointList',
      'EndpointListComplete',
    );
    const present = new Set(endpoints.map((e) => endpointListItem(e).objectName));
    const retained = await this.#retained(match.version, present);
    for (const endpoint of retained) present.delete(endpoint);
    this.#view.confirm(
      this.#ns,
      match.version.id,
      match.version.agents,
      match.version.endpoints,
      present,
      retained,
    );
    this.confirmations++;
    const missing = [...match.version.endpoints.values()].filter((e) => !present.has(e)).length;
    this.#log.info(
      { version: match.version.id, modules, agents: match.version.agents.size, missing },
      'asterisk configuration applied',
    );
    applySeconds.observe((now - oldest.at) / 1000);
    this.#loaded = match.version;
    this.#pending = this.#pending.slice(matchIndex + 1);
    this.#view.setPhase(this.#ns, { phase: 'idle' });
    return 0;
  }

  /**
   * Endpoints Asterisk still runs in an older revision: it rejected their new
   * configuration and kept the previous one ("Retaining existing
   * configuration"), which the endpoint list cannot show. Only endpoints whose
   * revision changed since it was last seen are asked about (one
   * PJSIPShowEndpoint each); a new endpoint has no older revision to keep.
   */
  async #retained(version: ConfigVersion, present: ReadonlySet<string>): Promise<Set<string>> {
    const retained = new Set<string>();
    for (const [agent, endpoint] of version.endpoints) {
      const want = version.revisions.get(agent);
      if (!want || !present.has(endpoint)) continue;
      const seen = this.#revisions.get(endpoint);
      if (seen !== undefined && seen !== want) {
        const [detail] = await this.#client.list(
          { action: 'PJSIPShowEndpoint', endpoint },
          'EndpointDetail',
          'EndpointDetailComplete',
        );
        const loaded = revisionIn(detail ? endpointDetailSetVar(detail) : '');
        if (loaded !== want) {
          retained.add(endpoint);
          this.#log.warn(
            { endpoint, loaded, wanted: want },
            'Asterisk kept an older configuration of the endpoint: it rejected the new one',
          );
          continue;
        }
      }
      this.#revisions.set(endpoint, want);
    }
    const current = new Set(version.endpoints.values());
    for (const endpoint of this.#revisions.keys())
      if (!current.has(endpoint)) this.#revisions.delete(endpoint);
    return retained;
  }
}

/** The revision in an endpoint's SetVar ("SWITCHBOARD_REVISION=<hex>,..."), if any. */
export function revisionIn(setVar: string): string | undefined {
  return new RegExp(`(?:^|[,\\s])${REVISION_VARIABLE}=([0-9a-f]+)`).exec(setVar)?.[1];
}
