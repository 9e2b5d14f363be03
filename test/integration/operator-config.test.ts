// The namespace's Asterisk configuration as the operator writes it: which
// agents are in it, where passwords go, Secret references, and no rewrites
// when nothing changed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  BASE_INCLUDES,
  INCLUDE_DIR,
  loadConfig,
  SHARD_COUNT,
} from '../../operator/src/asterisk/render/index.ts';
import { optionValue } from '../../operator/src/asterisk/render/parse.ts';
import { createNamespace, testCluster } from '../support/cluster.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import { condition, decode, Resources } from '../support/resources.ts';
import { waitUntil } from '../support/wait.ts';

const cluster = testCluster();
let ns: Awaited<ReturnType<typeof createNamespace>>;
let r: Resources;
let operator: OperatorProcess;

before(async () => {
  ns = await createNamespace(cluster, 'op-config');
  r = new Resources(cluster, ns.name);
  operator = await startOperator(cluster, ns.name, 'op-config');
});
after(async () => {
  await operator?.stop();
  await ns?.cleanup();
});

const generated = async () => {
  const cms = await r.configMaps('app.kubernetes.io/component=asterisk-config');
  const secrets = await r.secrets('app.kubernetes.io/component=asterisk-config');
  return { cms, secrets, text: cms.flatMap((c) => Object.values(c.data ?? {})).join('\n') };
};

/** Loads a top-level file as Asterisk would, from the generated objects projected into one directory. */
const asteriskReads = async (file: keyof typeof BASE_INCLUDES) => {
  const { cms, secrets } = await generated();
  const files = new Map<string, string>([[file, `${BASE_INCLUDES[file]}\n`]]);
  for (const c of cms)
    for (const [k, v] of Object.entries(c.data ?? {})) files.set(`${INCLUDE_DIR}/${k}`, v);
  for (const s of secrets)
    for (const k of Object.keys(s.data ?? {})) files.set(`${INCLUDE_DIR}/${k}`, decode(s, k) ?? '');
  return loadConfig(file, (path) => files.get(path));
};

