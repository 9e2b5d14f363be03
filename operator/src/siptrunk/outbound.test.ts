// Which trunk carries outbound calls, what it renders, and which agents may call out.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SipAgent } from '../crds/types.ts';
import { sipTrunk } from './fixtures.ts';
import { dialOutAgents } from './outbound.ts';
import { renderTrunks, resolveTrunks } from './resolve.ts';
import { desiredTrunkStatus } from './status.ts';

const config = { hotline: { number: '117', queue: 'support' } };
const agent = (name: string, labels: Record<string, string> = {}) =>
  ({ metadata: { name, labels }, spec: { suspended: false } }) as unknown as SipAgent;
const out = { callerId: '+23222000000', countryCode: '232' };
const resolve = (trunks: ReturnType<typeof sipTrunk>[], agents: SipAgent[] = []) =>
  resolveTrunks(trunks, [], agents, config, () => ({ state: 'none' }));

describe('outbound trunks', () => {
  it('defaults to national calls for every agent, 112 always, prefixes 0 and 00', () => {
    const t = sipTrunk('carrier', { outbound: out });
    assert.deepEqual(t.spec.outbound, {
      ...out,
      enabled: true,
      nationalPrefix: '0',
      internationalPrefix: '00',
      allow: ['national'],
      deny: [],
      emergencyNumbers: ['112'],
    });
    const [rendered] = renderTrunks([t], resolve([t]));
    assert.deepEqual(rendered?.outbound, {
      ...out,
      nationalPrefix: '0',
      internationalPrefix: '00',
      allow: ['national'],
      deny: [],
      emergencyNumbers: ['112'],
      allAgents: true,
    });
  });

  it('lets no call out without the section, or with enabled: false', () => {
    const none = sipTrunk('carrier', {});
    const off = sipTrunk('backup', { outbound: { ...out, enabled: false } });
    const resolved = resolve([none, off]);
    assert.equal(resolved.get('carrier')?.outbound, 'off');
    assert.equal(resolved.get('backup')?.outbound, 'off');
    assert.ok(renderTrunks([none, off], resolved).every((t) => t.outbound === undefined));
  });

  it('gives outbound to the oldest trunk; the other reports OutboundConflict', () => {
    const old = sipTrunk('carrier', { outbound: out }, '2026-01-01T00:00:00Z');
    const young = sipTrunk('backup', { outbound: out }, '2026-02-01T00:00:00Z');
    const resolved = resolve([young, old]);
    assert.equal(resolved.get('carrier')?.outbound, 'active');
    assert.deepEqual(resolved.get('backup')?.outbound, { conflict: 'carrier' });
    const rendered = renderTrunks([young, old], resolved);
    assert.deepEqual(
      rendered.filter((t) => t.outbound).map((t) => t.name),
      ['carrier'],
    );
    const status = (name: string, t: typeof old) =>
      desiredTrunkStatus(
        t,
        resolved.get(name) as NonNullable<ReturnType<typeof resolved.get>>,
        true,
        { known: false, reason: '' },
        new Date(0),
      ).conditions?.find((c) => c.type === 'Ready');
    assert.equal(status('backup', young)?.reason, 'OutboundConflict');
    assert.match(status('backup', young)?.message ?? '', /already go through SipTrunk carrier/);
    assert.equal(status('carrier', old)?.status, 'True');
    assert.match(status('carrier', old)?.message ?? '', /outbound calls go through this trunk/);
  });

  it('marks the agents a selector names, and none when every agent may', () => {
    const agents = [agent('ann', { dialout: 'yes' }), agent('bob')];
    const everyone = sipTrunk('carrier', { outbound: out });
    assert.equal(dialOutAgents([everyone], resolve([everyone], agents), agents), undefined);
    const some = sipTrunk('carrier', {
      outbound: { ...out, agents: { selector: { matchLabels: { dialout: 'yes' } } } },
    });
    const resolved = resolve([some], agents);
    assert.deepEqual([...(dialOutAgents([some], resolved, agents) ?? [])], ['ann']);
    assert.equal(renderTrunks([some], resolved)[0]?.outbound?.allAgents, false);
    // a trunk whose outbound is not in force marks nobody
    const off = sipTrunk('carrier', {
      outbound: { ...out, enabled: false, agents: { selector: { matchLabels: { a: 'b' } } } },
    });
    assert.equal(dialOutAgents([off], resolve([off], agents), agents), undefined);
  });
});
