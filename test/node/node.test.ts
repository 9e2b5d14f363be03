// The real node (test/cluster/node.ts) does what the chart's Pods will need
// of it: a Ready node, Pods from locally built images scheduled onto it under
// Pod Security `restricted`, ServiceAccount tokens (kube-root-ca.crt), the API
// server reachable from Pods, Services by ClusterIP from the host and by name
// from Pods (cluster DNS + kube-proxy), kubectl logs, exec and port-forward.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import type { TestNode } from '../cluster/node.ts';
import { PROBE_IMAGE } from '../cluster/node-images.ts';
import {
  createNamespace,
  kubectl,
  kubectlOk,
  type TestCluster,
  testCluster,
} from '../support/cluster.ts';
import { startTestNode } from '../support/node.ts';

/** A Pod that passes Pod Security `restricted`: every setting it asks for, set. */
function restrictedPod(name: string, labels: Record<string, string> = {}): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: name, ...labels } },
    spec: {
      // Deleted at once: the probe exits on SIGTERM anyway.
      terminationGracePeriodSeconds: 1,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 10000,
        runAsGroup: 10000,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      containers: [
        {
          name: 'probe',
          image: PROBE_IMAGE,
          imagePullPolicy: 'Never',
          args: ['serve', '8080'],
          ports: [{ name: 'http', containerPort: 8080 }],
          readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 1 },
          resources: { limits: { cpu: '100m', memory: '32Mi' } },
          securityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
            readOnlyRootFilesystem: true,
          },
        },
      ],
    },
  };
}

const ok = kubectlOk;

describe('a real node', () => {
  let node: TestNode | undefined;
  let cluster: TestCluster;
  let ns: string;
  let cleanupNamespace: (() => Promise<void>) | undefined;
  let podRunningMs = 0;

  before(async () => {
    node = await startTestNode();
    console.log(
      `node ready in ${node.timings.totalMs} ms (prepare ${node.timings.prepareMs}, containerd + images ${node.timings.containerdMs}, kubelet → Ready ${node.timings.readyMs})`,
    );
    cluster = testCluster();
    const namespace = await createNamespace(cluster, 'node');
    ns = namespace.name;
    cleanupNamespace = namespace.cleanup;
    await ok(cluster, [
      'label',
      'namespace',
      ns,
      'pod-security.kubernetes.io/enforce=restricted',
      'pod-security.kubernetes.io/enforce-version=latest',
    ]);
    const created = Date.now();
    await ok(
      cluster,
      ['apply', '-n', ns, '-f', '-'],
      [
        restrictedPod('echo'),
        restrictedPod('client'),
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'echo' },
          spec: { selector: { app: 'echo' }, ports: [{ port: 80, targetPort: 'http' }] },
        },
      ]
        .map((o) => stringify(o))
        .join('---\n'),
    );
    await ok(cluster, [
      'wait',
      '-n',
      ns,
      '--for=condition=Ready',
      'pod/echo',
      'pod/client',
      '--timeout=60s',
    ]);
    podRunningMs = Date.now() - created;
    console.log(`two Pods Ready ${podRunningMs} ms after they were created`);
  });

  after(async () => {
    await cleanupNamespace?.();
    const stopping = Date.now();
    await node?.stop();
    console.log(`node stopped in ${Date.now() - stopping} ms`);
  });

  test('the node is Ready at its InternalIP with a v1.36.3 kubelet', async () => {
    const n = JSON.parse(await ok(cluster, ['get', 'node', node?.name ?? '', '-o', 'json']));
    const ready = n.status.conditions.find((c: { type: string }) => c.type === 'Ready');
    assert.equal(ready.status, 'True');
    assert.deepEqual(
      n.status.addresses.find((a: { type: string }) => a.type === 'InternalIP'),
      {
        type: 'InternalIP',
        address: node?.ip,
      },
    );
    assert.equal(n.status.nodeInfo.kubeletVersion, 'v1.36.3');
    assert.match(n.status.nodeInfo.containerRuntimeVersion, /^containerd:\/\//);
  });

  test('restricted Pods from a local image are scheduled and run as asked', async () => {
    const pod = JSON.parse(await ok(cluster, ['get', 'pod', '-n', ns, 'echo', '-o', 'json']));
    assert.equal(pod.spec.nodeName, node?.name, 'placed by kube-scheduler');
    assert.equal(pod.status.phase, 'Running');
    assert.match(pod.status.podIP, /^10\.244\.0\.\d+$/);
    assert.equal(pod.status.containerStatuses[0].image, PROBE_IMAGE);
    // The probe answers only as uid 10000 with no capabilities: it cannot tell
    // us its uid, but the kubelet refused nothing and the Pod is Ready.
    assert.equal(
      pod.status.conditions.find((c: { type: string }) => c.type === 'Ready').status,
      'True',
    );
  });

  test('Pod Security `restricted` refuses a Pod that breaks it', async () => {
    const bad = restrictedPod('bad') as { spec: { containers: { securityContext: object }[] } };
    const container = bad.spec.containers[0];
    assert.ok(container);
    container.securityContext = { allowPrivilegeEscalation: true };
    const r = await kubectl(cluster, ['apply', '-n', ns, '-f', '-'], stringify(bad));
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /violates PodSecurity "restricted:latest"/);
  });

  test('a Pod reaches the API server with its ServiceAccount token (kube-root-ca.crt)', async () => {
    await ok(cluster, ['get', 'configmap', '-n', ns, 'kube-root-ca.crt']);
    const version = JSON.parse(
      await ok(cluster, ['exec', '-n', ns, 'client', '--', '/probe', 'api', '/version']),
    );
    assert.equal(version.gitVersion, 'v1.36.3');
  });

  test('a Service resolves by name from a Pod and its ClusterIP answers from the host and from Pods', async () => {
    const clusterIp = (
      await ok(cluster, ['get', 'service', '-n', ns, 'echo', '-o', 'jsonpath={.spec.clusterIP}'])
    ).trim();
    assert.match(clusterIp, /^10\.96\./);
    const resolved = await ok(cluster, [
      'exec',
      '-n',
      ns,
      'client',
      '--',
      '/probe',
      'lookup',
      `echo.${ns}.svc.cluster.local`,
    ]);
    assert.equal(resolved.trim(), clusterIp);
    // The short name, through the search path the kubelet wrote.
    assert.equal(
      await ok(cluster, ['exec', '-n', ns, 'client', '--', '/probe', 'get', 'http://echo/']),
      'probe echo\n',
    );
    const fromHost = await fetch(`http://${clusterIp}/`, { signal: AbortSignal.timeout(5000) });
    assert.equal(await fromHost.text(), 'probe echo\n');
  });

  test('kubectl logs and port-forward reach the Pod through the kubelet', async () => {
    assert.match(await ok(cluster, ['logs', '-n', ns, 'echo']), /^probe echo serving on :8080$/m);
    const forward = spawn(
      cluster.kubectlPath,
      ['--kubeconfig', cluster.kubeconfig, 'port-forward', '-n', ns, 'pod/echo', ':8080'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = '';
        forward.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        forward.once('exit', (code) => reject(new Error(`port-forward exited (${code}): ${out}`)));
      });
      const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5000) });
      assert.equal(await res.text(), 'probe echo\n');
    } finally {
      forward.kill();
    }
  });
});
