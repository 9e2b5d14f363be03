import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { queue } from '../callqueue/fixtures.ts';
import type { SipAgent } from '../crds/types.ts';
import { shadowedEmergencyNumbers } from './emergency.ts';
import { sipTrunk } from './fixtures.ts';
import { resolveTrunks } from './resolve.ts';

const config = { hotline: { number: '117', queue: 'support' } };
const agent = (name: string, extension: number, extra: Record<string, unknown> = {}) =>
  ({ metadata: { name }, spec: { suspended: false }, status: { extension }, ...extra }) as SipAgent;

describe('shadowedEmergencyNumbers', () => {
  it('names each emergency number the hotline, a queue or an extension answers instead', () => {
    const queues = [queue('sales', { numbers: ['118'] })];
    const agents = [agent('ann', 1000), agent('bob', 999)];
    assert.deepEqual(
      shadowedEmergencyNumbers(['999', '112', '117', '118', '1000'], config, queues, agents),
      [
        { number: '1000', by: 'the extension of SipAgent "ann"' },
        { number: '117', by: 'the hotline number' },
        { number: '118', by: 'a number of CallQueue "sales"' },
        { number: '999', by: 'the extension of SipAgent "bob"' },
      ],
    );
  });

  it('ignores what is not in Asterisk: suspended or deleted agents, deleted queues, no config', () => {
    const gone = { deletionTimestamp: '2026-01-01T00:00:00Z' };
    const agents = [
      { ...agent('ann', 112), spec: { suspended: true } } as SipAgent,
      { ...agent('bob', 113), metadata: { name: 'bob', ...gone } } as SipAgent,
    ];
    const q = queue('sales', { numbers: ['114'] });
    const queues = [{ ...q, metadata: { ...q.metadata, ...gone } }];
    assert.deepEqual(
      shadowedEmergencyNumbers(['112', '113', '114', '117'], undefined, queues, agents),
      [],
    );
  });

  it('is resolved for the trunk that carries calls out, and only for it', () => {
    const outbound = { callerId: '+23222000000', countryCode: '232', emergencyNumbers: ['117'] };
    const first = sipTrunk('first', { outbound }, '2026-01-01T00:00:00Z');
    const second = sipTrunk('second', { outbound }, '2026-01-02T00:00:00Z');
    const off = sipTrunk('off', { outbound: { ...outbound, enabled: false } });
    const r = resolveTrunks([first, second, off], [], [], config, () => ({ state: 'none' }));
    assert.deepEqual(r.get('first')?.shadowed, [{ number: '117', by: 'the hotline number' }]);
    assert.deepEqual(r.get('second')?.shadowed, []);
    assert.deepEqual(r.get('off')?.shadowed, []);
  });
});
