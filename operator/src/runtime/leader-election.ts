// Leader election on a coordination.k8s.io/v1 Lease, after client-go's
// leaderelection: every write carries the resourceVersion it was based on;
// a lease counts as expired by the LOCAL time since its record last changed
// (clocks of replicas may disagree); the leader renews every retry period and
// steps down when it could not renew within the renew deadline.
import { CoordinationV1Api, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import { Gauge } from 'prom-client';
import { describeError, isConflict, isNotFound } from '../clients/errors.ts';
import { microTime } from '../clients/time.ts';
import type { Logger } from '../log.ts';
import { registry } from '../metrics.ts';

export interface LeaderElectionOptions {
  kc: KubeConfig;
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  logger?: Logger;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
}

const leaderGauge = new Gauge({
  name: 'switchboard_leader',
  help: '1 while this replica holds the leader Lease.',
  registers: [registry],
});

export class LeaderElector {
  readonly #o: Required<Omit<LeaderElectionOptions, 'logger'>> & { logger?: Logger };
  readonly #api: CoordinationV1Api;
  #leader = false;
  #running = false;
  #timer: NodeJS.Timeout | undefined;
  /** The last record seen and when (local clock) it last changed. */
  #observed: { holder: string; renewTime: string; at: number } | undefined;
  #lastRenew = 0;

  constructor(options: LeaderElectionOptions) {
    // 10 s lease + 2 s retry: a dead leader is replaced within about 14 s (its
    // last renewal may be seen one retry late, and the expiry noticed one late).
    this.#o = {
      leaseDurationMs: 10_000,
      renewDeadlineMs: 7_000,
      retryPeriodMs: 2_000,
      ...options,
    };
    this.#api = options.kc.makeApiClient(CoordinationV1Api);
  }

  get isLeader(): boolean {
    return this.#leader;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    void this.#tick();
  }

  /** Stops campaigning; a leader releases the Lease so another replica takes over at once. */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    if (!this.#leader) return;
    try {
      const lease = await this.#api.readNamespacedLease({
        name: this.#o.name,
        namespace: this.#o.namespace,
      });
      if (lease.spec?.holderIdentity === this.#o.identity) {
        lease.spec = {
          ...lease.spec,
          holderIdentity: undefined,
          leaseDurationSeconds: 1,
          renewTime: microTime(new Date()) as never,
        };
        await this.#api.replaceNamespacedLease({
          name: this.#o.name,
          namespace: this.#o.namespace,
          body: lease,
        });
      }
    } catch (err) {
      this.#o.logger?.warn({ err: describeError(err) }, 'could not release the leader lease');
    }
    // A deliberate stop is not a lost election: no onStoppedLeading.
    this.#leader = false;
    leaderGauge.set(0);
  }

  /** Test hook: stop renewing without releasing, as a crashed process would. */
  abandon(): void {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#leader = false;
  }

  async #tick(): Promise<void> {
    if (!this.#running) return;
    let acquired = false;
    try {
      acquired = await this.#tryAcquireOrRenew();
    } catch (err) {
      this.#o.logger?.warn({ err: describeError(err) }, 'leader election round failed');
    }
    if (!this.#running) return;
    const now = Date.now();
    if (acquired) {
      this.#lastRenew = now;
      this.#setLeader(true);
    } else if (this.#leader && now - this.#lastRenew > this.#o.renewDeadlineMs) {
      this.#setLeader(false);
    }
    this.#timer = setTimeout(() => void this.#tick(), this.#o.retryPeriodMs);
  }

  async #tryAcquireOrRenew(): Promise<boolean> {
    const now = new Date();
    const { name, namespace, identity } = this.#o;
    const durationSeconds = Math.ceil(this.#o.leaseDurationMs / 1000);
    let lease: V1Lease;
    try {
      lease = await this.#api.readNamespacedLease({ name, namespace });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      const body: V1Lease = {
        metadata: { name, namespace },
        spec: {
          holderIdentity: identity,
          leaseDurationSeconds: durationSeconds,
          acquireTime: microTime(now) as never,
          renewTime: microTime(now) as never,
          leaseTransitions: 0,
        },
      };
      try {
        await this.#api.createNamespacedLease({ namespace, body });
        return true;
      } catch (e) {
        if (isConflict(e)) return false;
        throw e;
      }
    }

    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const renewTime = String(spec.renewTime ?? '');
    if (
      !this.#observed ||
      this.#observed.holder !== holder ||
      this.#observed.renewTime !== renewTime
    ) {
      this.#observed = { holder, renewTime, at: Date.now() };
    }
    const leaseMs = (spec.leaseDurationSeconds ?? durationSeconds) * 1000;
    const expired = holder === '' || Date.now() > this.#observed.at + leaseMs;
    if (holder !== identity && !expired) return false;

    const takeover = holder !== identity;
    lease.spec = {
      ...spec,
      holderIdentity: identity,
      leaseDurationSeconds: durationSeconds,
      renewTime: microTime(now) as never,
      ...(takeover
        ? {
            acquireTime: microTime(now) as never,
            leaseTransitions: (spec.leaseTransitions ?? 0) + 1,
          }
        : {}),
    };
    try {
      await this.#api.replaceNamespacedLease({ name, namespace, body: lease }); // carries metadata.resourceVersion
      return true;
    } catch (err) {
      if (isConflict(err)) return false;
      throw err;
    }
  }

  #setLeader(leader: boolean): void {
    if (leader === this.#leader) return;
    this.#leader = leader;
    leaderGauge.set(leader ? 1 : 0);
    if (leader) this.#o.onStartedLeading();
    else this.#o.onStoppedLeading();
  }
}