describe('generated Asterisk configuration', () => {
  it('appears once a WebRTCConfig exists, owned by it, with the agents in it', async () => {
    await r.createAgent('john', { displayName: 'John Doe' });
    await r.createAgent('jane', { displayName: 'Jane Roe', queues: ['support', 'billing'] });
    const config = await r.createConfig();
    await waitUntil(
      'config generated for 2 agents',
      async () => (await r.config()).status?.agents === 2,
    );
    const { cms, secrets, text } = await generated();
    assert.equal(cms.length, SHARD_COUNT + 1);
    assert.equal(secrets.length, SHARD_COUNT);
    for (const o of [...cms, ...secrets])
      assert.equal(o.metadata?.ownerReferences?.[0]?.uid, config.metadata.uid);
    const john = await r.agent('john');
    const pjsip = await asteriskReads('pjsip.conf');
    const endpoint = pjsip.categories.find(
      (c) => c.name === john.status?.sipUsername && c.inherits.includes('switchboard-endpoint'),
    );
    assert.equal(optionValue(endpoint, 'callerid'), `"John Doe" <${john.status?.extension}>`);
    assert.match(
      text,
      new RegExp(
        `exten => ${john.status?.extension},1,Gosub\\(switchboard-dial-agent,s,1\\(${john.status?.sipUsername}\\)\\)`,
      ),
    );
    const queues = await asteriskReads('queues.conf');
    assert.ok(queues.categories.some((c) => c.name === 'billing'));
    const status = await r.config();
    assert.equal(condition(status, 'Ready')?.status, 'True');
    assert.equal(condition(status, 'ConfigGenerated')?.status, 'True');
  });

  it('never puts a password into a ConfigMap, status or Event', async () => {
    const { cms, secrets } = await generated();
    const passwords = (await r.secrets('app.kubernetes.io/component=sip-credentials')).map(
      (s) => decode(s, 'password') ?? '',
    );
    assert.equal(passwords.length, 2);
    const visible = JSON.stringify([cms, await r.agents(), await r.config(), await r.events()]);
    for (const p of passwords) {
      assert.ok(!visible.includes(p), 'a password is visible outside Secrets');
      assert.ok(
        secrets.some((s) =>
          (decode(s, Object.keys(s.data ?? {})[0] ?? '') ?? '').includes(`password = ${p}`),
        ),
        'auth section in a Secret',
      );
    }
  });

  it('drops a suspended agent from Asterisk and keeps its credentials', async () => {
    const jane = await r.agent('jane');
    const before = await r.secret('jane-sip-credentials');
    await r.patchAgent('jane', { spec: { suspended: true } });
    await waitUntil('jane out of the config', async () => (await r.config()).status?.agents === 1);
    assert.ok(!(await generated()).text.includes(jane.status?.sipUsername ?? '?'));
    assert.equal(
      decode(await r.secret('jane-sip-credentials'), 'password'),
      decode(before, 'password'),
    );
    await waitUntil(
      'Ready=False Suspended',
      async () => condition(await r.agent('jane'), 'Ready')?.reason === 'Suspended',
    );
    await r.patchAgent('jane', { spec: { suspended: false } });
    await waitUntil('jane back', async () => (await r.config()).status?.agents === 2);
  });

  it('rewrites nothing when nothing changed, even across an operator restart', async () => {
    const versions = async () => {
      const { cms, secrets } = await generated();
      return Object.fromEntries(
        [...cms, ...secrets].map((o) => [
          `${o.kind}/${o.metadata?.name}`,
          o.metadata?.resourceVersion,
        ]),
      );
    };
    const before = await versions();
    await operator.stop();
    operator = await startOperator(cluster, ns.name, 'op-config-2');
    // A new leader renders every namespace once: wait until that render is done.
    await waitUntil('the new leader rendered the namespace', async () => {
      const m = await operator.metrics();
      const done =
        /switchboard_workqueue_work_duration_seconds_count\{queue="webrtcconfig"\} (\d+)/.exec(m);
      return (
        Number(done?.[1] ?? 0) >= 1 &&
        m.includes('switchboard_workqueue_depth{queue="webrtcconfig"} 0')
      );
    });
    assert.deepEqual(await versions(), before);
  });

  it('reports a missing Secret reference by name and recovers when it appears', async () => {
    await r.custom.patchNamespacedCustomObject(
      {
        group: 'switchboard.dev',
        version: 'v1alpha1',
        namespace: ns.name,
        plural: 'webrtcconfigs',
        name: 'default',
        body: {
          spec: {
            iceServers: {
              turnServers: [
                { urls: ['turn:turn.example.org'], sharedSecret: { name: 'turn-secret' } },
              ],
            },
          },
        },
      },
      (await import('@kubernetes/client-node')).setHeaderOptions(
        'Content-Type',
        'application/merge-patch+json',
      ),
    );
    await waitUntil(
      'ReferencesResolved=False',
      async () => condition(await r.config(), 'ReferencesResolved')?.status === 'False',
    );
    const cond = condition(await r.config(), 'ReferencesResolved');
    assert.equal(
      cond?.message,
      'spec.iceServers.turnServers[0].sharedSecret: Secret "turn-secret" not found',
    );
    assert.equal(condition(await r.config(), 'Ready')?.status, 'False');
    await r.core.createNamespacedSecret({
      namespace: ns.name,
      body: { metadata: { name: 'turn-secret' }, stringData: { 'shared-secret': 'xyz' } },
    });
    await waitUntil(
      'recovered',
      async () => condition(await r.config(), 'ReferencesResolved')?.status === 'True',
    );
    const status = await r.config();
    assert.deepEqual(status.status?.iceServers, [
      { urls: ['turn:turn.example.org'], credential: 'turn-rest' },
    ]);
    assert.ok(!JSON.stringify(status).includes('xyz'));
  });
});
