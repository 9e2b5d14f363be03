import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SipAgent } from '../crds/types.ts';
import { AgentIndex } from './agent-index.ts';
import { allocateExtension } from './extensions.ts';

const agent = (name: string, extension?: number, created = '2026-01-01T00:00:00Z'): SipAgent => ({
  apiVersion: 'switchboard.dev/v1alpha1',
  kind: 'SipAgent',
  metadata: { name, namespace: 'ns', creationTimestamp: created },
  spec: {
    displayName: name,
    codecs: ['opus'],
    suspended: false,
    maxContacts: 1,
    ...(extension === undefined ? {} : { extension }),
  },
});

describe('AgentIndex', () => {
  it('allocates exactly like the reference allocateExtension, over random namespaces', () => {
    const range = { start: 1000, end: 1040 };
    for (let round = 0; round < 200; round++) {
      const index = new AgentIndex();
      const taken = new Set<number>();
      const n = Math.floor(Math.random() * 45);
      for (let i = 0; i < n; i++) {
        const ext = 990 + Math.floor(Math.random() * 60);
        index.upsertAgent(agent(`a${i}`, ext));
        taken.add(ext);
      }
      assert.equal(
        index.allocate('ns', range),
        allocateExtension(taken, range),
        `taken: ${[...taken].sort()}`,
      );
    }
  });

  it('counts reservations and stored credentials, and forgets a reservation once the cache shows it', () => {
    const index = new AgentIndex();
    index.upsertAgent(agent('a'));
    index.upsertAgent(agent('b'));
    index.reserve('ns', 'a', { username: 'a_1', extension: 1000, generatedFor: '' });
    assert.equal(index.allocate('ns', { start: 1000, end: 1010 }), 1001);
    assert.ok(index.usernameTaken('ns', 'a_1'));
    index.setStored('ns', 'a', { username: 'a_1', extension: 1000, generatedFor: '' });
    assert.equal(index.reservation('ns', 'a'), undefined);
    assert.equal(
      index.allocate('ns', { start: 1000, end: 1010 }),
      1001,
      'still taken through the Secret',
    );
    index.removeAgent('ns', 'a');
    assert.equal(index.allocate('ns', { start: 1000, end: 1010 }), 1000);
    assert.ok(!index.usernameTaken('ns', 'a_1'));
  });

  it('ignores a Secret whose agent is unknown (deleted, awaiting garbage collection)', () => {
    const index = new AgentIndex();
    index.setStored('ns', 'gone', { username: 'gone_1', extension: 1000 });
    assert.equal(index.allocate('ns', { start: 1000, end: 1010 }), 1000);
  });

  it('resolves conflicts among the agents sharing an extension', () => {
    const index = new AgentIndex();
    index.upsertAgent(agent('new', 1005, '2026-01-02T00:00:00Z'));
    index.upsertAgent(agent('old', 1005, '2026-01-01T00:00:00Z'));
    assert.deepEqual(index.ownership('ns', 'new'), { extension: 1005, conflictWith: 'old' });
    assert.deepEqual(index.ownership('ns', 'old'), { extension: 1005 });
    index.removeAgent('ns', 'old');
    assert.deepEqual(index.ownership('ns', 'new'), { extension: 1005 });
  });
});
