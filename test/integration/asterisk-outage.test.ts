// Asterisk goes away (the AMI test server closes its port) and comes back on
// the same port: within seconds every agent says so (Ready/Provisioned False
// AsteriskNotConnected, not registered), with one status write per agent for
// the outage and one for its end, and provisioning is back within 5 s of AMI
// accepting connections again. A blip that reconnects at once costs no write.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CustomObjectsApi } from '@kubernetes/client-node';
import type { SipAgent } from '../../operator/src/crds/types.ts';
import { createInformer, type Informer } from '../../operator/src/kube/informer.ts';
import { type AmiServer, startAmiServer } from '../ami-server/server.ts';
import { AMI_USER, startTestAsterisk, type TestAsterisk } from '../support/asterisk.ts';
import { createNamespace, testCluster } from '../support/cluster.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import { condition, Resources } from '../support/resources.ts';
import { waitUntil } from '../support/wait.ts';

const cluster = testCluster();
const AGENTS = Array.from({ length: 12 }, (_, i) => `outage-${i}`);
let ns: Awaited<ReturnType<typeof createNamespace>>;
let r: Resources;
let asterisk: TestAsterisk;
let ami: AmiServer;
let operator: OperatorProcess;
let watcher: Informer<SipAgent>;
/** Per agent, every resourceVersion seen: each new one is one write. */
const versions = new Map<string, Set<string>>();
const agentsNow = new Map<string, SipAgent>();

/** Writes per agent since `mark()`. */
const mark = () => {
  const at = new Map([...versions].map(([n, s]) => [n, s.size]));
  return () => AGENTS.map((n) => (versions.get(n)?.size ?? 0) - (at.get(n) ?? 0));
};
const every = (check: (a: SipAgent) => boolean) =>
  AGENTS.every((n) => {
    const a = agentsNow.get(n);
    return a !== undefined && check(a);
  });
const provisioned = (a: SipAgent) => condition(a, 'Provisioned')?.status === 'True';

before(async () => {
  ns = await createNamespace(cluster, 'asterisk-outage');
  r = new Resources(cluster, ns.name);
  asterisk = await startTestAsterisk(cluster, r);
  ami = asterisk.ami;
  operator = await startOperator(cluster, ns.name, 'asterisk-outage', { ASTERISK_POLL_MS: '100' });
  const custom = cluster.kc.makeApiClient(CustomObjectsApi);
  watcher = createInformer<SipAgent>(cluster.kc, {
    name: `outage-test-${ns.name}`,
    path: `/apis/switchboard.dev/v1alpha1/namespaces/${ns.name}/sipagents`,
    list: () =>
      custom.listNamespacedCustomObject({
        group: 'switchboard.dev',
        version: 'v1alpha1',
        namespace: ns.name,
        plural: 'sipagents',
      }) as Promise<{ items: SipAgent[] }>,
  });
  const see = (a: SipAgent) => {
    agentsNow.set(a.metadata.name, a);
    const seen = versions.get(a.metadata.name) ?? new Set<string>();
    seen.add(a.metadata.resourceVersion ?? '');
    versions.set(a.metadata.name, seen);
  };
  watcher.on('add', see);
  watcher.on('update', see);
  await watcher.start();
  await r.createConfig({ ami: asterisk.amiSpec });
  for (const n of AGENTS) await r.createAgent(n, { displayName: `Outage ${n}` });
});
after(async () => {
  await watcher?.stop();
  await operator?.stop();
  if (ami !== asterisk?.ami) await ami?.close();
  await asterisk?.close();
  await ns?.cleanup();
});

describe('an Asterisk outage', () => {
  it('provisions the agents and registers one', async () => {
    await waitUntil('every agent provisioned', () => every(provisioned));
    const first = agentsNow.get(AGENTS[0] ?? '')?.status?.sipUsername ?? '';
    ami.register(first);
    await waitUntil(
      'registered',
      () => agentsNow.get(AGENTS[0] ?? '')?.status?.registered === true,
    );
  });

  it('costs no status write when the connection comes back at once', async () => {
    const writes = mark();
    const reloads = ami.reloads.length;
    const checks = async () =>
      Number(
        /^switchboard_asterisk_config_checks_total (\d+)/m.exec(await operator.metrics())?.[1],
      );
    const before = await checks();
    ami.dropConnections();
    // The operator logs in again and confirms what Asterisk has (one more GetConfig round).
    await waitUntil('reconnected and confirmed', async () => (await checks()) > before);
    assert.equal(ami.reloads.length, reloads, 'the same Asterisk: nothing reloaded');
    // Past the grace (2 s) and the status batch (200 ms): any write would be here by now.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    assert.deepEqual(writes(), Array(AGENTS.length).fill(0));
    assert.ok(every(provisioned));
    assert.equal(agentsNow.get(AGENTS[0] ?? '')?.status?.registered, true);
  });

  it('shows on every agent within seconds, with one write each', async () => {
    const writes = mark();
    const lostAt = performance.now();
    await ami.close(); // Asterisk is gone: its port refuses connections
    await waitUntil('every agent shows the outage', () =>
      every(
        (a) =>
          condition(a, 'Provisioned')?.reason === 'AsteriskNotConnected' &&
          condition(a, 'Ready')?.status === 'False' &&
          a.status?.registered === false &&
          a.status?.contacts === 0,
      ),
    );
    const shownMs = performance.now() - lostAt;
    console.log(`outage shown on ${AGENTS.length} agents ${Math.round(shownMs)} ms after the loss`);
    assert.ok(shownMs < 5_000, `${Math.round(shownMs)} ms`);
    const a = agentsNow.get(AGENTS[0] ?? '') as SipAgent;
    const p = condition(a, 'Provisioned');
    assert.equal(p?.status, 'False');
    assert.match(
      p?.message ?? '',
      new RegExp(`AMI at 127\\.0\\.0\\.1:${ami.port}: connection closed`),
    );
    assert.equal(condition(a, 'Ready')?.reason, 'AsteriskNotConnected');
    for (const c of a.status?.conditions ?? []) assert.ok(!c.message.includes(AMI_USER.secret));
    assert.equal(condition(await r.config(), 'AsteriskConnected')?.status, 'False');
    // Retries keep failing (every ≤ 3 s) while it lasts: no further writes.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    assert.deepEqual(writes(), Array(AGENTS.length).fill(1));
  });

  it('provisions again within 5 s of AMI accepting connections, with one write each', async () => {
    const writes = mark();
    ami = await startAmiServer({ ...AMI_USER, configDir: asterisk.dir, port: asterisk.ami.port });
    const backAt = performance.now();
    await waitUntil('every agent provisioned again', () =>
      every((a) => provisioned(a) && condition(a, 'Ready')?.status === 'True'),
    );
    const backMs = performance.now() - backAt;
    console.log(`provisioned again ${Math.round(backMs)} ms after AMI accepted connections`);
    assert.ok(backMs <= 5_000, `${Math.round(backMs)} ms`);
    assert.equal(condition(await r.config(), 'AsteriskConnected')?.status, 'True');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.deepEqual(writes(), Array(AGENTS.length).fill(1));
    // A fresh Asterisk has no registrations until the browsers register again.
    assert.equal(agentsNow.get(AGENTS[0] ?? '')?.status?.registered, false);
    ami.register(agentsNow.get(AGENTS[0] ?? '')?.status?.sipUsername ?? '');
    await waitUntil(
      'registered again',
      () => agentsNow.get(AGENTS[0] ?? '')?.status?.registered === true,
    );
  });
});
