// The operator drives Asterisk through AMI (here the AMI test server, fed by
// the projector playing the kubelet): agents become Provisioned only after
// Asterisk saw and loaded their configuration, registrations show in status,
// and outages, late projections and restarts are recovered from.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { startTestAsterisk, type TestAsterisk } from '../support/asterisk.ts';
import { createNamespace, testCluster } from '../support/cluster.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import { condition, Resources } from '../support/resources.ts';
import { waitUntil } from '../support/wait.ts';

const cluster = testCluster();
let ns: Awaited<ReturnType<typeof createNamespace>>;
let r: Resources;
let asterisk: TestAsterisk;
let operator: OperatorProcess;

const provisioned = async (name: string) => condition(await r.agent(name), 'Provisioned');
const username = async (name: string) => (await r.agent(name)).status?.sipUsername ?? '';
const metric = async (name: string) => {
  const m = new RegExp(`^${name} (\\d+)`, 'm').exec(await operator.metrics());
  return Number(m?.[1] ?? 0);
};
const pjsipReloads = () => asterisk.ami.reloads.filter((m) => m === 'res_pjsip.so').length;

before(async () => {
  ns = await createNamespace(cluster, 'asterisk-apply');
  r = new Resources(cluster, ns.name);
  asterisk = await startTestAsterisk(cluster, r);
  operator = await startOperator(cluster, ns.name, 'asterisk-apply', {
    ASTERISK_POLL_MS: '100',
    ASTERISK_VISIBLE_TIMEOUT_MS: '3000',
  });
  await r.createConfig({ ami: asterisk.amiSpec });
});
after(async () => {
  await operator?.stop();
  await asterisk?.close();
  await ns?.cleanup();
});

