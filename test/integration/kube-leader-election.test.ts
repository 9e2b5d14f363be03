// kube/leader-election.ts against the real kube-apiserver, with a short lease
// (2 s, renew deadline 1.5 s, retry 0.3 s): one leader at a time; a clean stop
// hands over at once; a dead leader is replaced once its lease expires; a leader
// cut off from the API server steps down before anyone else can take over.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeConfig, V1LeaseSpec } from '@kubernetes/client-node';
import { LeaderElector } from '../../operator/src/kube/leader-election.ts';
import { ApiShim } from '../../operator/src/kube/testing/api-shim.ts';
import { silentLogger } from '../../operator/src/log.ts';
import { createNamespace, kubectl, testCluster } from '../support/cluster.ts';
import { waitUntil } from '../support/wait.ts';

const cluster = testCluster();
const LEASE_MS = 2000;
const RENEW_DEADLINE_MS = 1500;
const RETRY_MS = 300;
let ns: Awaited<ReturnType<typeof createNamespace>>;
const electors: LeaderElector[] = [];

before(async () => {
  ns = await createNamespace(cluster, 'kube-leader');
});
after(async () => {
  await Promise.all(electors.map((e) => e.stop()));
  await ns?.cleanup();
});

interface Candidate {
  readonly identity: string;
  readonly elector: LeaderElector;
  /** performance.now() of each onStartedLeading / onStoppedLeading. */
  readonly started: number[];
  readonly stopped: number[];
}

function candidate(identity: string, lease: string, kc: KubeConfig = cluster.kc): Candidate {
  const started: number[] = [];
  const stopped: number[] = [];
  const elector = new LeaderElector({
    kc,
    namespace: ns.name,
    name: lease,
    identity,
    leaseDurationMs: LEASE_MS,
    renewDeadlineMs: RENEW_DEADLINE_MS,
    retryPeriodMs: RETRY_MS,
    logger: silentLogger,
    onStartedLeading: () => started.push(performance.now()),
    onStoppedLeading: () => stopped.push(performance.now()),
  });
  electors.push(elector);
  return { identity, elector, started, stopped };
}

