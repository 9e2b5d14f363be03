// kube/informer.ts against the real kube-apiserver: it follows ConfigMaps in a
// namespace, and recovers by itself from a dropped watch, from an API server
// that is down for a while, and from 410 Gone (relist). The failures are made
// by a plain-HTTP front (ApiShim) so the shared control plane stays up.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CoreV1Api,
  type KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import { createInformer, type Informer } from '../../operator/src/kube/informer.ts';
import { ApiShim } from '../../operator/src/kube/testing/api-shim.ts';
import { silentLogger } from '../../operator/src/log.ts';
import { registry } from '../../operator/src/metrics.ts';
import { createNamespace, kubectl, testCluster } from '../support/cluster.ts';
import { waitUntil } from '../support/wait.ts';

const cluster = testCluster();
const core = cluster.kc.makeApiClient(CoreV1Api);
/** Each test labels its ConfigMaps with its informer's name and watches only those. */
const LABEL = 'switchboard.dev/test';
let ns: Awaited<ReturnType<typeof createNamespace>>;

before(async () => {
  ns = await createNamespace(cluster, 'kube-informer');
});
after(async () => {
  await ns?.cleanup();
});

/** An informer on the ConfigMaps labelled `name` in the test namespace, and what it reported. */
function configMaps(kc: KubeConfig, name: string) {
  const api = kc.makeApiClient(CoreV1Api);
  const selector = `${LABEL}=${name}`;
  const informer = createInformer<V1ConfigMap>(kc, {
    name,
    path: `/api/v1/namespaces/${ns.name}/configmaps`,
    labelSelector: selector,
    list: () => api.listNamespacedConfigMap({ namespace: ns.name, labelSelector: selector }),
    logger: silentLogger,
    maxRestartDelayMs: 1000,
  });
  const events: string[] = [];
  for (const kind of ['add', 'update', 'delete'] as const) {
    informer.on(kind, (o) => events.push(`${kind} ${o.metadata?.name} ${o.data?.k ?? ''}`.trim()));
  }
  const create = (cmName: string, k = 'v1') =>
    core.createNamespacedConfigMap({
      namespace: ns.name,
      body: { metadata: { name: cmName, labels: { [LABEL]: name } }, data: { k } },
    });
  return { informer, events, create };
}

const update = (name: string, k: string) =>
  core.patchNamespacedConfigMap(
    { name, namespace: ns.name, body: { data: { k } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
const remove = (name: string) => core.deleteNamespacedConfigMap({ name, namespace: ns.name });

async function restarts(informer: string): Promise<number> {
  const text = await registry.getSingleMetricAsString('switchboard_informer_restarts_total');
  const line = text.split('\n').find((l) => l.includes(`informer="${informer}"`));
  return Number(line?.split(' ').at(-1) ?? 0);
}

const names = (informer: Informer<V1ConfigMap>) =>
  informer
    .list(ns.name)
    .map((o) => o.metadata?.name)
    .sort();

describe('kube informer (real API server)', { timeout: 20_000 }, () => {
  it('sees ConfigMaps added, updated and deleted with kubectl, honouring the label selector', async () => {
    const { informer, events } = configMaps(cluster.kc, 'kube-it-basic');
    try {
      await informer.start();
      assert.equal(informer.synced, true);
      const manifest = (k: string) =>
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'basic', namespace: ns.name, labels: { [LABEL]: 'kube-it-basic' } },
          data: { k },
        });
      const applied = await kubectl(cluster, ['apply', '-f', '-'], manifest('v1'));
      assert.equal(applied.code, 0, applied.stderr);
      await kubectl(cluster, ['create', 'configmap', 'unlabelled', '-n', ns.name]);
      await waitUntil('add', () => events.includes('add basic v1'));

      await kubectl(cluster, ['apply', '-f', '-'], manifest('v2'));
      await waitUntil('update', () => events.includes('update basic v2'));
      assert.equal(informer.get('basic', ns.name)?.data?.k, 'v2');

      await kubectl(cluster, ['delete', 'configmap', 'basic', '-n', ns.name]);
      await waitUntil('delete', () => events.includes('delete basic v2'));
      assert.equal(informer.get('basic', ns.name), undefined);
      assert.deepEqual(events, ['add basic v1', 'update basic v2', 'delete basic v2']);
      assert.equal(informer.get('unlabelled', ns.name), undefined, 'outside the selector');
    } finally {
      await informer.stop();
    }
  });

  it('recovers from a dropped watch and from an API server that is down, resuming without a relist', async (t) => {
    const shim = await ApiShim.start(cluster.kc);
    const { informer, events, create } = configMaps(shim.kc, 'kube-it-drop');
    try {
      await informer.start();
      await create('drop-1');
      await waitUntil('drop-1', () => events.includes('add drop-1 v1'));

      // A crash or network blip: the watch dies mid-stream; client-node alone would stop here.
      const dropped = Date.now();
      shim.dropConnections();
      await waitUntil('restart counted', async () => (await restarts('kube-it-drop')) === 1);
      await create('drop-2');
      await waitUntil('drop-2 after the drop', () => events.includes('add drop-2 v1'));
      const recoveredMs = Date.now() - dropped;
      t.diagnostic(`event after the drop delivered ${recoveredMs} ms after it`);

      // Down for a while: every reconnect is refused and the restarts back off.
      await shim.down();
      await update('drop-1', 'v2');
      await remove('drop-2');
      await create('drop-3');
      await waitUntil('two refused restarts', async () => (await restarts('kube-it-drop')) >= 3);
      const upAt = Date.now();
      await shim.up();
      await waitUntil('caught up after the outage', () => events.includes('add drop-3 v1'));
      await waitUntil('deletion seen', () => events.includes('delete drop-2 v1'));
      t.diagnostic(`caught up ${Date.now() - upAt} ms after the API server came back`);
      assert.ok(events.includes('update drop-1 v2'));
      assert.deepEqual(names(informer), ['drop-1', 'drop-3']);
      assert.equal(shim.seen.lists, 1, 'resumed from its resourceVersion: one LIST in all');
      assert.ok(recoveredMs < 5_000, `recovered from the drop in ${recoveredMs} ms`);
    } finally {
      await informer.stop();
      await shim.close();
    }
  });

  it('relists after 410 Gone and reports the changes it missed', async () => {
    const shim = await ApiShim.start(cluster.kc);
    const { informer, events, create } = configMaps(shim.kc, 'kube-it-gone');
    try {
      await create('gone-1');
      await create('gone-2');
      await informer.start();
      assert.deepEqual(names(informer), ['gone-1', 'gone-2']);
      assert.equal(shim.seen.lists, 1);

      // Away long enough for its resourceVersion to be compacted: the next watch gets 410.
      await shim.down();
      await update('gone-1', 'v2');
      await remove('gone-2');
      await create('gone-3');
      shim.expireNextWatches(1);
      await shim.up();
      await waitUntil('relisted', () => shim.seen.lists === 2);
      await waitUntil('changes reported', () => events.length === 5);
      assert.deepEqual(events.slice(2).sort(), [
        'add gone-3 v1',
        'delete gone-2 v1',
        'update gone-1 v2',
      ]);
      assert.deepEqual(names(informer), ['gone-1', 'gone-3']);

      // And it watches again from the new LIST.
      await create('gone-4');
      await waitUntil('events after the relist', () => events.includes('add gone-4 v1'));
      assert.equal(shim.seen.lists, 2);
    } finally {
      await informer.stop();
      await shim.close();
    }
  });
});
