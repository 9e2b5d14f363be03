// One `helm install` on a control plane that has never seen the CRDs (its
// own: the shared one has them, and its CRDs are never deleted): the release
// creates the CRDs, the operator applies WebRTCConfig "default" from the
// values. Then `helm upgrade` upgrades a CRD (they are templates), a changed
// webrtcConfig value changes the operator's env and is re-applied while an
// admin's field survives, and `helm uninstall` keeps CRDs and the WebRTCConfig.
// No kubelet: the operator runs here as the release's ServiceAccount.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import type { WebRTCConfig } from '../../operator/src/crds/types.ts';
import { PooledKubeConfig } from '../../operator/src/kube/pooled-kube-config.ts';
import {
  CHART_FIELD_MANAGER,
  CHART_VALUES_ANNOTATION,
  parseChartDefaults,
} from '../../operator/src/webrtcconfig/chart-defaults.ts';
import { type ControlPlane, startControlPlane } from '../cluster/control-plane.ts';
import { kubectl, type TestCluster } from '../support/cluster.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import { waitUntil } from '../support/wait.ts';
import { chartPath, helm, impersonatingKubeconfig, liveChartDefaults, valueFlags } from './helm.ts';

const NS = 'support';
const RELEASE = 'sb';
const SA = 'sb-switchboard-operator';
const CRDS = [
  'callqueues.switchboard.dev',
  'sipagents.switchboard.dev',
  'siptrunks.switchboard.dev',
  'webrtcconfigs.switchboard.dev',
];

const dir = mkdtempSync(join(tmpdir(), 'switchboard-empty-cluster-'));
let controlPlane: ControlPlane | undefined;
let cluster: TestCluster;
let saKubeconfig: string;
let operator: OperatorProcess | undefined;

const helmIn = (args: string[]) => helm([...args, '--namespace', NS], cluster.kubeconfig);
const getJson = async <T>(...args: string[]): Promise<T> => {
  const got = await kubectl(cluster, ['get', '-o', 'json', ...args]);
  if (got.code !== 0) throw new Error(got.stderr);
  return JSON.parse(got.stdout) as T;
};
const config = () =>
  getJson<WebRTCConfig & { metadata: { managedFields?: { manager: string }[] } }>(
    '--show-managed-fields',
    '-n',
    NS,
    'webrtcconfig',
    'default',
  );

/** The operator as the release's ServiceAccount with the env the Deployment has now. */
async function startReleaseOperator(identity: string): Promise<OperatorProcess> {
  return await startOperator(cluster, NS, identity, {
    KUBECONFIG: saKubeconfig,
    LEASE_NAME: SA,
    WEBRTC_CONFIG_DEFAULTS: await liveChartDefaults(cluster, NS, SA),
  });
}

before(async () => {
  controlPlane = await startControlPlane({ dir: join(dir, 'control-plane') });
  const kc = new PooledKubeConfig();
  kc.loadFromFile(controlPlane.kubeconfig);
  cluster = {
    kubeconfig: controlPlane.kubeconfig,
    kubectlPath: join(controlPlane.tools.binDir, 'kubectl'),
    kc,
  };
  saKubeconfig = impersonatingKubeconfig(
    cluster.kubeconfig,
    join(dir, 'sa.kubeconfig'),
    `system:serviceaccount:${NS}:${SA}`,
  );
});

