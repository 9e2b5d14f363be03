import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agent, find, load, render, spec } from './fixtures.ts';
import { optionValue, optionValues } from './parse.ts';

describe('queues', () => {
  const agents = [
    agent(2, { displayName: 'Bob, "The Builder" (night)' }),
    agent(1, { queues: ['support', 'billing'] }),
    agent(3, { queues: [] }),
  ];
  const queues = load(render(agents), 'queues.conf');

  it('declares the hotline queue and every queue an agent names, once each', () => {
    const names = queues.categories.map((c) => c.name).filter((n) => n !== 'general');
    assert.deepEqual(names, ['billing', 'support']);
    const support = find(queues, 'support');
    assert.equal(optionValue(support, 'strategy'), 'rrmemory');
    assert.equal(optionValue(support, 'ringinuse'), 'no');
    assert.ok(Number(optionValue(support, 'timeout')) > 0);
  });

  it('declares no members: the operator adds them over AMI, and a queue goes with its last agent', () => {
    for (const q of queues.categories) assert.deepEqual(optionValues(q, 'member'), []);
    const none = load(render([]), 'queues.conf');
    assert.equal(find(none, 'billing'), undefined);
    assert.ok(find(none, 'support'));
    const other = load(
      render([], { config: spec({ hotline: { number: '117', queue: 'front' } }) }),
      'queues.conf',
    );
    assert.ok(find(other, 'front'));
  });

  it('refuses to render a hotline queue named "general"', () => {
    assert.throws(
      () => render([], { config: { ...spec(), hotline: { number: '117', queue: 'general' } } }),
      /hotline\.queue/,
    );
  });

  it('leaves the base [general] as the one app_queue reads', () => {
    const general = queues.categories.filter((c) => c.name === 'general');
    assert.equal(optionValue(general[0], 'persistentmembers'), 'yes', 'the base file comes first');
    for (const g of general.slice(1))
      for (const l of g.lines)
        assert.match(l.key, /^switchboard-hash-/, 'our [general] only carries markers');
  });
});
