// The operator against the real control plane: credentials Secrets,
// extension allocation and conflicts, rotation, suspension, deletion.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createNamespace, testCluster } from '../support/cluster.ts';
import { installCrds } from '../support/crds.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import { condition, decode, Resources } from '../support/resources.ts';
import { waitUntil } from '../support/wait.ts';

const cluster = testCluster();
let ns: Awaited<ReturnType<typeof createNamespace>>;
let r: Resources;
let operator: OperatorProcess;

before(async () => {
  await installCrds(cluster);
  ns = await createNamespace(cluster, 'op-agents');
  r = new Resources(cluster, ns.name);
  await r.createConfig({ extensions: { start: 1000, end: 1009 } });
  operator = await startOperator(cluster, ns.name, 'op-a');
});
after(async () => {
  await operator?.stop();
  await ns?.cleanup();
});

async function readyAgent(name: string) {
  let agent = await r.agent(name);
  await waitUntil(`${name} has credentials`, async () => {
    agent = await r.agent(name);
    return (
      condition(agent, 'CredentialsReady')?.status === 'True' &&
      agent.status?.observedGeneration === agent.metadata.generation
    );
  });
  return agent;
}

describe('SipAgent → credentials', () => {
  it('makes a Secret owned by the agent with username, 32-hex password and the first extension', async () => {
    const created = await r.createAgent('john-doe', { displayName: 'John Doe' });
    const agent = await readyAgent('john-doe');
    assert.equal(agent.status?.extension, 1000);
    assert.match(agent.status?.sipUsername ?? '', /^john_doe_\d{10}$/);
    assert.equal(agent.status?.credentialsSecretName, 'john-doe-sip-credentials');
    const secret = await r.secret('john-doe-sip-credentials');
    assert.equal(decode(secret, 'username'), agent.status?.sipUsername);
    assert.match(decode(secret, 'password') ?? '', /^[0-9a-f]{32}$/);
    assert.equal(decode(secret, 'extension'), '1000');
    assert.equal(secret?.metadata?.ownerReferences?.[0]?.uid, created.metadata.uid);
    assert.equal(secret?.metadata?.ownerReferences?.[0]?.controller, true);
    assert.equal(
      secret?.metadata?.labels?.['app.kubernetes.io/managed-by'],
      'switchboard-operator',
    );
    // The WebRTCConfig names no AMI Secret: no Asterisk, and the condition says why.
    await waitUntil('Provisioned explains the missing AMI Secret', async () =>
      /spec\.ami\.secretName/.test(
        condition(await r.agent('john-doe'), 'Provisioned')?.message ?? '',
      ),
    );
    const provisioned = condition(await r.agent('john-doe'), 'Provisioned');
    assert.equal(provisioned?.status, 'False');
    assert.equal(provisioned?.reason, 'AsteriskNotConfigured');
    for (const c of agent.status?.conditions ?? [])
      assert.equal(
        (c as { observedGeneration?: number }).observedGeneration,
        agent.metadata.generation,
      );
    await waitUntil('CredentialsCreated event', async () =>
      (await r.events()).some(
        (e) => e.reason === 'CredentialsCreated' && e.regarding?.name === 'john-doe',
      ),
    );
  });

  it('counts up from the highest extension and honours an explicit one', async () => {
    await r.createAgent('jane-roe', { displayName: 'Jane Roe' });
    await r.createAgent('max', { displayName: 'Max', extension: 1005 });
    assert.equal((await readyAgent('jane-roe')).status?.extension, 1001);
    assert.equal((await readyAgent('max')).status?.extension, 1005);
    await r.createAgent('erika', { displayName: 'Erika' });
    assert.equal(
      (await readyAgent('erika')).status?.extension,
      1006,
      'next after the highest allocated',
    );
  });

  it('lets the older agent keep a contested extension; the newer one recovers when it is free', async () => {
    await r.createAgent('late-max', { displayName: 'Late Max', extension: 1005 });
    await waitUntil(
      'ExtensionConflict',
      async () => condition(await r.agent('late-max'), 'Ready')?.reason === 'ExtensionConflict',
    );
    const late = await r.agent('late-max');
    assert.equal(condition(late, 'Ready')?.status, 'False');
    assert.match(condition(late, 'Ready')?.message ?? '', /SipAgent max\b/);
    assert.equal(condition(await r.agent('max'), 'Ready')?.reason, 'AwaitingProvisioning');
    await waitUntil('conflict event', async () =>
      (await r.events()).some(
        (e) => e.reason === 'ExtensionConflict' && e.regarding?.name === 'late-max',
      ),
    );

    await r.deleteAgent('max');
    await waitUntil(
      'late-max recovers',
      async () => condition(await r.agent('late-max'), 'Ready')?.reason === 'AwaitingProvisioning',
    );
    assert.equal((await r.agent('late-max')).status?.extension, 1005);
  });

  it('rotates username and password only when the regenerate annotation changes', async () => {
    const before = await readyAgent('jane-roe');
    const oldSecret = await r.secret('jane-roe-sip-credentials');
    // An unrelated edit changes nothing.
    await r.patchAgent('jane-roe', { spec: { maxContacts: 2 } });
    await waitUntil(
      'edit observed',
      async () => (await r.agent('jane-roe')).status?.observedGeneration === 2,
    );
    assert.equal(
      decode(await r.secret('jane-roe-sip-credentials'), 'password'),
      decode(oldSecret, 'password'),
    );

    await r.patchAgent('jane-roe', {
      metadata: { annotations: { 'switchboard.dev/regenerate-credentials': 'first' } },
    });
    await waitUntil(
      'rotation',
      async () =>
        decode(await r.secret('jane-roe-sip-credentials'), 'password') !==
        decode(oldSecret, 'password'),
    );
    const rotated = await r.secret('jane-roe-sip-credentials');
    assert.match(decode(rotated, 'password') ?? '', /^[0-9a-f]{32}$/);
    assert.equal(decode(rotated, 'extension'), '1001', 'the extension survives rotation');
    await waitUntil(
      'status shows the new username',
      async () => (await r.agent('jane-roe')).status?.sipUsername === decode(rotated, 'username'),
    );
    assert.ok((await r.agent('jane-roe')).status?.credentialsRotatedAt, 'rotation time in status');
    await waitUntil('CredentialsRotated event', async () =>
      (await r.events()).some((e) => e.reason === 'CredentialsRotated'),
    );
    assert.ok(before.status?.sipUsername);
  });

  it('keeps credentials across an operator restart (never regenerated)', async () => {
    const before = (await r.secrets('app.kubernetes.io/component=sip-credentials')).map((s) => [
      s.metadata?.name,
      decode(s, 'password'),
    ]);
    await operator.stop();
    operator = await startOperator(cluster, ns.name, 'op-b');
    await r.createAgent('after-restart', { displayName: 'After Restart' });
    await readyAgent('after-restart');
    const after = (await r.secrets('app.kubernetes.io/component=sip-credentials')).map((s) => [
      s.metadata?.name,
      decode(s, 'password'),
    ]);
    for (const entry of before)
      assert.ok(
        after.some((a) => a[0] === entry[0] && a[1] === entry[1]),
        `${entry[0]} unchanged`,
      );
  });

  it('reports a full extension range as a condition', async () => {
    const names = ['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8']; // 5 free extensions left: 3 must wait
    for (const n of names) await r.createAgent(n, { displayName: n });
    await waitUntil('range full', async () =>
      (await r.agents()).some((a) => condition(a, 'Ready')?.reason === 'ExtensionRangeFull'),
    );
    const full = (await r.agents()).find(
      (a) => condition(a, 'Ready')?.reason === 'ExtensionRangeFull',
    );
    assert.match(condition(full ?? {}, 'Ready')?.message ?? '', /1000-1009/);
    const extensions = (await r.agents())
      .map((a) => a.status?.extension)
      .filter((e) => e !== undefined);
    assert.equal(
      new Set(extensions).size,
      extensions.length,
      `no extension handed out twice: ${(await r.agents()).map((a) => `${a.metadata.name}=${a.status?.extension}/${condition(a, 'Ready')?.reason}`).join(' ')}`,
    );
  });

  it('garbage-collects the Secret with its agent', async () => {
    await r.deleteAgent('erika');
    // The garbage collector learns new kinds by rescanning discovery every 30 s:
    // a run that reaches this test early waits for that rescan.
    await waitUntil(
      'Secret gone',
      async () => (await r.secret('erika-sip-credentials')) === undefined,
      90_000,
      200,
    );
  });
});
