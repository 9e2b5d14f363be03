// helm lint and helm template: what the chart renders with default and
// non-default values, and the values it refuses (values.schema.json).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PRESTOP_COMMAND } from '../../operator/src/asterisk/drain.ts';
import {
  chartPath,
  chartWebrtcSpec,
  find,
  helm,
  type K8sObject,
  render,
  valueFlags,
  webrtcConfigDefaultsEnv,
} from './helm.ts';

type Container = {
  name: string;
  env: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  [key: string]: unknown;
};
const envOf = (c: Container, name: string) => c.env.find((e) => e.name === name);
const podOf = (objects: K8sObject[], name: string) =>
  find(objects, 'Deployment', name).spec.template.spec;

describe('helm lint', () => {
  it('passes --strict with default values and with every optional part on', async () => {
    const plain = await helm(['lint', '--strict', chartPath]);
    assert.equal(plain.code, 0, plain.stdout + plain.stderr);
    const full = await helm([
      'lint',
      '--strict',
      chartPath,
      ...valueFlags({
        'ingress.enabled': true,
        'ingress.tlsSecretName': 'ui-tls',
        'operator.watchAllNamespaces': true,
        'asterisk.hostNetwork': true,
        'grafana.dashboard.enabled': true,
      }),
    ]);
    assert.equal(full.code, 0, full.stdout + full.stderr);
  });
});