describe('applying configuration to Asterisk', () => {
  it('connects to AMI and provisions an agent once Asterisk loaded its endpoint', async () => {
    await waitUntil(
      'AsteriskConnected=True',
      async () => condition(await r.config(), 'AsteriskConnected')?.status === 'True',
    );
    await r.createAgent('ann', { displayName: 'Ann Agent' });
    await waitUntil('ann Provisioned', async () => (await provisioned('ann'))?.status === 'True');
    const agent = await r.agent('ann');
    assert.equal(condition(agent, 'Ready')?.status, 'True');
    assert.ok(asterisk.ami.endpointIds().includes(agent.status?.sipUsername ?? '?'));
    assert.match((await provisioned('ann'))?.message ?? '', /has loaded endpoint ann_agent_\d+/);
  });

  it('never reloads before Asterisk sees the new files, and says what it waits for', async () => {
    asterisk.projector.pause(); // the kubelet has not synced yet
    const reloadsBefore = asterisk.ami.reloads.length;
    await r.createAgent('bob', { displayName: 'Bob Late' });
    await waitUntil(
      'bob Provisioned=False ConfigNotVisible',
      async () => (await provisioned('bob'))?.reason === 'ConfigNotVisible',
    );
    const checks = await metric('switchboard_asterisk_config_checks_total');
    await waitUntil(
      'more GetConfig rounds',
      async () => (await metric('switchboard_asterisk_config_checks_total')) >= checks + 5,
    );
    assert.equal(asterisk.ami.reloads.length, reloadsBefore, 'no reload while files are stale');
    assert.equal((await provisioned('bob'))?.status, 'False');
    assert.match((await provisioned('bob'))?.message ?? '', /pjsip_endpoints_\d\d\.conf/);
    assert.equal((await provisioned('ann'))?.status, 'True', 'ann stays provisioned');

    asterisk.projector.resume();
    await waitUntil('bob Provisioned', async () => (await provisioned('bob'))?.status === 'True');
    assert.ok(asterisk.ami.reloads.length > reloadsBefore);
  });

  it('shows registrations and unregistrations in kubectl get sipagents', async () => {
    const ann = await username('ann');
    asterisk.ami.register(ann);
    await waitUntil(
      'ann registered',
      async () => (await r.agent('ann')).status?.registered === true,
    );
    assert.equal((await r.agent('ann')).status?.contacts, 1);
    const table = execFileSync(
      cluster.kubectlPath,
      ['--kubeconfig', cluster.kubeconfig, 'get', 'sipagents', '-n', ns.name],
      { encoding: 'utf8' },
    );
    assert.match(table, /^ann\s+\d+\s+ann_agent_\d+\s+True\s+true\s/m);
    assert.match(table, /^bob\s+\d+\s+bob_late_\d+\s+True\s+false\s/m);
    asterisk.ami.unregister(ann);
    await waitUntil(
      'ann unregistered',
      async () => (await r.agent('ann')).status?.registered === false,
    );
  });

  it('recovers from an AMI outage during a burst with nothing lost', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `burst-${i}`);
    const creating = Promise.all(names.map((n) => r.createAgent(n, { displayName: `Burst ${n}` })));
    asterisk.ami.refuseLogins(true);
    asterisk.ami.dropConnections();
    await creating;
    await waitUntil(
      'AsteriskConnected=False',
      async () => condition(await r.config(), 'AsteriskConnected')?.status === 'False',
    );
    asterisk.ami.refuseLogins(false);
    await waitUntil('every burst agent provisioned', async () => {
      const states = await Promise.all(names.map((n) => provisioned(n)));
      return states.every((c) => c?.status === 'True');
    });
    const endpoints = new Set(asterisk.ami.endpointIds());
    for (const n of names) assert.ok(endpoints.has(await username(n)), n);
  });

  it('applies a 200-agent burst with a handful of reloads', async () => {
    asterisk.projector.setDelay(500); // the kubelet lags behind the writes
    const before = pjsipReloads();
    const names = Array.from({ length: 200 }, (_, i) => `wave-${i}`);
    for (let i = 0; i < names.length; i += 20)
      await Promise.all(
        names.slice(i, i + 20).map((n) => r.createAgent(n, { displayName: `Wave ${n}` })),
      );
    await waitUntil(
      'every wave agent provisioned',
      async () =>
        (await r.agents()).filter(
          (a) =>
            a.metadata.name.startsWith('wave-') && condition(a, 'Provisioned')?.status === 'True',
        ).length === names.length,
      120_000,
      250,
    );
    asterisk.projector.setDelay(0);
    const reloads = pjsipReloads() - before;
    assert.ok(reloads >= 1 && reloads <= 5, `${reloads} res_pjsip reloads for 200 agents`);
  });

  it('provisions again and resets registrations after an Asterisk restart', async () => {
    const ann = await username('ann');
    asterisk.ami.register(ann);
    await waitUntil(
      'ann registered',
      async () => (await r.agent('ann')).status?.registered === true,
    );
    const reloads = pjsipReloads();
    asterisk.ami.restart();
    await waitUntil(
      'registration reset',
      async () => (await r.agent('ann')).status?.registered === false,
    );
    await waitUntil('reloaded after the restart', async () => pjsipReloads() > reloads);
    await waitUntil('ann provisioned', async () => (await provisioned('ann'))?.status === 'True');
    assert.equal((await r.agent('ann')).status?.contacts, 0);
  });

  it('rotating credentials provisions the new username', async () => {
    const before = await username('ann');
    await r.patchAgent('ann', {
      metadata: { annotations: { 'switchboard.dev/regenerate-credentials': 'rotate-1' } },
    });
    await waitUntil('new username provisioned', async () => {
      const a = await r.agent('ann');
      return a.status?.sipUsername !== before && condition(a, 'Provisioned')?.status === 'True';
    });
    const endpoints = asterisk.ami.endpointIds();
    assert.ok(endpoints.includes(await username('ann')));
    assert.ok(!endpoints.includes(before), 'the old username is gone from Asterisk');
  });
});
