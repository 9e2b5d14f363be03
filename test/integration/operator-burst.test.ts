// 200 agents created at once, with the leader killed in the middle: every
// agent ends with a unique extension and exactly one credentials Secret, and
// the standby replica takes over within the lease time.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { loadConfig } from '../../operator/src/config.ts';
import { createNamespace, testCluster } from '../support/cluster.ts';
import { installCrds } from '../support/crds.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import { condition, decode, Resources } from '../support/resources.ts';
import { waitUntil } from '../support/wait.ts';

const cluster = testCluster();
let ns: Awaited<ReturnType<typeof createNamespace>>;
let r: Resources;
const operators: OperatorProcess[] = [];

before(async () => {
  await installCrds(cluster);
  ns = await createNamespace(cluster, 'op-burst');
  r = new Resources(cluster, ns.name);
  await r.createConfig();
});
after(async () => {
  await Promise.all(operators.map((o) => o.kill()));
  await ns?.cleanup();
});

async function leaseHolder(): Promise<string | undefined> {
  const { CoordinationV1Api } = await import('@kubernetes/client-node');
  const api = cluster.kc.makeApiClient(CoordinationV1Api);
  try {
    return (
      (await api.readNamespacedLease({ name: 'switchboard-operator', namespace: ns.name })).spec
        ?.holderIdentity ?? undefined
    );
  } catch {
    return undefined;
  }
}

it('allocates 200 simultaneous agents uniquely across a leader failover', {
  timeout: 180_000,
}, async () => {
  const a = await startOperator(cluster, ns.name, 'replica-a');
  operators.push(a);
  await waitUntil('replica-a leads', async () => (await leaseHolder()) === 'replica-a');
  const b = await startOperator(cluster, ns.name, 'replica-b');
  operators.push(b);

  const count = 200;
  const creations = Array.from({ length: count }, (_, i) =>
    r.createAgent(`agent-${String(i).padStart(3, '0')}`, { displayName: `Agent ${i}` }),
  );
  // Kill the leader while the burst is being processed.
  await waitUntil(
    'some credentials made',
    async () => (await r.secrets('app.kubernetes.io/component=sip-credentials')).length >= 20,
  );
  const killedAt = Date.now();
  await a.kill();
  await Promise.all(creations);

  await waitUntil('replica-b leads', async () => (await leaseHolder()) === 'replica-b', 30_000);
  const takeoverMs = Date.now() - killedAt;
  assert.ok(takeoverMs < 16_000, `takeover took ${takeoverMs} ms`);

  await waitUntil(
    'all agents have credentials',
    async () =>
      (await r.agents()).filter((x) => condition(x, 'CredentialsReady')?.status === 'True')
        .length === count,
    120_000,
    250,
  );
  const agents = await r.agents();
  const extensions = agents.map((x) => x.status?.extension);
  assert.equal(new Set(extensions).size, count, 'every extension unique');
  // Dense from 1000, except that reservations in flight when the leader was killed
  // (at most one per worker) may leave gaps: the new leader allocates after the
  // highest extension it finds, and gaps are reused only at the end of the range.
  const sorted = (extensions as number[]).toSorted((x, y) => x - y);
  assert.equal(sorted[0], 1000, 'starts at the range start');
  const gaps = (sorted.at(-1) ?? 0) - 1000 + 1 - count;
  const workers = loadConfig({}).concurrency;
  assert.ok(
    gaps >= 0 && gaps <= workers,
    `${gaps} gaps; at most ${workers} reservations can die with the leader`,
  );
  const secrets = await r.secrets('app.kubernetes.io/component=sip-credentials');
  assert.equal(secrets.length, count, 'exactly one Secret per agent');
  const usernames = new Set(secrets.map((s) => decode(s, 'username')));
  assert.equal(usernames.size, count, 'every username unique');
  for (const agent of agents) {
    const secret = secrets.find((s) => s.metadata?.name === agent.status?.credentialsSecretName);
    assert.equal(
      decode(secret, 'extension'),
      String(agent.status?.extension),
      `${agent.metadata.name}: status and Secret agree`,
    );
  }
  console.log(`leader takeover after SIGKILL: ${takeoverMs} ms`);

  // A graceful stop releases the Lease: the standby takes over at once.
  const c = await startOperator(cluster, ns.name, 'replica-c');
  operators.push(c);
  const stoppedAt = Date.now();
  await b.stop();
  await waitUntil('replica-c leads', async () => (await leaseHolder()) === 'replica-c', 10_000);
  const handoverMs = Date.now() - stoppedAt;
  assert.ok(handoverMs < 4_000, `handover after SIGTERM took ${handoverMs} ms`);
  console.log(`leader handover after SIGTERM: ${handoverMs} ms`);
});
