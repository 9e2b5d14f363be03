// The operator's informers survive an API server restart: a dedicated
// control plane (the shared one must not go down under other tests) is
// restarted under a running informer, which keeps delivering events.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { CoreV1Api, KubeConfig, type V1ConfigMap } from '@kubernetes/client-node';
import { createInformer } from '../../operator/src/kube/informer.ts';
import { silentLogger } from '../../operator/src/log.ts';
import { registry } from '../../operator/src/metrics.ts';
import { type ControlPlane, startControlPlane } from '../cluster/control-plane.ts';
import { waitUntil } from '../support/wait.ts';

let cp: ControlPlane;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'switchboard-restart-'));
  cp = await startControlPlane({ dir });
});
after(async () => {
  await cp?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('keeps delivering events after kube-apiserver restarts', async () => {
  const kc = new KubeConfig();
  kc.loadFromFile(cp.kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const informer = createInformer<V1ConfigMap>(kc, {
    name: 'restart-test',
    path: '/api/v1/namespaces/default/configmaps',
    list: () => core.listNamespacedConfigMap({ namespace: 'default' }),
    logger: silentLogger,
    maxRestartDelayMs: 1000,
  });
  const seen = new Set<string>();
  informer.on('add', (cm) => seen.add(cm.metadata?.name ?? ''));
  await informer.start();
  try {
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'before' } },
    });
    await waitUntil('informer saw "before"', () => seen.has('before'));

    await cp.restartApiServer();
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'after' } },
    });
    await waitUntil('informer saw "after"', () => seen.has('after'), 30_000);
    assert.ok(informer.get('after', 'default'));
    const restarts = (
      await registry.getSingleMetricAsString('switchboard_informer_restarts_total')
    ).match(/restart-test"\} (\d+)/);
    assert.ok(Number(restarts?.[1] ?? 0) >= 1, 'the restart was noticed and counted');
  } finally {
    await informer.stop();
  }
});