describe('helm template, default values', async () => {
  const objects = await render();

  it('labels every object with app.kubernetes.io/* (the four Pods: `helm test`)', () => {
    for (const o of objects) {
      const l = o.metadata.labels ?? {};
      for (const key of ['name', 'instance', 'version', 'managed-by', 'part-of', 'component'])
        assert.ok(
          l[`app.kubernetes.io/${key}`],
          `${o.kind}/${o.metadata.name} lacks app.kubernetes.io/${key}`,
        );
    }
    assert.deepEqual(objects.map((o) => o.kind).sort(), [
      'CustomResourceDefinition',
      'CustomResourceDefinition',
      'CustomResourceDefinition',
      'CustomResourceDefinition',
      'Deployment',
      'Deployment',
      'NetworkPolicy',
      'Pod',
      'Pod',
      'Pod',
      'Pod',
      'PodDisruptionBudget',
      'Role',
      'Role',
      'RoleBinding',
      'RoleBinding',
      'Secret',
      'Secret',
      'Service',
      'Service',
      'Service',
      'ServiceAccount',
    ]);
  });

  it('runs 2 operator replicas with leader election, probes, resources and a restricted securityContext', () => {
    const deployment = find(objects, 'Deployment', 'sb-switchboard-operator');
    assert.equal(deployment.spec.replicas, 2);
    const pod = deployment.spec.template.spec;
    assert.equal(pod.serviceAccountName, 'sb-switchboard-operator');
    const [c] = pod.containers as Container[];
    assert.ok(c);
    assert.equal(envOf(c, 'WATCH_NAMESPACE')?.value, 'callcenter');
    assert.equal(envOf(c, 'LEASE_NAME')?.value, 'sb-switchboard-operator');
    assert.equal(envOf(c, 'POD_NAME')?.valueFrom?.fieldRef?.fieldPath, 'metadata.name');
    assert.equal(envOf(c, 'POD_NAMESPACE')?.valueFrom?.fieldRef?.fieldPath, 'metadata.namespace');
    assert.equal(envOf(c, 'HTTP_PORT')?.value, '8080');
    // The V8 heap caps the 10,000-agent bench measured (README, Scale).
    assert.match(envOf(c, 'NODE_OPTIONS')?.value ?? '', /--max-old-space-size=\d+/);
    assert.deepEqual(c.ports, [{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    assert.deepEqual(c.livenessProbe, {
      httpGet: { path: '/healthz', port: 'http' },
      periodSeconds: 10,
      timeoutSeconds: 3,
      failureThreshold: 3,
    });
    assert.equal((c.readinessProbe as { httpGet: { path: string } }).httpGet.path, '/readyz');
    assert.deepEqual(c.resources, {
      requests: { cpu: '100m', memory: '192Mi' },
      limits: { cpu: '1', memory: '512Mi' },
    });
    assert.deepEqual(pod.securityContext, {
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    assert.deepEqual(c.securityContext, {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    const pdb = find(objects, 'PodDisruptionBudget', 'sb-switchboard-operator');
    assert.equal(pdb.spec.minAvailable, 1);
    assert.deepEqual(pdb.spec.selector, deployment.spec.selector);
  });

  it('grants namespaced RBAC (a Role, no ClusterRole) and a Lease Role limited to its name', () => {
    const role = find(objects, 'Role', 'sb-switchboard-operator');
    const verbs = Object.fromEntries(
      role.rules.flatMap((r: { resources: string[]; verbs: string[] }) =>
        r.resources.map((res) => [res, r.verbs]),
      ),
    );
    assert.deepEqual(verbs.secrets, ['get', 'list', 'watch', 'create', 'update', 'patch']);
    assert.deepEqual(verbs.configmaps, ['list', 'watch', 'create', 'update']);
    assert.deepEqual(verbs.sipagents, ['list', 'watch', 'create', 'patch', 'delete']);
    assert.deepEqual(verbs['sipagents/status'], ['patch']);
    assert.deepEqual(verbs.callqueues, ['get', 'list', 'watch']);
    assert.deepEqual(verbs['callqueues/status'], ['patch']);
    assert.deepEqual(verbs.siptrunks, ['list', 'watch']);
    assert.deepEqual(verbs['siptrunks/status'], ['patch']);
    assert.ok(
      !objects.some((o) => o.kind.startsWith('Cluster') && o.kind !== 'CustomResourceDefinition'),
    );
    const lease = find(objects, 'Role', 'sb-switchboard-operator-leader-election');
    assert.deepEqual(lease.rules[1], {
      apiGroups: ['coordination.k8s.io'],
      resources: ['leases'],
      resourceNames: ['sb-switchboard-operator'],
      verbs: ['get', 'update'],
    });
    const binding = find(objects, 'RoleBinding', 'sb-switchboard-operator');
    assert.deepEqual(binding.subjects, [
      { kind: 'ServiceAccount', name: 'sb-switchboard-operator', namespace: 'callcenter' },
    ]);
  });

  it('runs one Asterisk, restricted, without hostNetwork, exposing ws/wss/SIP and AMI on its own Service', () => {
    const deployment = find(objects, 'Deployment', 'sb-switchboard-asterisk');
    assert.equal(deployment.spec.replicas, 1);
    assert.equal(deployment.spec.strategy.type, 'Recreate');
    const pod = deployment.spec.template.spec;
    assert.equal(pod.hostNetwork, undefined);
    assert.equal(pod.automountServiceAccountToken, false);
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.equal(pod.containers[0].securityContext.allowPrivilegeEscalation, false);
    const ports = (name: string) =>
      find(objects, 'Service', name).spec.ports.map(
        (p: { port: number; protocol: string }) => `${p.port}/${p.protocol}`,
      );
    assert.deepEqual(ports('sb-switchboard-asterisk'), [
      '8088/TCP',
      '8089/TCP',
      '5060/UDP',
      '5060/TCP',
      '5061/TCP',
    ]);
    assert.deepEqual(ports('sb-switchboard-asterisk-ami'), ['5038/TCP', '8089/TCP']);
    assert.deepEqual(ports('sb-switchboard'), ['80/TCP']);
  });

  it('drains Asterisk before it stops: the preStop hook is the operator’s drain, bounded by the grace period', () => {
    const pod = find(objects, 'Deployment', 'sb-switchboard-asterisk').spec.template.spec;
    assert.deepEqual(pod.containers[0].lifecycle.preStop.exec.command, [
      'sh',
      '-c',
      PRESTOP_COMMAND,
    ]);
    assert.equal(pod.terminationGracePeriodSeconds, 600);
  });

  it('admits only operator pods (and the chart test of AMI) to AMI (5038)', () => {
    const policy = find(objects, 'NetworkPolicy', 'sb-switchboard-asterisk');
    const amiRules = policy.spec.ingress.filter((r: { ports: { port: number }[] }) =>
      r.ports.some((p) => p.port === 5038),
    );
    assert.equal(amiRules.length, 1);
    assert.deepEqual(amiRules[0].from, [
      {
        podSelector: {
          matchLabels: {
            'app.kubernetes.io/name': 'switchboard',
            'app.kubernetes.io/instance': 'sb',
            'app.kubernetes.io/component': 'operator',
          },
        },
      },
      {
        podSelector: {
          matchLabels: {
            'app.kubernetes.io/name': 'switchboard',
            'app.kubernetes.io/instance': 'sb',
            'app.kubernetes.io/component': 'test',
            'switchboard.dev/ami-client': 'true',
          },
        },
      },
    ]);
    // only the AMI check carries the admitted label
    const admitted = objects.filter(
      (o) => o.kind === 'Pod' && o.metadata.labels?.['switchboard.dev/ami-client'] === 'true',
    );
    assert.deepEqual(
      admitted.map((o) => o.metadata.name),
      ['sb-switchboard-test-ami'],
    );
    assert.deepEqual(
      policy.spec.podSelector.matchLabels,
      find(objects, 'Deployment', 'sb-switchboard-asterisk').spec.selector.matchLabels,
    );
    // wss from anyone, so also the operator reading the served certificate
    const wss = policy.spec.ingress.filter(
      (r: { from?: unknown; ports: { port: number }[] }) =>
        !r.from && r.ports.some((p) => p.port === 8089),
    );
    assert.equal(wss.length, 1);
  });

  it('ships `helm test` Pods: restricted, no API token, the operator image in chart-test mode', () => {
    const tests = objects.filter((o) => o.metadata.annotations?.['helm.sh/hook'] === 'test');
    assert.deepEqual(
      tests.map((o) => [o.metadata.name, o.spec.containers[0].args]),
      [
        [
          'sb-switchboard-test-operator',
          ['chart-test', 'operator', 'http://sb-switchboard.callcenter.svc:80'],
        ],
        [
          'sb-switchboard-test-ami',
          ['chart-test', 'ami', 'sb-switchboard-asterisk-ami.callcenter.svc', '5038'],
        ],
        [
          'sb-switchboard-test-websocket',
          ['chart-test', 'websocket', 'ws://sb-switchboard-asterisk.callcenter.svc:8088/ws'],
        ],
        [
          'sb-switchboard-test-ami-closed',
          ['chart-test', 'ami-closed', 'sb-switchboard-asterisk-ami.callcenter.svc', '5038'],
        ],
      ],
    );
    const operatorImage = find(objects, 'Deployment', 'sb-switchboard-operator').spec.template.spec
      .containers[0].image;
    for (const pod of tests) {
      assert.equal(pod.spec.automountServiceAccountToken, false);
      assert.equal(pod.spec.restartPolicy, 'Never');
      assert.equal(pod.spec.securityContext.runAsNonRoot, true);
      assert.equal(pod.spec.containers[0].image, operatorImage);
      assert.deepEqual(pod.spec.containers[0].securityContext.capabilities, { drop: ['ALL'] });
    }
    const ami = find(objects, 'Pod', 'sb-switchboard-test-ami');
    assert.deepEqual(
      ami.spec.containers[0].env.map(
        (e: { valueFrom: { secretKeyRef: object } }) => e.valueFrom.secretKeyRef,
      ),
      [
        { name: 'sb-switchboard-ami', key: 'username' },
        { name: 'sb-switchboard-ami', key: 'secret' },
      ],
    );
  });

  it('hands the operator the WebRTCConfig spec (WEBRTC_CONFIG_DEFAULTS) instead of templating the object', () => {
    assert.ok(!objects.some((o) => o.kind === 'WebRTCConfig'));
    // Exactly the fields the chart sets: empty values (ICE servers, NAT
    // addresses, DTLS) stay out, so they remain the web UI's to manage.
    assert.deepEqual(chartWebrtcSpec(objects), {
      asteriskWsUrl: 'ws://localhost:8088/ws',
      transports: { ws: true, wss: true },
      rtp: { portStart: 10000, portEnd: 20000 },
      extensions: { start: 1000, end: 8999 },
      hotline: { number: '117', queue: 'support' },
      dialTimeoutSeconds: 30,
      ami: { host: 'sb-switchboard-asterisk-ami', port: 5038, secretName: 'sb-switchboard-ami' },
      generated: { configMapName: 'asterisk-generated', secretName: 'asterisk-generated-auth' },
    });
  });

  it('sets no WEBRTC_CONFIG_DEFAULTS with webrtcConfig.create=false', async () => {
    const off = await render({ 'webrtcConfig.create': false });
    assert.equal(
      webrtcConfigDefaultsEnv(find(off, 'Deployment', 'sb-switchboard-operator')),
      undefined,
    );
  });
});

describe('helm template, non-default values', () => {
  it('leaves out the AMI-closed check where NetworkPolicy is not enforced, and every test when off', async () => {
    const names = async (values: Record<string, unknown>) =>
      (await render(values))
        .filter((o) => o.metadata.annotations?.['helm.sh/hook'] === 'test')
        .map((o) => o.metadata.name);
    assert.deepEqual(await names({ 'tests.networkPolicyEnforced': false }), [
      'sb-switchboard-test-operator',
      'sb-switchboard-test-ami',
      'sb-switchboard-test-websocket',
    ]);
    assert.deepEqual(await names({ 'tests.enabled': false }), []);
    assert.deepEqual(
      await names({
        'asterisk.enabled': false,
        'webrtcConfig.ami': { host: 'pbx', secretName: 'ami' },
      }),
      ['sb-switchboard-test-operator'],
    );
  });

  it('watches every namespace with a ClusterRole named after the release namespace', async () => {
    const objects = await render({ 'operator.watchAllNamespaces': true }, { namespace: 'cc1' });
    const role = find(objects, 'ClusterRole', 'cc1-sb-switchboard-operator');
    assert.ok(role.rules.some((r: { resources: string[] }) => r.resources.includes('sipagents')));
    const binding = find(objects, 'ClusterRoleBinding', 'cc1-sb-switchboard-operator');
    assert.equal(binding.roleRef.kind, 'ClusterRole');
    assert.ok(
      !objects.some((o) => o.kind === 'Role' && o.metadata.name === 'sb-switchboard-operator'),
    );
    const [c] = podOf(objects, 'sb-switchboard-operator').containers as Container[];
    assert.ok(c);
    assert.equal(envOf(c, 'WATCH_NAMESPACE')?.value, '');
    // The Lease stays namespaced whatever the watch scope.
    find(objects, 'Role', 'sb-switchboard-operator-leader-election');
  });

  it('renders the Ingress, replicas, image digest, resources and extra env', async () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const objects = await render({
      'ingress.enabled': true,
      'ingress.host': 'calls.example.org',
      'ingress.className': 'nginx',
      'ingress.tlsSecretName': 'calls-tls',
      'operator.replicas': 3,
      'operator.image.digest': digest,
      'operator.resources': {
        requests: { cpu: '50m', memory: '128Mi' },
        limits: { cpu: 2, memory: '1Gi' },
      },
      'operator.extraEnv': [{ name: 'CREDENTIALS_WAIT_MS', value: '5000' }],
      'operator.podDisruptionBudget.minAvailable': '50%',
      'operator.nodeOptions': '',
    });
    const ingress = find(objects, 'Ingress', 'sb-switchboard');
    assert.equal(ingress.spec.ingressClassName, 'nginx');
    assert.deepEqual(ingress.spec.tls, [{ hosts: ['calls.example.org'], secretName: 'calls-tls' }]);
    assert.deepEqual(ingress.spec.rules[0].http.paths[0].backend, {
      service: { name: 'sb-switchboard', port: { name: 'http' } },
    });
    const deployment = find(objects, 'Deployment', 'sb-switchboard-operator');
    assert.equal(deployment.spec.replicas, 3);
    const [c] = deployment.spec.template.spec.containers as Container[];
    assert.ok(c);
    assert.equal(c.image, `ghcr.io/switchboard-dev/switchboard-operator@${digest}`);
    assert.deepEqual(c.resources, {
      requests: { cpu: '50m', memory: '128Mi' },
      limits: { cpu: 2, memory: '1Gi' },
    });
    assert.equal(envOf(c, 'CREDENTIALS_WAIT_MS')?.value, '5000');
    assert.equal(envOf(c, 'NODE_OPTIONS'), undefined, 'no caps when nodeOptions is empty');
    assert.equal(
      find(objects, 'PodDisruptionBudget', 'sb-switchboard-operator').spec.minAvailable,
      '50%',
    );
  });

  it('puts TURN, STUN, NAT addresses, DTLS, RTP and extension ranges into the WebRTCConfig spec and the policy', async () => {
    const objects = await render({
      'webrtcConfig.asteriskWsUrl': 'wss://pbx.example.org:8089/ws',
      'webrtcConfig.iceServers': {
        stunUrls: ['stun:stun.example.org:3478'],
        turnServers: [
          {
            urls: ['turn:turn.example.org:3478?transport=udp'],
            sharedSecret: { name: 'turn-secret' },
          },
        ],
      },
      'webrtcConfig.transports': {
        ws: false,
        wss: true,
        externalMediaAddress: 'pbx.example.org',
        externalSignalingAddress: 'pbx.example.org',
        localNets: ['10.0.0.0/8'],
      },
      'webrtcConfig.dtlsCertificateSecret': 'pbx-dtls',
      'webrtcConfig.rtp': { portStart: 12000, portEnd: 12999 },
      'webrtcConfig.extensions': { start: 2000, end: 2999 },
      'webrtcConfig.hotline': { number: '500', queue: 'sales' },
    });
    const spec = chartWebrtcSpec(objects);
    assert.equal(spec.asteriskWsUrl, 'wss://pbx.example.org:8089/ws');
    assert.deepEqual(spec.iceServers, {
      stunUrls: ['stun:stun.example.org:3478'],
      turnServers: [
        {
          urls: ['turn:turn.example.org:3478?transport=udp'],
          sharedSecret: { name: 'turn-secret' },
        },
      ],
    });
    assert.deepEqual(spec.transports, {
      ws: false,
      wss: true,
      externalMediaAddress: 'pbx.example.org',
      externalSignalingAddress: 'pbx.example.org',
      localNets: ['10.0.0.0/8'],
    });
    assert.deepEqual(spec.dtlsCertificateSecret, { name: 'pbx-dtls' });
    assert.deepEqual(spec.rtp, { portStart: 12000, portEnd: 12999 });
    assert.deepEqual(spec.extensions, { start: 2000, end: 2999 });
    assert.deepEqual(spec.hotline, { number: '500', queue: 'sales' });
    const policy = find(objects, 'NetworkPolicy', 'sb-switchboard-asterisk');
    const rtp = policy.spec.ingress
      .flatMap((r: { ports: unknown[] }) => r.ports)
      .find((p: { endPort?: number }) => p.endPort !== undefined);
    assert.deepEqual(rtp, { port: 12000, endPort: 12999, protocol: 'UDP' });
    const pod = podOf(objects, 'sb-switchboard-asterisk');
    assert.deepEqual(
      pod.volumes.find((v: { name: string }) => v.name === 'dtls'),
      { name: 'dtls', secret: { secretName: 'pbx-dtls', defaultMode: 0o440 } },
    );
  });

  it('admits SIP only from the carriers’ ranges when networkPolicy.sipFrom lists them', async () => {
    type Rule = { from?: unknown[]; ports: { port: number; protocol: string }[] };
    const sipRules = (objects: K8sObject[]) =>
      (find(objects, 'NetworkPolicy', 'sb-switchboard-asterisk').spec.ingress as Rule[]).filter(
        (r) => r.ports.some((p) => p.port === 5060),
      );
    const open = sipRules(await render());
    assert.equal(open.length, 1);
    assert.equal(open[0]?.from, undefined, 'by default SIP from anywhere');
    const ranges = ['192.0.2.0/24', '2001:db8::/32'];
    const narrowed = sipRules(await render({ 'networkPolicy.sipFrom': ranges }));
    assert.equal(narrowed.length, 1, 'the open rule no longer lists 5060');
    assert.deepEqual(
      narrowed[0]?.from,
      ranges.map((cidr) => ({ ipBlock: { cidr } })),
    );
    assert.deepEqual(
      narrowed[0]?.ports.map((p) => `${p.port}/${p.protocol}`),
      ['5060/UDP', '5060/TCP', '5061/TCP'],
    );
    await assert.rejects(render({ 'networkPolicy.sipFrom': ['anywhere'] }), /sipFrom/);
  });

  it('opts into hostNetwork only when asked, and drops SIP, the policy, CRDs and keep on request', async () => {
    const objects = await render({
      'asterisk.hostNetwork': true,
      'asterisk.service.sip': false,
      'networkPolicy.enabled': false,
      'crds.install': false,
    });
    const pod = podOf(objects, 'sb-switchboard-asterisk');
    assert.equal(pod.hostNetwork, true);
    assert.equal(pod.dnsPolicy, 'ClusterFirstWithHostNet');
    assert.deepEqual(
      find(objects, 'Service', 'sb-switchboard-asterisk').spec.ports.map(
        (p: { port: number }) => p.port,
      ),
      [8088, 8089],
    );
    assert.ok(
      !objects.some((o) => o.kind === 'NetworkPolicy' || o.kind === 'CustomResourceDefinition'),
    );
    const unkept = await render({ 'crds.keep': false });
    const crd = find(unkept, 'CustomResourceDefinition', 'sipagents.switchboard.dev');
    assert.equal(crd.metadata.annotations?.['helm.sh/resource-policy'], undefined);
  });

  it('renders no Asterisk objects when Asterisk runs elsewhere, and points AMI where told', async () => {
    const objects = await render({ 'asterisk.enabled': false });
    assert.ok(
      !objects.some(
        (o) => o.metadata.name.includes('asterisk') || o.metadata.name.endsWith('-ami'),
      ),
    );
    assert.deepEqual(chartWebrtcSpec(objects).ami, { port: 5038 });
    const elsewhere = await render({
      'asterisk.enabled': false,
      'webrtcConfig.ami': { host: 'pbx.internal', port: 15038, secretName: 'pbx-ami' },
    });
    assert.deepEqual(chartWebrtcSpec(elsewhere).ami, {
      host: 'pbx.internal',
      port: 15038,
      secretName: 'pbx-ami',
    });
  });
});

describe('NOTES.txt', () => {
  it('needs no second step on a cluster without the CRDs, and warns about hostNetwork', async () => {
    // A client-side dry run knows no CRDs: the situation of a first install.
    const result = await helm([
      'install',
      'sb',
      chartPath,
      '--dry-run=client',
      '--namespace',
      'callcenter',
      ...valueFlags({ 'asterisk.hostNetwork': true }),
    ]);
    assert.equal(result.code, 0, result.stderr);
    const notes = result.stdout.slice(result.stdout.indexOf('NOTES:'));
    assert.match(notes, /The operator applies WebRTCConfig "default" in "callcenter"/);
    assert.doesNotMatch(notes, /helm upgrade|--reuse-values/);
    assert.match(notes, /kubectl -n callcenter get secret switchboard-initial-admin/);
    assert.match(notes, /asterisk\.hostNetwork is ON/);
    // the ports a firewall opens for carriers, TLS trunks included
    assert.match(notes, /5060\/TCP for TCP trunks, 5061\/TCP for TLS trunks\) from the carriers/);
    assert.doesNotMatch(result.stdout, /^kind: WebRTCConfig$/m);
  });
});

describe('values.schema.json', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    [
      'an unknown key',
      { 'operator.replica': 2 },
      "at '/operator': additional properties 'replica' not allowed",
    ],
    [
      'a mistyped top-level section',
      { webrtcconfig: {} },
      "additional properties 'webrtcconfig' not allowed",
    ],
    [
      'a string for a number',
      { 'operator.replicas': 'two' },
      "at '/operator/replicas': got string, want integer",
    ],
    [
      'zero replicas',
      { 'operator.replicas': 0 },
      "at '/operator/replicas': minimum: got 0, want 1",
    ],
    [
      'hostNetwork as a string',
      { 'asterisk.hostNetwork': 'yes' },
      "at '/asterisk/hostNetwork': got string, want boolean",
    ],
    [
      'an http URL for the softphone',
      { 'webrtcConfig.asteriskWsUrl': 'http://pbx' },
      "at '/webrtcConfig/asteriskWsUrl': 'http://pbx' does not match pattern",
    ],
    [
      'a privileged RTP port',
      { 'webrtcConfig.rtp.portStart': 80 },
      "at '/webrtcConfig/rtp/portStart': minimum: got 80, want 1,024",
    ],
    [
      'a TURN server without URLs',
      { 'webrtcConfig.iceServers.turnServers': [{ sharedSecret: { name: 't' } }] },
      "at '/webrtcConfig/iceServers/turnServers/0': missing property 'urls'",
    ],
    [
      'NODE_OPTIONS that are not flags',
      { 'operator.nodeOptions': 'max-old-space-size=192' },
      "at '/operator/nodeOptions': 'max-old-space-size=192' does not match pattern",
    ],
    [
      'an unknown log level',
      { 'operator.logLevel': 'loud' },
      "at '/operator/logLevel': value must be one of 'trace'",
    ],
    [
      'an AMI user that breaks manager.conf',
      { 'asterisk.ami.username': 'ops]\n[x' },
      "at '/asterisk/ami/username'",
    ],
    [
      'a Service type typo',
      { 'asterisk.service.type': 'Loadbalancer' },
      "at '/asterisk/service/type': value must be one of 'ClusterIP'",
    ],
    [
      'a bad memory quantity',
      { 'operator.resources.limits.memory': '1 GB' },
      "at '/operator/resources/limits/memory'",
    ],
  ];
  for (const [what, values, message] of cases) {
    it(`refuses ${what} with a message naming the field`, async () => {
      const result = await helm(['template', 'sb', chartPath, ...valueFlags(values)]);
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /values don't meet the specifications of the schema/);
      assert.ok(result.stderr.includes(message), `expected "${message}" in:\n${result.stderr}`);
      assert.equal(result.stdout, '');
    });
  }
});