/** The Lease as kubectl shows it. */
async function leaseSpec(name: string): Promise<V1LeaseSpec> {
  const r = await kubectl(cluster, ['get', 'lease', name, '-n', ns.name, '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { spec: V1LeaseSpec }).spec;
}

/** `a` leads; `b` campaigns and has seen `a`'s record (its first attempts came and went). */
async function leaderAndFollower(lease: string, kc?: KubeConfig): Promise<[Candidate, Candidate]> {
  const a = candidate(`${lease}-a`, lease, kc);
  const b = candidate(`${lease}-b`, lease);
  a.elector.start();
  await waitUntil('a leads', () => a.elector.isLeader, 10_000, 20);
  b.elector.start();
  // Nothing outside shows a follower's attempts; two retry periods cover its first ones.
  await new Promise((resolve) => setTimeout(resolve, 2 * RETRY_MS));
  assert.equal(b.elector.isLeader, false);
  assert.equal((await leaseSpec(lease)).holderIdentity, a.identity);
  return [a, b];
}

describe('kube leader election (real API server)', { timeout: 20_000 }, () => {
  it('elects exactly one leader, which keeps renewing the Lease', async () => {
    const lease = 'le-one';
    const all = ['x', 'y', 'z'].map((id) => candidate(id, lease));
    for (const c of all) c.elector.start();
    await waitUntil('a leader', () => all.some((c) => c.elector.isLeader), 10_000, 20);
    const leader = all.find((c) => c.elector.isLeader);
    const first = await leaseSpec(lease);
    // Over several renewals, never two leaders, never a change of leader.
    const until = performance.now() + 4 * RETRY_MS;
    while (performance.now() < until) {
      assert.deepEqual(
        all.filter((c) => c.elector.isLeader).map((c) => c.identity),
        [leader?.identity],
      );
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const later = await leaseSpec(lease);
    assert.equal(later.holderIdentity, leader?.identity);
    assert.equal(later.leaseDurationSeconds, 2);
    assert.equal(later.leaseTransitions, 0, 'created by its first leader');
    assert.notEqual(later.renewTime, first.renewTime, 'renewed');
    assert.equal(later.acquireTime, first.acquireTime, 'one term');
    assert.match(String(later.renewTime), /\.\d{6}Z$/, 'MicroTime');
    assert.deepEqual(
      all.map((c) => [c.started.length, c.stopped.length]),
      all.map((c) => [c === leader ? 1 : 0, 0]),
    );
    for (const c of all) await c.elector.stop();
  });

  it('hands over at once when the leader stops: stop() releases the Lease', async (t) => {
    const lease = 'le-release';
    const [a, b] = await leaderAndFollower(lease);
    const t0 = performance.now();
    await a.elector.stop();
    await waitUntil('b takes over', () => b.elector.isLeader, 5_000, 10);
    const takeoverMs = performance.now() - t0;
    t.diagnostic(`takeover after stop(): ${takeoverMs.toFixed(0)} ms`);
    assert.ok(
      takeoverMs < LEASE_MS / 2,
      `took over in ${takeoverMs.toFixed(0)} ms, without waiting for expiry`,
    );
    assert.equal(a.elector.isLeader, false);
    assert.equal(a.stopped.length, 0, 'a deliberate stop is not a lost election');
    const spec = await leaseSpec(lease);
    assert.equal(spec.holderIdentity, b.identity);
    assert.equal(spec.leaseTransitions, 1);
    await b.elector.stop();
    assert.equal((await leaseSpec(lease)).holderIdentity, '', 'released: no holder');
  });

  it('replaces a leader that died without releasing once its lease expires', async (t) => {
    const lease = 'le-crash';
    const [a, b] = await leaderAndFollower(lease);
    const t0 = performance.now();
    a.elector.crash(); // stops renewing, releases nothing: a killed process
    await waitUntil('b takes over', () => b.elector.isLeader, 10_000, 10);
    const takeoverMs = performance.now() - t0;
    t.diagnostic(`takeover after crash(): ${takeoverMs.toFixed(0)} ms`);
    // a's last renewal was at most one retry period before the crash; b waits a whole
    // lease from when it saw that renewal, then at most one more attempt.
    assert.ok(
      takeoverMs >= LEASE_MS - RETRY_MS - 200,
      `not before expiry: ${takeoverMs.toFixed(0)} ms`,
    );
    assert.ok(
      takeoverMs <= LEASE_MS + RETRY_MS + 700,
      `soon after expiry: ${takeoverMs.toFixed(0)} ms`,
    );
    const spec = await leaseSpec(lease);
    assert.equal(spec.holderIdentity, b.identity);
    assert.equal(spec.leaseTransitions, 1);
    assert.deepEqual([a.started.length, a.stopped.length, b.started.length], [1, 0, 1]);
  });

  it('steps down when cut off from the API server, before another replica takes over', async (t) => {
    const lease = 'le-cutoff';
    const shim = await ApiShim.start(cluster.kc);
    try {
      const [a, b] = await leaderAndFollower(lease, shim.kc);
      const t0 = performance.now();
      shim.blackhole(true); // a's requests now hang: only its own deadline ends them
      await waitUntil('a steps down', () => a.stopped.length === 1, 5_000, 10);
      await waitUntil('b takes over', () => b.elector.isLeader, 5_000, 10);
      const [stoppedAt = 0] = a.stopped;
      const [startedAt = 0] = b.started;
      t.diagnostic(
        `a stepped down ${(stoppedAt - t0).toFixed(0)} ms after the cut, b led ${(startedAt - stoppedAt).toFixed(0)} ms later`,
      );
      assert.ok(
        stoppedAt - t0 <= RENEW_DEADLINE_MS + 200,
        `a stepped down after ${(stoppedAt - t0).toFixed(0)} ms`,
      );
      assert.ok(startedAt > stoppedAt, 'never two leaders');
      assert.equal(a.elector.isLeader, false);

      // Reconnected, a finds b's unexpired term and stays a follower.
      shim.blackhole(false);
      await new Promise((resolve) => setTimeout(resolve, 3 * RETRY_MS));
      assert.equal(a.elector.isLeader, false);
      assert.equal(b.elector.isLeader, true);
      const spec = await leaseSpec(lease);
      assert.equal(spec.holderIdentity, b.identity);
      assert.equal(spec.leaseTransitions, 1);
    } finally {
      await Promise.all(electors.map((e) => e.stop()));
      await shim.close();
    }
  });
});
