import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SipAgent } from '../crds/types.ts';
import { queue } from './fixtures.ts';
import { renderQueues, resolveQueues, skillPenalty } from './resolve.ts';
import { matchesSelector } from './selector.ts';

const config = {
  extensions: { start: 1000, end: 8999 },
  hotline: { number: '117', queue: 'support' },
};

const agent = (
  name: string,
  extra: Partial<SipAgent['spec']> = {},
  labels: Record<string, string> = {},
): SipAgent => ({
  apiVersion: 'switchboard.dev/v1alpha1',
  kind: 'SipAgent',
  metadata: { name, labels },
  spec: { displayName: name, codecs: ['opus'], suspended: false, maxContacts: 1, ...extra },
});

describe('CallQueue resolution', () => {
  it('reports an overflow loop across queues on every queue in it, and nothing else', () => {
    const a = queue('a', { numbers: ['201'], overflow: { queue: 'b' } });
    const b = queue('b', { numbers: ['202'], overflow: { queue: 'c' } });
    const c = queue('c', { numbers: ['203'], overflow: { queue: 'a' } });
    const d = queue('d', { numbers: ['204'], overflow: { queue: 'a' } });
    const r = resolveQueues([a, b, c, d], [], config);
    assert.deepEqual(r.get('a')?.overflowCycle, ['a', 'b', 'c', 'a']);
    assert.deepEqual(r.get('c')?.overflowCycle, ['c', 'a', 'b', 'c']);
    assert.equal(r.get('d')?.overflowCycle, undefined, 'd leads into the loop but is not in it');
    const chain = resolveQueues(
      [queue('x', { overflow: { queue: 'support' } }), queue('support', {})],
      [],
      config,
    );
    assert.equal(chain.get('x')?.overflowCycle, undefined);
  });

  it("counts the hotline number among the hotline queue's numbers unless a queue claims it", () => {
    const support = queue('support', {});
    assert.deepEqual(resolveQueues([support], [], config).get('support')?.numbers, ['117']);
    const claimed = resolveQueues([support, queue('other', { numbers: ['117'] })], [], config);
    assert.deepEqual(claimed.get('support')?.numbers, []);
    assert.deepEqual(claimed.get('other')?.numbers, ['117']);
  });

  it('maps skill levels to penalties: level 10 is 0, level 1 is 9, the lowest skill counts', () => {
    assert.equal(skillPenalty(['billing'], { billing: 10 }), 0);
    assert.equal(skillPenalty(['billing'], { billing: 1 }), 9);
    assert.equal(skillPenalty(['billing', 'french'], { billing: 8, french: 3 }), 7);
    assert.equal(skillPenalty(['billing', 'french'], { billing: 8 }), undefined);
    assert.equal(skillPenalty([], undefined), 0);
  });

  it('matches label selectors like Kubernetes', () => {
    const labels = { team: 'sales', tier: 'gold' };
    assert.ok(matchesSelector({ matchLabels: { team: 'sales' } }, labels));
    assert.ok(!matchesSelector({ matchLabels: { team: 'support' } }, labels));
    const e = (operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist', values: string[] = []) => ({
      matchExpressions: [{ key: 'tier', operator, values }],
    });
    assert.ok(matchesSelector(e('In', ['gold', 'silver']), labels));
    assert.ok(!matchesSelector(e('NotIn', ['gold']), labels));
    assert.ok(matchesSelector(e('NotIn', ['gold']), {}));
    assert.ok(matchesSelector(e('Exists'), labels));
    assert.ok(matchesSelector(e('DoesNotExist'), {}));
    assert.ok(matchesSelector({}, undefined));
  });

  it('gives a number to the older queue and reports the conflict on the newer', () => {
    const a = queue('alpha', { numbers: ['118', '119'] }, '2026-01-02T00:00:00Z');
    const b = queue('beta', { numbers: ['118'] }, '2026-01-01T00:00:00Z');
    const r = resolveQueues([a, b], [], config);
    assert.deepEqual(r.get('beta')?.numbers, ['118']);
    assert.deepEqual(r.get('alpha')?.numbers, ['119']);
    assert.deepEqual(r.get('alpha')?.conflicts, [{ number: '118', queue: 'beta' }]);
  });

  it('leaves out numbers inside the extension range', () => {
    const r = resolveQueues([queue('q', { numbers: ['1500', '118'] })], [], config);
    assert.deepEqual(r.get('q')?.numbers, ['118']);
    assert.deepEqual(r.get('q')?.inExtensionRange, ['1500']);
  });

  it('computes members by selector and skill, skipping suspended agents, and counts spec.queues', () => {
    const q = queue('billing', {
      members: { selector: { matchLabels: { site: 'berlin' } }, skills: ['billing'] },
    });
    const agents = [
      agent('ann', { skills: { billing: 9 } }, { site: 'berlin' }),
      agent('bob', { skills: { billing: 2 } }, { site: 'berlin' }),
      agent('cid', { skills: { billing: 9 } }, { site: 'paris' }),
      agent('dan', { skills: { billing: 9 }, suspended: true }, { site: 'berlin' }),
      agent('eve', { queues: ['billing'] }),
    ];
    const r = resolveQueues([q], agents, config).get('billing');
    assert.deepEqual(r?.members, [
      { agent: 'ann', penalty: 1 },
      { agent: 'bob', penalty: 8 },
    ]);
    assert.equal(r?.memberCount, 3);
    const [rendered] = renderQueues([q], resolveQueues([q], agents, config));
    assert.equal(rendered?.settings.strategy, 'rrmemory');
    assert.equal('members' in (rendered?.settings ?? {}), false);
  });

  it('has no computed members without a selector or skills, and notices a missing overflow queue', () => {
    const r = resolveQueues(
      [
        queue('q', { overflow: { queue: 'nowhere' } }),
        queue('s', { overflow: { queue: 'support' } }),
      ],
      [agent('ann')],
      config,
    );
    assert.deepEqual(r.get('q')?.members, []);
    assert.equal(r.get('q')?.memberCount, 0);
    assert.equal(r.get('q')?.missingOverflowQueue, 'nowhere');
    assert.equal(r.get('s')?.missingOverflowQueue, undefined, 'the hotline number reaches support');
    const silent = resolveQueues(
      [queue('a', { overflow: { queue: 'b' } }), queue('b', {})],
      [],
      config,
    );
    assert.equal(silent.get('a')?.missingOverflowQueue, 'b', 'b exists but has no number');
  });
});