after(async () => {
  await operator?.stop();
  await controlPlane?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('helm on a cluster without the CRDs', () => {
  let firstEnv = '';

  it('installs in one step: the operator applies WebRTCConfig "default" from the values', async () => {
    for (const crd of CRDS)
      assert.notEqual((await kubectl(cluster, ['get', 'crd', crd])).code, 0, `${crd} exists`);

    const started = performance.now();
    const installed = await helmIn([
      'install',
      RELEASE,
      chartPath,
      '--create-namespace',
      '--wait=hookOnly',
      ...valueFlags({
        'webrtcConfig.asteriskWsUrl': 'wss://pbx.example.org:8089/ws',
        'webrtcConfig.hotline': { number: '200', queue: 'support' },
      }),
    ]);
    const helmMs = performance.now() - started;
    assert.equal(installed.code, 0, installed.stderr);
    assert.match(installed.stdout, /The operator applies WebRTCConfig "default" in "support"/);
    assert.doesNotMatch(installed.stdout, /--reuse-values/);
    for (const crd of CRDS)
      assert.equal((await kubectl(cluster, ['get', 'crd', crd])).code, 0, `${crd} missing`);

    firstEnv = await liveChartDefaults(cluster, NS, SA);
    const values = parseChartDefaults(firstEnv);
    assert.ok(values);
    operator = await startReleaseOperator('empty-op-1');
    await waitUntil('WebRTCConfig default applied', async () =>
      Boolean((await config()).metadata.annotations?.[CHART_VALUES_ANNOTATION]),
    );
    const totalMs = performance.now() - started;
    console.log(
      `install → WebRTCConfig applied: ${totalMs.toFixed(0)} ms (helm install ${helmMs.toFixed(0)} ms, operator start and apply ${(totalMs - helmMs).toFixed(0)} ms)`,
    );

    const applied = await config();
    assert.equal(applied.metadata.annotations?.[CHART_VALUES_ANNOTATION], values.fingerprint);
    assert.equal(applied.spec.asteriskWsUrl, 'wss://pbx.example.org:8089/ws');
    assert.deepEqual(applied.spec.hotline, { number: '200', queue: 'support' });
    assert.deepEqual(applied.spec.ami, {
      host: 'sb-switchboard-asterisk-ami',
      port: 5038,
      secretName: 'sb-switchboard-ami',
    });
    assert.equal(applied.spec.iceServers.stunUrls, undefined, 'empty values stay out');
    assert.ok(
      applied.metadata.managedFields?.some((f) => f.manager === CHART_FIELD_MANAGER),
      'applied by the chart-values field manager',
    );
    await waitUntil('Event ChartValuesApplied', async () => {
      const events = await getJson<{ items: { reason: string; regarding: { name: string } }[] }>(
        'events.events.k8s.io',
        '-n',
        NS,
      );
      return events.items.some(
        (e) => e.reason === 'ChartValuesApplied' && e.regarding.name === 'default',
      );
    });
  });

  it('helm upgrade upgrades a changed CRD (the CRDs are templates of the release)', async () => {
    // A copy of the chart whose WebRTCConfig CRD has one more optional field.
    const chart = join(dir, 'chart');
    cpSync(chartPath, chart, { recursive: true });
    const crdFile = join(chart, 'files', 'crds', 'webrtcconfig.yaml');
    const crd = parse(readFileSync(crdFile, 'utf8'));
    crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.upgradeProbe = {
      type: 'string',
      description: 'Added by the test: the upgraded CRD carries it.',
    };
    writeFileSync(crdFile, stringify(crd));

    const upgraded = await helmIn(['upgrade', RELEASE, chart, '--reuse-values', '--wait=hookOnly']);
    assert.equal(upgraded.code, 0, upgraded.stderr);
    const live = await getJson<typeof crd>('crd', 'webrtcconfigs.switchboard.dev');
    assert.deepEqual(
      live.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.upgradeProbe,
      { type: 'string', description: 'Added by the test: the upgraded CRD carries it.' },
    );
    assert.equal(
      await liveChartDefaults(cluster, NS, SA),
      firstEnv,
      'same values, same operator env: no rollout',
    );
  });

  it('a changed webrtcConfig value changes the env and is re-applied; an admin field survives', async () => {
    // An admin sets a field the values leave empty (as the web UI does: a merge patch).
    const patched = await kubectl(cluster, [
      'patch',
      '-n',
      NS,
      'webrtcconfig',
      'default',
      '--type=merge',
      '-p',
      JSON.stringify({ spec: { iceServers: { stunUrls: ['stun:stun.example.org:3478'] } } }),
    ]);
    assert.equal(patched.code, 0, patched.stderr);
    const earlier = await config();

    const upgraded = await helmIn([
      'upgrade',
      RELEASE,
      chartPath,
      '--reuse-values',
      '--wait=hookOnly',
      ...valueFlags({ 'webrtcConfig.hotline': { number: '300', queue: 'support' } }),
    ]);
    assert.equal(upgraded.code, 0, upgraded.stderr);
    const env = await liveChartDefaults(cluster, NS, SA);
    assert.notEqual(env, firstEnv, 'the env changed, so the Deployment rolls');
    const values = parseChartDefaults(env);
    assert.deepEqual(values?.spec.hotline, { number: '300', queue: 'support' });

    // The rollout, played here: the old operator stops, a new one starts with the new env.
    await operator?.stop();
    operator = await startReleaseOperator('empty-op-2');
    await waitUntil(
      'the new values applied',
      async () =>
        (await config()).metadata.annotations?.[CHART_VALUES_ANNOTATION] === values?.fingerprint,
    );
    const later = await config();
    assert.notEqual(
      later.metadata.annotations?.[CHART_VALUES_ANNOTATION],
      earlier.metadata.annotations?.[CHART_VALUES_ANNOTATION],
    );
    assert.deepEqual(later.spec.hotline, { number: '300', queue: 'support' });
    assert.deepEqual(later.spec.iceServers.stunUrls, ['stun:stun.example.org:3478']);
    assert.equal(later.spec.asteriskWsUrl, 'wss://pbx.example.org:8089/ws');
  });

  it('a restart with the same values leaves the WebRTCConfig alone', async () => {
    const earlier = await config();
    await operator?.stop();
    operator = await startReleaseOperator('empty-op-3');
    const log = operator.logPath;
    await waitUntil('the leader saw the values already applied', () =>
      readFileSync(log, 'utf8').includes('WebRTCConfig already carries the chart values'),
    );
    const now = await config();
    // Status writes by the controller may follow; the spec and annotations are untouched.
    assert.equal(now.metadata.generation, earlier.metadata.generation);
    assert.deepEqual(now.metadata.annotations, earlier.metadata.annotations);
  });

  it('helm uninstall keeps the CRDs and the WebRTCConfig', async () => {
    await operator?.stop();
    operator = undefined;
    const uninstalled = await helmIn(['uninstall', RELEASE, '--wait=hookOnly']);
    assert.equal(uninstalled.code, 0, uninstalled.stderr);
    for (const crd of CRDS)
      assert.equal((await kubectl(cluster, ['get', 'crd', crd])).code, 0, `${crd} was deleted`);
    const kept = await config();
    assert.deepEqual(kept.spec.hotline, { number: '300', queue: 'support' });
    assert.deepEqual(kept.spec.iceServers.stunUrls, ['stun:stun.example.org:3478']);
    assert.notEqual((await helmIn(['status', RELEASE])).code, 0, 'the release is gone');
  });
});
