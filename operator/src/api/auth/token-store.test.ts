import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CoreV1Api, V1Secret } from '@kubernetes/client-node';
import type { Logger } from '../../log.ts';
import { TOKENS_SECRET, TokenStore } from './token-store.ts';

/** Just enough of CoreV1Api for one Secret, counting writes. */
function fakeCore() {
  let secret: V1Secret | undefined;
  const writes: string[] = [];
  const notFound = Object.assign(new Error('not found'), { code: 404 });
  const core = {
    async readNamespacedSecret() {
      if (!secret) throw notFound;
      return structuredClone(secret);
    },
    async createNamespacedSecret({ body }: { body: V1Secret }) {
      writes.push('create');
      if (secret) throw Object.assign(new Error('exists'), { code: 409 });
      secret = structuredClone(body);
      return secret;
    },
    async patchNamespacedSecret({ body }: { body: { data: Record<string, string | null> } }) {
      writes.push(`patch ${Object.keys(body.data).sort().join(' ')}`);
      if (!secret) throw notFound;
      const data = { ...secret.data };
      for (const [k, v] of Object.entries(body.data)) {
        if (v === null) delete data[k];
        else data[k] = v;
      }
      secret = { ...secret, data };
      return secret;
    },
  };
  return { core: core as unknown as CoreV1Api, writes, secret: () => secret };
}

const quiet = { warn() {}, info() {}, error() {}, debug() {} } as unknown as Logger;
const options = { refreshMs: 60_000, flushMs: 60_000 };

describe('the API token store', () => {
  it('writes last uses in one batch, not per request', async () => {
    const fake = fakeCore();
    const store = new TokenStore(fake.core, 'ops', quiet, options);
    const { token, info } = await store.create(
      'hr-sync',
      ['agents:read'],
      new Date(Date.now() + 60_000),
    );
    assert.deepEqual(fake.writes, ['create']);
    for (let i = 0; i < 100; i++) {
      const verdict = await store.verify(token);
      assert.ok(verdict.ok);
      store.markUsed(verdict.record.id);
    }
    assert.deepEqual(fake.writes, ['create'], 'no write per request');
    assert.ok(store.list()[0]?.lastUsedAt, 'shown before it is written');
    await store.flush();
    assert.deepEqual(fake.writes, ['create', `patch last-used.${info.id}`]);
    await store.flush();
    assert.equal(fake.writes.length, 2, 'nothing new: nothing written');
    assert.equal(fake.secret()?.metadata?.name, TOKENS_SECRET);
  });

  it('revokes at once, and a replica that re-reads refuses the token too', async () => {
    const fake = fakeCore();
    const a = new TokenStore(fake.core, 'ops', quiet, options);
    const b = new TokenStore(fake.core, 'ops', quiet, options);
    const { token, info } = await a.create('ci', ['agents:write'], new Date(Date.now() + 60_000));
    assert.equal((await b.verify(token)).ok, true, 'an unknown id is read fresh');
    assert.equal((await a.revoke(info.id))?.name, 'ci');
    assert.equal((await a.verify(token)).ok, false);
    await b.refresh();
    assert.equal((await b.verify(token)).ok, false);
    const soon = new Date(Date.now() + 60_000);
    await a.create('ci', ['agents:read'], soon); // the name is free again after the revocation
    await assert.rejects(a.create('ci', ['agents:read'], soon), /exists already/);
  });
});
