import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpMethod, RequestContext } from '@kubernetes/client-node';
import type { Agent } from 'undici';
import { PooledKubeConfig } from './pooled-kube-config.ts';

// Any PEM-shaped CA will do: the dispatcher is built, never connected.
const CA = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString(
  'base64',
);

function kubeConfig(token: string): PooledKubeConfig {
  const kc = new PooledKubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:6443', caData: CA, skipTLSVerify: false }],
    users: [{ name: 'u', token }],
    contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
    currentContext: 'ctx',
  });
  return kc;
}

async function apply(kc: PooledKubeConfig): Promise<RequestContext> {
  const ctx = new RequestContext('https://127.0.0.1:6443/api/v1/secrets', HttpMethod.GET);
  await kc.applySecurityAuthentication(ctx);
  return ctx;
}

describe('PooledKubeConfig', () => {
  it('gives every request the same dispatcher, and each its auth header', async () => {
    const kc = kubeConfig('t0k3n');
    const first = await apply(kc);
    const second = await apply(kc);
    assert.ok(first.getDispatcher(), 'a dispatcher carrying the cluster CA');
    assert.equal(second.getDispatcher(), first.getDispatcher(), 'connections are shared');
    assert.equal(second.getHeaders().Authorization, 'Bearer t0k3n');
    await kc.close();
  });

  it('takes a new dispatcher when the TLS material changes (a rotated CA) and closes the old one', async () => {
    const kc = kubeConfig('t0k3n');
    const before = (await apply(kc)).getDispatcher();
    kc.loadFromOptions({
      clusters: [
        {
          name: 'c',
          server: 'https://127.0.0.1:6443',
          caData: Buffer.from('rotated').toString('base64'),
          skipTLSVerify: false,
        },
      ],
      users: [{ name: 'u', token: 't0k3n' }],
      contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
      currentContext: 'ctx',
    });
    const after = (await apply(kc)).getDispatcher();
    assert.ok(after);
    assert.notEqual(after, before);
    assert.equal((before as Agent).closed, true, 'the old connections are let go');
    assert.equal((after as Agent).closed, false);
    await kc.close();
  });
});
