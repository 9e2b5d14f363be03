import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { queue } from '../callqueue/fixtures.ts';
import type { SipAgent } from '../crds/types.ts';
import type { CredentialsResult } from './credentials.ts';
import { sipTrunk } from './fixtures.ts';
import { renderTrunks, resolveTrunks } from './resolve.ts';

const config = { hotline: { number: '117', queue: 'support' } };
const agent = (name: string, suspended = false) =>
  ({ metadata: { name }, spec: { suspended } }) as unknown as SipAgent;
const ok: CredentialsResult = {
  state: 'ok',
  credentials: { username: 'acct', password: 'secret-password' },
};

describe('resolveTrunks', () => {
  it('routes numbers whose queue, agent or hotline exists, and leaves out the rest', () => {
    const t = sipTrunk('carrier', {
      routes: [
        { number: '117', queue: 'support' },
        { number: '118', queue: 'billing' },
        { number: '119', queue: 'sales' },
        { number: '+23222000001', agent: 'ann' },
        { number: '+23222000002', agent: 'bob' },
        { number: '+23222000003', agent: 'nobody' },
        { number: '555', hotline: true },
      ],
    });
    const r = resolveTrunks(
      [t],
      [queue('billing', {})],
      [agent('ann'), agent('bob', true)],
      config,
      () => ({ state: 'none' }),
    ).get('carrier');
    assert.deepEqual(
      r?.routes.map((x) => x.number),
      ['+23222000001', '117', '118', '555'],
    );
    assert.deepEqual(r?.missing, [
      { number: '119', target: 'CallQueue "sales"' },
      { number: '+23222000002', target: 'SipAgent "bob" (or it is suspended)' },
      { number: '+23222000003', target: 'SipAgent "nobody" (or it is suspended)' },
    ]);
    // without a WebRTCConfig there is no hotline (and no hotline queue)
    const none = resolveTrunks([t], [], [], undefined, () => ({ state: 'none' })).get('carrier');
    assert.ok(none?.missing.some((m) => m.number === '555' && /hotline/.test(m.target)));
    assert.ok(none?.missing.some((m) => m.number === '117'));
  });

  it('gives a number two trunks route to the older one', () => {
    const older = sipTrunk(
      'zeta',
      { routes: [{ number: '117', hotline: true }] },
      '2026-01-01T00:00:00Z',
    );
    const younger = sipTrunk(
      'alpha',
      {
        routes: [
          { number: '117', hotline: true },
          { number: '118', hotline: true },
        ],
      },
      '2026-02-01T00:00:00Z',
    );
    const r = resolveTrunks([younger, older], [], [], config, () => ({ state: 'none' }));
    assert.deepEqual(
      r.get('zeta')?.routes.map((x) => x.number),
      ['117'],
    );
    assert.deepEqual(
      r.get('alpha')?.routes.map((x) => x.number),
      ['118'],
    );
    assert.deepEqual(r.get('alpha')?.conflicts, [{ number: '117', trunk: 'zeta' }]);
    // the older one going frees the number
    const after = resolveTrunks([younger], [], [], config, () => ({ state: 'none' }));
    assert.deepEqual(after.get('alpha')?.conflicts, []);
  });

  it('renders every trunk but those whose Secret is unusable, registering only with credentials', () => {
    const a = sipTrunk('a', {
      credentialsSecret: { name: 'a-creds' },
      register: true,
      routes: [{ number: '117', hotline: true }],
    });
    const b = sipTrunk('b', { credentialsSecret: { name: 'missing' }, register: true });
    const c = sipTrunk('c', { match: ['192.0.2.0/24'] });
    const resolved = resolveTrunks([a, b, c], [], [], config, (t) =>
      t.metadata.name === 'a'
        ? ok
        : t.metadata.name === 'b'
          ? { state: 'problem', reason: 'SecretNotFound', message: 'gone' }
          : { state: 'none' },
    );
    const rendered = renderTrunks([a, b, c], resolved);
    assert.deepEqual(
      rendered.map((t) => [t.name, t.register, t.credentials?.username]),
      [
        ['a', true, 'acct'],
        ['c', false, undefined],
      ],
    );
    assert.deepEqual(rendered[1]?.match, ['192.0.2.0/24']);
    assert.deepEqual(rendered[0]?.routes, [{ number: '117', hotline: true }]);
  });
});
