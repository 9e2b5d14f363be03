// The operator against a real Asterisk 22 (the cached source build): agents are
// Provisioned only once Asterisk lists their endpoint, 1,000 agents load
// without a warning, every module Switchboard reloads answers as recorded,
// and an edit Asterisk rejects (it keeps the previous endpoint) is not taken
// for provisioned.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { AmiClient } from '../../operator/src/asterisk/ami/client.ts';
import { endpointListItem } from '../../operator/src/asterisk/ami/messages.ts';
import { MODULE_ORDER } from '../../operator/src/asterisk/apply/version.ts';
import { createNamespace, testCluster } from '../support/cluster.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import { type RealAsterisk, startRealAsterisk } from '../support/real-asterisk.ts';
import { condition, Resources } from '../support/resources.ts';
import { waitUntil } from '../support/wait.ts';

const cluster = testCluster();
let ns: Awaited<ReturnType<typeof createNamespace>>;
let r: Resources;
let pbx: RealAsterisk;
let operator: OperatorProcess;
let ami: AmiClient;
const figures: Record<string, string> = {};

const provisioned = async (name: string) => condition(await r.agent(name), 'Provisioned');
const endpoints = async () =>
  (await ami.list({ action: 'PJSIPShowEndpoints' }, 'EndpointList', 'EndpointListComplete')).map(
    (e) => endpointListItem(e).objectName,
  );

before(async () => {
  ns = await createNamespace(cluster, 'asterisk-real');
  r = new Resources(cluster, ns.name);
  pbx = await startRealAsterisk(cluster, r);
  operator = await startOperator(cluster, ns.name, 'asterisk-real', { ASTERISK_POLL_MS: '100' });
  await r.createConfig({
    ami: pbx.amiSpec,
    asteriskWsUrl: pbx.asterisk.wsUrl,
    transports: { ws: true, wss: false },
  });
  await pbx.start();
  ami = new AmiClient({
    host: '127.0.0.1',
    port: pbx.asterisk.amiPort,
    ...pbx.asterisk.ami,
    logger: pino({ level: 'silent' }),
  });
  ami.start();
  await ami.ready(10_000);
});
after(async () => {
  console.log(`figures (real Asterisk): ${JSON.stringify(figures, null, 1)}`);
  await ami?.stop();
  await operator?.stop();
  await pbx?.close();
  await ns?.cleanup();
});

describe('the operator on a real Asterisk 22', () => {
  it('provisions an agent only once Asterisk lists its endpoint', async () => {
    await waitUntil(
      'AsteriskConnected=True',
      async () => condition(await r.config(), 'AsteriskConnected')?.status === 'True',
      30_000,
    );
    const started = performance.now();
    await r.createAgent('ann', { displayName: 'Ann Agent' });
    await waitUntil('ann Provisioned', async () => (await provisioned('ann'))?.status === 'True');
    figures['agent applied -> Provisioned=True (no kubelet delay, 0 agents loaded)'] =
      `${Math.round(performance.now() - started)} ms`;
    const username = (await r.agent('ann')).status?.sipUsername ?? '?';
    assert.ok((await endpoints()).includes(username), `PJSIPShowEndpoints lists ${username}`);
    assert.equal(condition(await r.agent('ann'), 'Ready')?.status, 'True');
  });

  it('reloads every module Switchboard reloads, as Asterisk answers them', async () => {
    for (const module of MODULE_ORDER) {
      const reloaded = new Promise<number>((resolve) => {
        ami.onEvent((e) => {
          if (e.event === 'Reload' && 'module' in e && e.module === module) resolve(e.status);
        });
      });
      const response = await ami.action({ action: 'Reload', module });
      assert.equal(response.response, 'Success', module);
      assert.equal(response.message, 'Module Reloaded', module);
      assert.equal(await reloaded, 0, `${module}: Event Reload Status 0`);
    }
    await assert.rejects(
      ami.action({ action: 'Reload', module: 'res_no_such.so' }),
      /No such module/,
    );
  });

  it('provisions 1,000 agents, and one more on top of them', { timeout: 300_000 }, async () => {
    const names = Array.from({ length: 1000 }, (_, i) => `bulk-${String(i).padStart(4, '0')}`);
    const started = performance.now();
    for (let i = 0; i < names.length; i += 25) {
      await Promise.all(
        names.slice(i, i + 25).map((n) => r.createAgent(n, { displayName: `Bulk ${n}` })),
      );
    }
    await waitUntil(
      '1,000 agents Provisioned',
      async () => {
        const agents = await r.agents();
        return (
          agents.filter((a) => condition(a, 'Provisioned')?.status === 'True').length >=
          names.length + 1
        );
      },
      240_000,
      1000,
    );
    figures['1,000 agents created -> all Provisioned=True'] =
      `${((performance.now() - started) / 1000).toFixed(1)} s`;
    assert.ok((await endpoints()).length >= 1001, 'Asterisk lists every endpoint');
    // Provisioned means queue member too: the operator added each one over AMI before.
    const support = await pbx.asterisk.cli('queue show support');
    assert.ok(
      (support.match(/Bulk bulk-\d{4} \(PJSIP\/[^)]+\).*\(dynamic\)/g) ?? []).length >= 1000,
      'every agent is a member of the hotline queue',
    );

    const one = performance.now();
    await r.createAgent('late', { displayName: 'Late Agent' });
    await waitUntil('late Provisioned', async () => (await provisioned('late'))?.status === 'True');
    figures['agent applied -> Provisioned=True with 1,000 agents loaded'] =
      `${Math.round(performance.now() - one)} ms`;
  });

  it('logs no WARNING or ERROR for anything Switchboard generated or reloaded', () => {
    // Two lines are expected: the refused reload above is ours, and Asterisk
    // warns once per subscriber when one reload brings more than 500 new
    // endpoints (a device-state backlog it works off in milliseconds; every
    // agent was provisioned above). Anything else is a defect.
    const problems = pbx
      .problems()
      .filter(
        (l) =>
          !/res_no_such/.test(l) &&
          !/Taskprocessor 'stasis\/m:devicestate:all-[0-9a-f]+' queue reached 500 scheduled tasks/.test(
            l,
          ),
      );
    assert.deepEqual(problems, []);
  });

  it('does not take an edit Asterisk rejected for provisioned', async () => {
    const before = (await r.agent('ann')).status?.sipUsername ?? '?';
    // A DTLS certificate that is not mounted here: Asterisk keeps every existing
    // endpoint as it was ("Retaining existing configuration") when it reloads.
    await r.core.createNamespacedSecret({
      namespace: r.namespace,
      body: {
        metadata: { name: 'dtls' },
        type: 'kubernetes.io/tls',
        stringData: { 'tls.crt': 'not mounted here', 'tls.key': 'not mounted here' },
      },
    });
    await r.patchConfig({ spec: { dtlsCertificateSecret: { name: 'dtls' } } });
    const from = pbx.asterisk.log().length;
    await r.patchAgent('ann', { spec: { codecs: ['ulaw'] } });
    await waitUntil(
      'ann NotLoaded',
      async () => (await provisioned('ann'))?.reason === 'NotLoaded',
      30_000,
    );
    assert.match((await provisioned('ann'))?.message ?? '', /kept the previous configuration/);
    assert.ok(
      pbx.problems(from).some((l) => /dtls|certificate|Retaining/i.test(l)),
      'Asterisk logged why it kept the old endpoint',
    );
    assert.ok((await endpoints()).includes(before), 'the old endpoint is still there');
  });
});
