// CallQueues on a real Asterisk 22: a queue chosen by skill shows in
// `queue show` with its strategy and its members at their penalties, its
// number queues callers, and a second queue claiming the same number is
// Ready=False NumberConflict naming the first.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
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
const figures: Record<string, string> = {};

before(async () => {
  ns = await createNamespace(cluster, 'callqueue-asterisk');
  r = new Resources(cluster, ns.name);
  pbx = await startRealAsterisk(cluster, r);
  operator = await startOperator(cluster, ns.name, 'callqueue-asterisk', {
    ASTERISK_POLL_MS: '100',
  });
  await r.createConfig({
    ami: pbx.amiSpec,
    asteriskWsUrl: pbx.asterisk.wsUrl,
    transports: { ws: true, wss: false },
  });
  await pbx.start();
});
after(async () => {
  console.log(`figures (CallQueue, real Asterisk): ${JSON.stringify(figures, null, 1)}`);
  await operator?.stop();
  await pbx?.close();
  await ns?.cleanup();
});

describe('CallQueues on a real Asterisk 22', () => {
  it('shows a skill-selected queue with its strategy and members at their penalties', async () => {
    await r.createAgent('ann', { displayName: 'Ann Agent', queues: [], skills: { billing: 9 } });
    await r.createAgent('bob', { displayName: 'Bob Agent', queues: [], skills: { billing: 3 } });
    await r.createAgent('cid', { displayName: 'Cid Agent', queues: [], skills: { french: 5 } });
    for (const name of ['ann', 'bob', 'cid'])
      await waitUntil(
        `${name} Provisioned`,
        async () => condition(await r.agent(name), 'Provisioned')?.status === 'True',
        30_000,
      );

    const started = performance.now();
    await r.createQueue('billing', {
      numbers: ['118'],
      strategy: 'leastrecent',
      members: { skills: ['billing'] },
    });
    let shown = '';
    await waitUntil(
      'Asterisk shows queue billing with both members',
      async () => {
        shown = await pbx.asterisk.cli('queue show billing');
        return /leastrecent/.test(shown) && /Ann Agent/.test(shown) && /Bob Agent/.test(shown);
      },
      30_000,
      100,
    );
    figures['CallQueue created -> Asterisk shows it with its members'] =
      `${Math.round(performance.now() - started)} ms`;
    const line = (who: string) => shown.split('\n').find((l) => l.includes(who)) ?? '';
    // Level 9 → penalty 1, level 3 → penalty 7: the better agent rings first.
    assert.match(line('Ann Agent'), /with penalty 1\b/, shown);
    assert.match(line('Bob Agent'), /with penalty 7\b/, shown);
    assert.ok(!shown.includes('Cid Agent'), 'an agent without the skill is not a member');

    const dialplan = await pbx.asterisk.cli('dialplan show 118@switchboard-agents');
    assert.match(
      dialplan,
      /Queue\(billing,b\(switchboard-call-header\^s\^1\),,,600,,switchboard-record\)/,
    );

    await waitUntil(
      'billing Ready=True',
      async () => condition(await r.queue('billing'), 'Ready')?.status === 'True',
      30_000,
    );
    const billing = await r.queue('billing');
    assert.equal(billing.status?.members, 2);
    assert.deepEqual(billing.status?.numbers, ['118']);
  });

  it('gives a number claimed twice to the first queue: the second is NumberConflict', async () => {
    await r.createQueue('billing-two', {
      numbers: ['118', '119'],
      members: { skills: ['billing'] },
    });
    await waitUntil(
      'billing-two Ready=False NumberConflict',
      async () => condition(await r.queue('billing-two'), 'Ready')?.reason === 'NumberConflict',
      30_000,
    );
    const two = await r.queue('billing-two');
    const ready = condition(two, 'Ready');
    assert.equal(ready?.status, 'False');
    assert.match(ready?.message ?? '', /118.*billing\b/);
    assert.deepEqual(two.status?.numbers, ['119']);
    await waitUntil('a NumberConflict Warning Event', async () =>
      (await r.events()).some(
        (e) =>
          e.reason === 'NumberConflict' &&
          e.type === 'Warning' &&
          e.regarding?.name === 'billing-two' &&
          /118/.test(e.note ?? ''),
      ),
    );
    await waitUntil(
      '119 reaches billing-two in Asterisk',
      async () =>
        /Queue\(billing-two,/.test(await pbx.asterisk.cli('dialplan show 119@switchboard-agents')),
      30_000,
      100,
    );
    assert.match(
      await pbx.asterisk.cli('dialplan show 118@switchboard-agents'),
      /Queue\(billing,b\(switchboard-call-header\^s\^1\),,,600,,switchboard-record\)/,
      '118 still reaches the first queue',
    );
  });

  it('loads a queue using every setting, the hotline queue replaced by its CallQueue', async () => {
    const spec = {
      numbers: ['120'],
      strategy: 'ringall' as const,
      ringSeconds: 15,
      retrySeconds: 3,
      maxWaitSeconds: 90,
      maxCallers: 5,
      wrapUpSeconds: 10,
      joinWithoutAgents: false,
      stayWithoutAgents: false,
      serviceLevelSeconds: 30,
      announcements: { position: true, holdTime: true, frequencySeconds: 45 },
      overflow: { extension: 1000 },
      members: { selector: { matchLabels: { team: 'front' } } },
    };
    await r.createQueue('support', spec);
    await waitUntil(
      'Asterisk shows support with ringall and max 5',
      async () =>
        /max 5\) in 'ringall' strategy/.test(await pbx.asterisk.cli('queue show support')),
      30_000,
      100,
    );
    const hotline = await pbx.asterisk.cli('dialplan show 117@switchboard-agents');
    assert.match(
      hotline,
      /Queue\(support,b\(switchboard-call-header\^s\^1\),,,90,,switchboard-record\)/,
    );
    assert.match(hotline, /Goto\(switchboard-agents,1000,1\)/);
    await waitUntil(
      'support Ready=False NoMembers',
      async () => condition(await r.queue('support'), 'Ready')?.reason === 'NoMembers',
      30_000,
    );
  });

  it('logs no WARNING or ERROR for the queues', () => {
    assert.deepEqual(pbx.problems(), []);
  });
});
