// Leader election on a coordination.k8s.io/v1 Lease, after client-go's
// leaderelection package:
// - every write carries the resourceVersion it was based on, so of two replicas
//   acting on the same record only one succeeds (the other gets 409);
// - a holder's term is judged by the LOCAL monotonic time at which this replica
//   last saw the record change, never by the renewTime written on another
//   machine's clock;
// - the leader renews every retryPeriod and steps down (onStoppedLeading) when it
//   has not renewed for renewDeadline, which is shorter than the lease, so it
//   stops before anyone may take over. Requests are aborted at that deadline.
// A replica that lost keeps campaigning; onStartedLeading may come again.
import { CoordinationV1Api, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import { describeError, isConflict, isNotFound } from '../clients/errors.ts';
import type { Logger } from '../log.ts';
import { claimedSpec, recordKey, releasedSpec } from './lease-record.ts';
import { gauge } from './metric.ts';
import { withSignal } from './request-options.ts';

export interface LeaderElectionOptions {
  kc: KubeConfig;
  namespace: string;
  /** Name of the Lease. */
  name: string;
  /** Unique per replica (the Pod name). */
  identity: string;
  /** Where this replica's API answers (written on the Lease while leading, so followers can forward). */
  apiEndpoint?: string;
  /** How long a term lasts without renewal (default 15 s; written in whole seconds). */
  leaseDurationMs?: number;
  /** The leader steps down after failing to renew for this long (default 10 s). */
  renewDeadlineMs?: number;
  /** Interval between attempts to acquire or renew (default 2 s). */
  retryPeriodMs?: number;
  logger?: Logger;
  onStartedLeading: () => void;
  /** Leadership lost (not called by stop()): stop writing at once. */
  onStoppedLeading: () => void;
}

const leaderGauge = gauge({
  name: 'switchboard_leader',
  help: '1 while this replica holds the leader Lease.',
});

type Outcome = 'acquired' | 'renewed' | 'held-by-other' | 'conflict';

/** Lease annotation: the leader's API endpoint (followers forward what only the leader can do). */
export const LEADER_ENDPOINT_ANNOTATION = 'switchboard.dev/api-endpoint';

/** The record as this replica last saw it, and when it saw it change (performance.now()). */
interface Observation {
  key: string;
  holder: string;
  endpoint: string | undefined;
  durationMs: number;
  at: number;
}

export class LeaderElector {
  readonly #api: CoordinationV1Api;
  readonly #namespace: string;
  readonly #endpoint: string | undefined;
  readonly #name: string;
  readonly #identity: string;
  readonly #leaseSeconds: number;
  readonly #renewDeadlineMs: number;
  readonly #retryPeriodMs: number;
  readonly #logger: Logger | undefined;
  readonly #onStartedLeading: () => void;
  readonly #onStoppedLeading: () => void;

  #running = false;
  #leader = false;
  #observed: Observation | undefined;
  /** Consecutive failed attempts: the first of a streak is a warning, the rest debug. */
  #failures = 0;
  #nextAttempt: NodeJS.Timeout | undefined;
  #renewDeadline: NodeJS.Timeout | undefined;
  #attempt: AbortController | undefined;
  #loop: Promise<void> = Promise.resolve();

  constructor(options: LeaderElectionOptions) {
    const leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.#renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.#retryPeriodMs = options.retryPeriodMs ?? 2_000;
    // client-go's rule: the leader must give up before its lease can expire elsewhere.
    if (
      !(
        leaseDurationMs > this.#renewDeadlineMs &&
        this.#renewDeadlineMs > this.#retryPeriodMs &&
        this.#retryPeriodMs > 0
      )
    ) {
      throw new Error(
        'leader election needs leaseDurationMs > renewDeadlineMs > retryPeriodMs > 0',
      );
    }
    this.#api = options.kc.makeApiClient(CoordinationV1Api);
    this.#namespace = options.namespace;
    this.#name = options.name;
    this.#identity = options.identity;
    this.#endpoint = options.apiEndpoint;
    this.#leaseSeconds = Math.ceil(leaseDurationMs / 1000);
    this.#logger = options.logger?.child({
      lease: `${options.namespace}/${options.name}`,
      identity: options.identity,
    });
    this.#onStartedLeading = options.onStartedLeading;
    this.#onStoppedLeading = options.onStoppedLeading;
  }

  get isLeader(): boolean {
    return this.#leader;
  }

  /** The current leader's API endpoint as the Lease last showed it (undefined: none, or this replica). */
  get leaderEndpoint(): string | undefined {
    const o = this.#observed;
    if (!o || o.holder === '' || o.holder === this.#identity || this.#expired()) return undefined;
    return o.endpoint;
  }

  /** The Lease's metadata with this replica's endpoint on it (when it has one). */
  #withEndpoint(metadata: V1Lease['metadata']): V1Lease['metadata'] {
    if (!this.#endpoint) return metadata;
    return {
      ...metadata,
      annotations: { ...metadata?.annotations, [LEADER_ENDPOINT_ANNOTATION]: this.#endpoint },
    };
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedule(0);
  }

  /**
   * Stops campaigning. A leader releases the Lease (holder cleared) so another
   * replica takes over at its next attempt instead of after the lease expires.
   * onStoppedLeading is not called: the caller stopped its work before calling this.
   */
  async stop(): Promise<void> {
    // An attempt in flight may still land on the server even though it is aborted here.
    const held =
      this.#leader || this.#observed?.holder === this.#identity || this.#attempt !== undefined;
    this.#halt();
    await this.#loop; // no renewal may land after the release
    if (held) await this.#release();
  }

  /**
   * Test hook: stops renewing WITHOUT releasing and without callbacks, as if the
   * process had died; other replicas take over once the lease expires.
   */
  crash(): void {
    this.#halt();
  }

  #halt(): void {
    this.#running = false;
    clearTimeout(this.#nextAttempt);
    clearTimeout(this.#renewDeadline);
    this.#attempt?.abort();
    if (this.#leader) {
      this.#leader = false;
      leaderGauge.set(0);
    }
  }

  #schedule(delayMs: number): void {
    if (!this.#running) return;
    this.#nextAttempt = setTimeout(() => {
      this.#loop = this.#tick();
    }, delayMs);
  }

  async #tick(): Promise<void> {
    const started = performance.now();
    const attempt = new AbortController();
    this.#attempt = attempt;
    // No request may outlive the renew deadline (a leader's deadline timer aborts sooner).
    const signal = AbortSignal.any([attempt.signal, AbortSignal.timeout(this.#renewDeadlineMs)]);
    let outcome: Outcome | undefined;
    try {
      outcome = await this.#tryAcquireOrRenew(signal);
      if (this.#failures > 0)
        this.#logger?.info({ failures: this.#failures }, 'lease reachable again');
      this.#failures = 0;
    } catch (err) {
      this.#failures++;
      if (this.#running) {
        const level = this.#leader || this.#failures === 1 ? 'warn' : 'debug';
        this.#logger?.[level](
          { err: describeError(err), failures: this.#failures },
          'lease attempt failed',
        );
      }
    }
    this.#attempt = undefined;
    if (!this.#running) return;
    if (outcome === 'acquired' || outcome === 'renewed') this.#renewed(started, outcome);
    else if (outcome === 'held-by-other') this.#lose('another replica holds the lease');
    // 'conflict' or an error: retry; if that goes on, the renew deadline ends leadership.
    this.#schedule(this.#nextDelay());
  }

  async #tryAcquireOrRenew(signal: AbortSignal): Promise<Outcome> {
    const options = withSignal(signal);
    const ref = { name: this.#name, namespace: this.#namespace };
    let lease: V1Lease;
    try {
      lease = await this.#api.readNamespacedLease(ref, options);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      const body: V1Lease = {
        metadata: this.#withEndpoint(ref),
        spec: claimedSpec(undefined, this.#identity, this.#leaseSeconds),
      };
      try {
        const created = await this.#api.createNamespacedLease(
          { namespace: this.#namespace, body },
          options,
        );
        this.#observe(created);
        return 'acquired';
      } catch (createErr) {
        if (isConflict(createErr)) return 'conflict'; // another replica created it first
        throw createErr;
      }
    }

    this.#observe(lease);
    const holder = lease.spec?.holderIdentity ?? '';
    if (holder !== '' && holder !== this.#identity && !this.#expired()) return 'held-by-other';

    const body: V1Lease = {
      ...lease,
      metadata: this.#withEndpoint(lease.metadata),
      spec: claimedSpec(lease.spec, this.#identity, this.#leaseSeconds),
    };
    try {
      // body.metadata.resourceVersion is the one read: a write in between makes this 409.
      const updated = await this.#api.replaceNamespacedLease({ ...ref, body }, options);
      this.#observe(updated);
    } catch (err) {
      if (isConflict(err)) return 'conflict';
      throw err;
    }
    if (holder !== this.#identity) {
      this.#logger?.info(
        { previousHolder: holder || undefined, leaseTransitions: body.spec?.leaseTransitions },
        'acquired the leader lease',
      );
      return 'acquired';
    }
    return 'renewed';
  }

  #observe(lease: V1Lease): void {
    const spec = lease.spec;
    const key = recordKey(spec);
    if (this.#observed?.key === key) return;
    this.#observed = {
      key,
      holder: spec?.holderIdentity ?? '',
      endpoint: lease.metadata?.annotations?.[LEADER_ENDPOINT_ANNOTATION],
      durationMs: (spec?.leaseDurationSeconds ?? this.#leaseSeconds) * 1000,
      at: performance.now(),
    };
  }

  #expired(): boolean {
    const o = this.#observed;
    return !o || performance.now() >= o.at + o.durationMs;
  }

  /** A leader renews every retry period; a follower also tries right when the current term ends. */
  #nextDelay(): number {
    const o = this.#observed;
    if (!this.#leader && o && o.holder !== '' && o.holder !== this.#identity) {
      const untilExpiry = o.at + o.durationMs - performance.now();
      if (untilExpiry >= 0 && untilExpiry < this.#retryPeriodMs) return Math.ceil(untilExpiry) + 1;
    }
    return this.#retryPeriodMs;
  }

  #renewed(attemptStarted: number, outcome: 'acquired' | 'renewed'): void {
    // Measured from when the successful attempt began: other replicas saw the
    // record change no earlier than that, so their clocks for this term start later.
    clearTimeout(this.#renewDeadline);
    const remaining = this.#renewDeadlineMs - (performance.now() - attemptStarted);
    this.#renewDeadline = setTimeout(
      () => this.#lose('could not renew within the renew deadline'),
      remaining,
    );
    if (this.#leader) return;
    this.#leader = true;
    leaderGauge.set(1);
    // A takeover was logged with its details; this is a term of our own we had given up.
    if (outcome === 'renewed') this.#logger?.info('leading again under its own unexpired term');
    this.#call(this.#onStartedLeading, 'onStartedLeading');
  }

  #lose(reason: string): void {
    clearTimeout(this.#renewDeadline);
    if (!this.#leader) return;
    this.#leader = false;
    leaderGauge.set(0);
    this.#attempt?.abort();
    this.#logger?.warn({ reason }, 'lost the leader lease');
    this.#call(this.#onStoppedLeading, 'onStoppedLeading');
  }

  #call(callback: () => void, name: string): void {
    try {
      callback();
    } catch (err) {
      this.#logger?.error(
        { err: describeError(err), callback: name },
        'leader election callback threw',
      );
    }
  }

  /** Clears the holder if it is still this replica; on failure the lease simply expires. */
  async #release(): Promise<void> {
    const signal = AbortSignal.timeout(this.#renewDeadlineMs);
    const ref = { name: this.#name, namespace: this.#namespace };
    try {
      for (let tries = 0; tries < 3; tries++) {
        const lease = await this.#api.readNamespacedLease(ref, withSignal(signal));
        if (lease.spec?.holderIdentity !== this.#identity) return;
        try {
          await this.#api.replaceNamespacedLease(
            { ...ref, body: { ...lease, spec: releasedSpec(lease.spec) } },
            withSignal(signal),
          );
          this.#observed = undefined;
          this.#logger?.info('released the leader lease');
          return;
        } catch (err) {
          if (!isConflict(err)) throw err;
        }
      }
    } catch (err) {
      this.#logger?.warn(
        { err: describeError(err) },
        'could not release the leader lease; it will expire',
      );
    }
  }
}
