import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SipAgent } from '../../crds/types.ts';
import { listUsers, toApiUser, userStats } from './users-view.ts';

function agent(
  name: string,
  displayName: string,
  extra: Partial<SipAgent> & { ext?: number } = {},
): SipAgent {
  return {
    apiVersion: 'switchboard.dev/v1alpha1',
    kind: 'SipAgent',
    metadata: { name, ...extra.metadata },
    spec: { displayName, codecs: ['opus'], suspended: false, maxContacts: 1, ...extra.spec },
    status: {
      extension: extra.ext,
      sipUsername: `${name.replace('-', '_')}_1700000000`,
      ...extra.status,
    },
  };
}

const agents = [
  agent('jane-roe', 'Jane Roe', { ext: 1001, status: { registered: true } }),
  agent('john-doe', 'John Doe', { ext: 1000 }),
  agent('max', 'Max Mustermann', {
    ext: 1002,
    spec: { displayName: 'Max Mustermann', codecs: ['opus'], suspended: true, maxContacts: 1 },
  }),
  agent('erika', 'Erika Musterfrau', { ext: 1010 }),
  agent('gone', 'Gone Person', {
    ext: 1003,
    metadata: { name: 'gone', deletionTimestamp: '2026-01-01T00:00:00Z' },
  }),
];
const withCreds = (a: SipAgent) => a.metadata.name !== 'erika';
const query = { search: '', filter: 'all' as const, page: 1, pageSize: 25 };

describe('HR user view', () => {
  it('shows an agent without any secret, with its live state', () => {
    const u = toApiUser(agents[0] as SipAgent, true);
    assert.deepEqual(
      {
        id: u.id,
        ext: u.sipExtension,
        reg: u.registered,
        creds: u.hasSipCredentials,
        state: u.state,
      },
      { id: 'jane-roe', ext: 1001, reg: true, creds: true, state: 'Pending' },
    );
    assert.doesNotMatch(JSON.stringify(u), /password/i);
  });

  it('orders by extension, skips deleted agents, pages', () => {
    const all = listUsers(agents, withCreds, query);
    assert.deepEqual(
      all.users.map((u) => u.id),
      ['john-doe', 'jane-roe', 'max', 'erika'],
    );
    assert.equal(all.total, 4);
    const page2 = listUsers(agents, withCreds, { ...query, page: 2, pageSize: 3 });
    assert.deepEqual(
      page2.users.map((u) => u.id),
      ['erika'],
    );
    assert.equal(page2.total, 4);
  });

  it('searches name, SIP username, extension prefix and phone, case-insensitively', () => {
    const ids = (search: string) =>
      listUsers(agents, withCreds, { ...query, search }).users.map((u) => u.id);
    assert.deepEqual(ids('MUSTER'), ['max', 'erika']);
    assert.deepEqual(ids('101'), ['erika']);
    assert.deepEqual(ids('john_doe'), ['john-doe']);
    assert.deepEqual(ids('nobody'), []);
  });

  it('filters by SIP status', () => {
    const ids = (filter: 'registered' | 'unregistered' | 'suspended' | 'unconfigured') =>
      listUsers(agents, withCreds, { ...query, filter }).users.map((u) => u.id);
    assert.deepEqual(ids('registered'), ['jane-roe']);
    assert.deepEqual(ids('unregistered'), ['john-doe', 'erika']);
    assert.deepEqual(ids('suspended'), ['max']);
    assert.deepEqual(ids('unconfigured'), ['erika']);
  });

  it('counts stats', () => {
    assert.deepEqual(userStats(agents, withCreds), {
      totalAgents: 4,
      withSipCredentials: 3,
      registeredNow: 1,
      suspended: 1,
    });
  });
});
