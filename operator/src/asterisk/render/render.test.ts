import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agent, mounted, passwordOf, render, shuffled, spec } from './fixtures.ts';
import { includeLine, MAIN_FILES, shardFiles } from './layout.ts';
import { loadConfig } from './parse.ts';
import { renderAsteriskConfig } from './render.ts';
import { SHARD_COUNT, shardOf, shardSuffix } from './shards.ts';
import type { GeneratedObject, RenderAgent } from './types.ts';

const changedNames = (before: readonly GeneratedObject[], after: readonly GeneratedObject[]) => {
  assert.deepEqual(
    after.map((o) => o.name),
    before.map((o) => o.name),
    'same objects',
  );
  return after.filter((o, i) => o.hash !== before[i]?.hash).map((o) => `${o.kind}/${o.name}`);
};

describe('rendering', () => {
  const agents = Array.from({ length: 200 }, (_, i) =>
    agent(i, { queues: i % 3 ? ['support'] : ['support', 'billing'] }),
  );
  const objects = render(agents);

  it('never writes a password into a ConfigMap', () => {
    const configMapText = objects
      .filter((o) => o.kind === 'ConfigMap')
      .flatMap((o) => [...Object.keys(o.files), ...Object.values(o.files)])
      .join('\n');
    for (const a of agents)
      assert.ok(!configMapText.includes(a.sipPassword), `${a.name}'s password is in a ConfigMap`);
    assert.doesNotMatch(configMapText, /^\s*(type\s*=\s*auth|password\s*=)/m);
    const secretText = objects
      .filter((o) => o.kind === 'Secret')
      .flatMap((o) => Object.values(o.files))
      .join('\n');
    for (const a of agents) assert.ok(secretText.includes(`password = ${a.sipPassword}`));
  });

  it('emits one main ConfigMap, and a ConfigMap and a Secret per shard', () => {
    assert.equal(objects.length, 1 + 2 * SHARD_COUNT);
    assert.deepEqual(objects[0]?.name, 'asterisk-generated');
    assert.deepEqual(Object.keys(objects[0]?.files ?? {}), Object.values(MAIN_FILES));
    for (let i = 0; i < SHARD_COUNT; i++) {
      const cm = objects[1 + i];
      const secret = objects[1 + SHARD_COUNT + i];
      assert.equal(cm?.name, `asterisk-generated-${shardSuffix(i)}`);
      assert.equal(secret?.name, `asterisk-generated-auth-${shardSuffix(i)}`);
      assert.equal(secret?.kind, 'Secret');
      const f = shardFiles(i);
      assert.deepEqual(Object.keys(cm?.files ?? {}), [f.endpoints, f.dialplan]);
      assert.deepEqual(Object.keys(secret?.files ?? {}), [f.auth]);
    }
    const custom = renderAsteriskConfig({
      namespace: 'ns',
      config: spec({ generated: { configMapName: 'pbx', secretName: 'pbx-secrets' } }),
      agents: [],
    });
    assert.deepEqual(
      [custom[0]?.name, custom[1]?.name, custom.at(-1)?.name],
      ['pbx', 'pbx-00', `pbx-secrets-${shardSuffix(SHARD_COUNT - 1)}`],
    );
  });

  it('includes every shard file, and every included file exists, even with no agents', () => {
    for (const list of [agents, []]) {
      const files = mounted(render(list));
      for (const [path, text] of files)
        for (const line of text.split('\n').filter((l) => l.startsWith('#include')))
          assert.ok(files.has(line.slice('#include '.length)), `${path}: ${line} is missing`);
      const main = files.get(`switchboard/${MAIN_FILES.pjsip}`) ?? '';
      for (let i = 0; i < SHARD_COUNT; i++) {
        assert.ok(main.includes(includeLine(shardFiles(i).endpoints)));
        assert.ok(main.includes(includeLine(shardFiles(i).auth)));
      }
      // Each generated top-level file loads on its own (no missing include, no bad (+)).
      for (const f of Object.values(MAIN_FILES))
        loadConfig(`switchboard/${f}`, (p) => files.get(p));
    }
  });

  it('is deterministic: shuffled input, same bytes', () => {
    for (const seed of [1, 2, 3]) assert.deepEqual(render(shuffled(agents, seed)), objects);
    assert.deepEqual(render([...agents].reverse()), objects);
  });

  it('changes a hash exactly when the content changes', () => {
    assert.deepEqual(changedNames(objects, render(agents)), []);
    const swapped = agents.map((a) => ({ ...a, codecs: [...a.codecs] }));
    assert.deepEqual(changedNames(objects, render(swapped)), [], 'equal content, new objects');
  });

  it('rewrites exactly one shard when one agent changes', () => {
    const target = agents[43] as RenderAgent; // serves only support
    const shard = shardSuffix(shardOf(target.sipUsername));
    const change = (patch: Partial<RenderAgent>) =>
      changedNames(objects, render(agents.map((a) => (a === target ? { ...a, ...patch } : a))));
    assert.deepEqual(change({ maxContacts: 4 }), [`ConfigMap/asterisk-generated-${shard}`]);
    assert.deepEqual(change({ displayName: 'Renamed' }), [`ConfigMap/asterisk-generated-${shard}`]);
    assert.deepEqual(change({ extension: 9999 }), [`ConfigMap/asterisk-generated-${shard}`]);
    // Queue membership is not configuration (dynamic members, agentstate/).
    assert.deepEqual(change({ queues: ['support', 'billing'] }), []);
    assert.deepEqual(change({ sipPassword: passwordOf(9999) }), [
      `Secret/asterisk-generated-auth-${shard}`,
    ]);
    // A queue nobody served before is declared in the main ConfigMap.
    assert.deepEqual(change({ queues: ['vip'] }), ['ConfigMap/asterisk-generated']);
    // Adding or removing an agent touches its shard's ConfigMap and Secret.
    const added = agent(500);
    const addShard = shardSuffix(shardOf(added.sipUsername));
    assert.deepEqual(changedNames(objects, render([...agents, added])), [
      `ConfigMap/asterisk-generated-${addShard}`,
      `Secret/asterisk-generated-auth-${addShard}`,
    ]);
  });

  it('leaves out agents it cannot write safely, and nothing else', () => {
    const withBad = [...agents, agent(900, { sipUsername: 'bad\n[x]' })];
    assert.deepEqual(render(withBad), objects);
  });
});
