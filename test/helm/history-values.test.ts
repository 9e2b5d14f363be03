// The chart's call history and recording values, rendered by the real helm:
// an existing database (history.database) or the quick-start StatefulSet
// (history.postgresql), wired into the operator (HISTORY_DB_*, the password
// as a file) and Asterisk (PGPASSWORD/PGSSLMODE/PGSSLROOTCERT, its history
// folder, and the queue log spool's shipper sidecar beside it: the password as
// a file); the recordings volume shared by both. No password in any ConfigMap.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderHistoryConfig } from '../../operator/src/history/asterisk-config.ts';
import { chartPath, find, helm, type K8sObject, render, valueFlags } from './helm.ts';

type Env = {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
};
type Probe = { httpGet?: { path: string; port: string | number } };
type Container = {
  name: string;
  image?: string;
  args?: string[];
  restartPolicy?: string;
  env?: Env[];
  ports?: { name: string; containerPort: number }[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  resources?: Record<string, Record<string, string>>;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  securityContext?: Record<string, unknown>;
};
const deployment = (objects: K8sObject[], name: string) =>
  find(objects, 'Deployment', name).spec.template.spec;
const container = (pod: { containers: Container[] }) => pod.containers[0] as Container;
const env = (c: Container) => Object.fromEntries((c.env ?? []).map((e) => [e.name, e]));
const mount = (c: Container, name: string) =>
  c.volumeMounts?.find((m) => m.name === name)?.mountPath;

/** Every ConfigMap's text, and no value of any Secret in it. */
function assertNoSecretInConfigMaps(objects: K8sObject[]): void {
  const secrets = objects
    .filter((o) => o.kind === 'Secret')
    .flatMap((o) => Object.entries((o.data ?? {}) as Record<string, string>))
    // the generated passwords (user names like "switchboard" are no secret)
    .filter(([key]) => /password|secret/i.test(key))
    .map(([, b64]) => Buffer.from(b64, 'base64').toString('utf8'));
  assert.ok(secrets.length > 0, 'there are generated secrets to look for');
  for (const cm of objects.filter((o) => o.kind === 'ConfigMap')) {
    const text = JSON.stringify(cm.data ?? {});
    for (const s of secrets)
      assert.ok(!text.includes(s), `ConfigMap ${cm.metadata.name} holds a Secret's value`);
    for (const value of Object.values((cm.data ?? {}) as Record<string, string>))
      assert.doesNotMatch(value, /^\s*password\s*=[ \t]*\S/m, `ConfigMap ${cm.metadata.name}`);
  }
}

/** Pod Security "restricted" for a pod spec and its containers (init and sidecar ones too). */
function assertRestricted(pod: {
  securityContext: Record<string, unknown>;
  containers: Container[];
  initContainers?: Container[];
}): void {
  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.deepEqual(pod.securityContext.seccompProfile, { type: 'RuntimeDefault' });
  for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
    assert.equal(c.securityContext?.allowPrivilegeEscalation, false, c.name);
    assert.deepEqual(c.securityContext?.capabilities, { drop: ['ALL'] }, c.name);
    assert.equal(c.securityContext?.readOnlyRootFilesystem, true, c.name);
  }
}

describe('history and recordings off (default values)', async () => {
  const objects = await render();
  it('renders no spool shipper beside Asterisk', () => {
    assert.equal(deployment(objects, 'sb-switchboard-asterisk').initContainers, undefined);
  });

  it('renders no database, no history folder and no recordings volume', () => {
    assert.ok(!objects.some((o) => /postgresql|history|recordings/.test(o.metadata.name)));
    const operator = env(container(deployment(objects, 'sb-switchboard-operator')));
    assert.equal(operator.HISTORY_DB_HOST, undefined);
    assert.equal(operator.RECORDINGS_DIR, undefined);
    assert.equal(
      env(container(deployment(objects, 'sb-switchboard-asterisk'))).PGPASSWORD,
      undefined,
    );
  });
});

describe('history.postgresql: the quick-start StatefulSet, with recordings', async () => {
  const objects = await render({
    'history.postgresql.enabled': true,
    'recordings.enabled': true,
  });

  it('runs one PostgreSQL with a PVC, restricted, its password generated into a kept Secret', () => {
    const sts = find(objects, 'StatefulSet', 'sb-switchboard-postgresql');
    assert.equal(sts.spec.replicas, 1);
    assert.equal(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage, '10Gi');
    const pod = sts.spec.template.spec;
    assertRestricted(pod);
    assert.equal(pod.securityContext.runAsUser, 999);
    assert.equal(pod.securityContext.fsGroup, 999);
    const e = env(container(pod));
    assert.equal(e.POSTGRES_PASSWORD, undefined, 'the password is a file, not an env value');
    assert.equal(e.POSTGRES_PASSWORD_FILE?.value, '/run/secrets/postgresql/password');
    const secret = find(objects, 'Secret', 'sb-switchboard-postgresql');
    assert.equal(secret.metadata.annotations?.['helm.sh/resource-policy'], 'keep');
    assert.match(Buffer.from(secret.data.password, 'base64').toString(), /^[A-Za-z0-9]{40}$/);
    assert.equal(find(objects, 'Service', 'sb-switchboard-postgresql').spec.ports[0].port, 5432);
  });

  it('admits only the operator and Asterisk to PostgreSQL', () => {
    const policy = find(objects, 'NetworkPolicy', 'sb-switchboard-postgresql');
    assert.deepEqual(
      policy.spec.podSelector.matchLabels['app.kubernetes.io/component'],
      'postgresql',
    );
    assert.equal(policy.spec.ingress.length, 1);
    assert.deepEqual(
      policy.spec.ingress[0].from.map(
        (f: { podSelector: { matchLabels: Record<string, string> } }) =>
          f.podSelector.matchLabels['app.kubernetes.io/component'],
      ),
      ['operator', 'asterisk'],
    );
    assert.deepEqual(policy.spec.ingress[0].ports, [{ port: 5432, protocol: 'TCP' }]);
  });

  it('wires the operator: HISTORY_DB_* with the password as a file, and the recordings volume', () => {
    const pod = deployment(objects, 'sb-switchboard-operator');
    assertRestricted(pod);
    const c = container(pod);
    const e = env(c);
    assert.equal(e.HISTORY_DB_HOST?.value, 'sb-switchboard-postgresql');
    assert.equal(e.HISTORY_DB_PORT?.value, '5432');
    assert.equal(e.HISTORY_DB_NAME?.value, 'switchboard');
    assert.equal(e.HISTORY_DB_USER?.value, 'switchboard');
    assert.equal(e.HISTORY_DB_PASSWORD, undefined);
    assert.equal(
      e.HISTORY_DB_PASSWORD_FILE?.value,
      '/var/run/switchboard/history-password/password',
    );
    assert.equal(mount(c, 'history-password'), '/var/run/switchboard/history-password');
    const volume = pod.volumes.find((v: { name: string }) => v.name === 'history-password');
    assert.equal(volume.secret.secretName, 'sb-switchboard-postgresql');
    assert.deepEqual(volume.secret.items, [{ key: 'password', path: 'password' }]);
    assert.equal(e.RECORDINGS_DIR?.value, mount(c, 'recordings'));
    // Asterisk's group owns the shared volume: the operator may read and delete
    assert.deepEqual(pod.securityContext.supplementalGroups, [10000]);
  });

  it('wires Asterisk: PGPASSWORD from the Secret, its history folder, MixMonitor onto the recordings volume', () => {
    const pod = deployment(objects, 'sb-switchboard-asterisk');
    assertRestricted(pod);
    const c = container(pod);
    const e = env(c);
    assert.deepEqual(e.PGPASSWORD?.valueFrom?.secretKeyRef, {
      name: 'sb-switchboard-postgresql',
      key: 'password',
    });
    assert.equal(e.PGSSLMODE?.value, 'prefer');
    assert.equal(mount(c, 'history'), '/etc/asterisk/history');
    assert.equal(mount(c, 'recordings'), '/var/spool/asterisk/monitor');
    const claim = (p: {
      volumes: { name: string; persistentVolumeClaim?: { claimName: string } }[];
    }) => p.volumes.find((v) => v.name === 'recordings')?.persistentVolumeClaim?.claimName;
    assert.equal(claim(pod), 'sb-switchboard-recordings');
    assert.equal(
      claim(deployment(objects, 'sb-switchboard-operator')),
      'sb-switchboard-recordings',
    );
    const pvc = find(objects, 'PersistentVolumeClaim', 'sb-switchboard-recordings');
    assert.deepEqual(pvc.spec.accessModes, ['ReadWriteMany']);
    assert.equal(pvc.metadata.annotations?.['helm.sh/resource-policy'], 'keep');
  });

  it("renders Asterisk's history folder exactly as the operator's code does, without a password", () => {
    const cm = find(objects, 'ConfigMap', 'sb-switchboard-asterisk-history');
    assert.deepEqual(
      cm.data,
      renderHistoryConfig({
        host: 'sb-switchboard-postgresql',
        port: 5432,
        database: 'switchboard',
        user: 'switchboard',
      }),
    );
    assertNoSecretInConfigMaps(objects);
  });
});

describe('history.database: an existing database with TLS', async () => {
  const objects = await render({
    'history.database.host': 'callcenter-db-rw',
    'history.database.port': 5433,
    'history.database.name': 'calls',
    'history.database.user': 'app',
    'history.database.existingSecret': 'callcenter-db-app',
    'history.database.passwordKey': 'pw',
    'history.database.sslMode': 'verify-full',
    'history.database.caCert.secretName': 'callcenter-db-ca',
  });

  it('deploys no PostgreSQL and points both at the database, verifying its certificate', () => {
    assert.ok(!objects.some((o) => o.metadata.name.includes('postgresql')));
    const op = container(deployment(objects, 'sb-switchboard-operator'));
    const e = env(op);
    assert.equal(e.HISTORY_DB_HOST?.value, 'callcenter-db-rw');
    assert.equal(e.HISTORY_DB_PORT?.value, '5433');
    assert.equal(e.HISTORY_DB_SSLMODE?.value, 'verify-full');
    assert.equal(e.HISTORY_DB_SSLROOTCERT?.value, `${mount(op, 'history-ca')}/ca.crt`);
    const opPod = deployment(objects, 'sb-switchboard-operator');
    assert.deepEqual(
      opPod.volumes.find((v: { name: string }) => v.name === 'history-password').secret.items,
      [{ key: 'pw', path: 'password' }],
    );
    assert.equal(
      opPod.securityContext.supplementalGroups,
      undefined,
      'no recordings: no extra group',
    );
    const ast = container(deployment(objects, 'sb-switchboard-asterisk'));
    const a = env(ast);
    assert.deepEqual(a.PGPASSWORD?.valueFrom?.secretKeyRef, {
      name: 'callcenter-db-app',
      key: 'pw',
    });
    assert.equal(a.PGSSLMODE?.value, 'verify-full');
    assert.equal(a.PGSSLROOTCERT?.value, `${mount(ast, 'history-ca')}/ca.crt`);
    const ca = deployment(objects, 'sb-switchboard-asterisk').volumes.find(
      (v: { name: string }) => v.name === 'history-ca',
    );
    assert.equal(ca.secret.secretName, 'callcenter-db-ca');
    assert.deepEqual(ca.secret.items, [{ key: 'ca.crt', path: 'ca.crt' }]);
    assert.equal(
      find(objects, 'ConfigMap', 'sb-switchboard-asterisk-history').data['connection.conf'],
      renderHistoryConfig({ host: 'callcenter-db-rw', port: 5433, database: 'calls', user: 'app' })[
        'connection.conf'
      ],
    );
  });

  it('takes the CA from a ConfigMap too', async () => {
    const withMap = await render({
      'history.database.host': 'db',
      'history.database.existingSecret': 'db-pw',
      'history.database.sslMode': 'verify-ca',
      'history.database.caCert.configMapName': 'db-ca',
    });
    const ca = deployment(withMap, 'sb-switchboard-operator').volumes.find(
      (v: { name: string }) => v.name === 'history-ca',
    );
    assert.equal(ca.configMap.name, 'db-ca');
  });
});

/** The spool shipper sidecar of a rendered Asterisk Deployment. */
function spoolShipper(objects: K8sObject[]) {
  const pod = deployment(objects, 'sb-switchboard-asterisk');
  const init = (pod.initContainers ?? []) as Container[];
  assert.deepEqual(
    init.map((c) => c.name),
    ['spool-shipper'],
  );
  return { pod, c: init[0] as Container };
}

describe('the queue log spool shipper: a native sidecar beside Asterisk', async () => {
  const quickStart = await render({ 'history.postgresql.enabled': true });
  const external = await render({
    'history.database.host': 'callcenter-db-rw',
    'history.database.existingSecret': 'callcenter-db-app',
    'history.database.passwordKey': 'pw',
    'history.database.sslMode': 'verify-full',
    'history.database.caCert.secretName': 'callcenter-db-ca',
    'asterisk.spoolShipper.healthPort': 9100,
    'asterisk.spoolShipper.resources': { requests: { cpu: '20m', memory: '80Mi' } },
  });

  it('runs the operator image in spool-shipper mode as a restartable init container', () => {
    const { c } = spoolShipper(quickStart);
    assert.equal(c.restartPolicy, 'Always', 'a native sidecar');
    assert.equal(c.image, container(deployment(quickStart, 'sb-switchboard-operator')).image);
    assert.deepEqual(c.args, ['spool-shipper']);
    assert.deepEqual(c.resources, {
      requests: { cpu: '10m', memory: '96Mi' },
      limits: { cpu: '200m', memory: '192Mi' },
    });
  });

  it('takes an image of its own when one is pinned (then a new operator image alone keeps Asterisk)', async () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    for (const [values, image] of [
      [
        { 'asterisk.spoolShipper.image.tag': '0.0.9' },
        'ghcr.io/switchboard-dev/switchboard-operator:0.0.9',
      ],
      [
        { 'asterisk.spoolShipper.image.digest': digest },
        `ghcr.io/switchboard-dev/switchboard-operator@${digest}`,
      ],
      [
        {
          'asterisk.spoolShipper.image.repository': 'registry.example:5000/sb/operator',
          'operator.image.tag': '2.0.0',
        },
        'registry.example:5000/sb/operator:0.1.0',
      ],
    ] as const) {
      const { c } = spoolShipper(await render({ 'history.postgresql.enabled': true, ...values }));
      assert.equal(c.image, image);
    }
  });

  it('holds Asterisk until /healthz answers (startupProbe), and checks it afterwards', () => {
    const { c } = spoolShipper(quickStart);
    assert.deepEqual(c.ports, [{ name: 'spool-health', containerPort: 8090, protocol: 'TCP' }]);
    assert.equal(env(c).SPOOL_HEALTH_PORT?.value, '8090');
    for (const probe of [c.startupProbe, c.livenessProbe])
      assert.deepEqual(probe?.httpGet, { path: '/healthz', port: 'spool-health' });
  });

  it("is Pod Security restricted and runs as Asterisk (the Pod's uid/gid: both write the spool)", () => {
    const { pod, c } = spoolShipper(quickStart);
    assertRestricted(pod);
    assert.equal(c.securityContext?.runAsUser, undefined, 'no user of its own');
    assert.equal(c.securityContext?.runAsGroup, undefined);
    assert.equal(pod.securityContext.runAsUser, 10000);
    assert.equal(pod.securityContext.runAsGroup, 10000);
  });

  it('shares the spool volume with Asterisk, at the file spool.conf names', () => {
    const { pod, c } = spoolShipper(quickStart);
    const file = env(c).SPOOL_FILE?.value ?? '';
    assert.equal(mount(c, 'spool'), '/var/spool/asterisk');
    assert.ok(file.startsWith(`${mount(c, 'spool')}/`));
    assert.equal(mount(container(pod), 'spool'), mount(c, 'spool'));
    const conf = find(quickStart, 'ConfigMap', 'sb-switchboard-asterisk-history').data[
      'spool.conf'
    ];
    assert.match(conf, new RegExp(`^dbfile = ${file}$`, 'm'));
    assert.ok(
      pod.volumes.some(
        (v: { name: string; emptyDir?: object }) => v.name === 'spool' && v.emptyDir,
      ),
    );
  });

  it('reads the password from the Secret as a 0440 file, never from its environment', () => {
    const { pod, c } = spoolShipper(quickStart);
    const e = env(c);
    assert.equal(e.HISTORY_DB_PASSWORD_FILE?.value, `${mount(c, 'history-password')}/password`);
    assert.equal(c.volumeMounts?.find((m) => m.name === 'history-password')?.readOnly, true);
    const volume = pod.volumes.find((v: { name: string }) => v.name === 'history-password');
    assert.deepEqual(volume.secret, {
      secretName: 'sb-switchboard-postgresql',
      defaultMode: 0o440,
      items: [{ key: 'password', path: 'password' }],
    });
    assert.equal(pod.securityContext.fsGroup, 10000, 'the group that may read the 0440 file');
    for (const v of c.env ?? []) {
      assert.equal(v.valueFrom, undefined, `${v.name} takes nothing from a Secret`);
      assert.ok(!/PASSWORD$|^PGPASSWORD/.test(v.name), `${v.name} in its environment`);
    }
    assert.deepEqual(
      [
        e.HISTORY_DB_HOST?.value,
        e.HISTORY_DB_PORT?.value,
        e.HISTORY_DB_NAME?.value,
        e.HISTORY_DB_USER?.value,
        e.HISTORY_DB_SSLMODE?.value,
      ],
      ['sb-switchboard-postgresql', '5432', 'switchboard', 'switchboard', 'prefer'],
    );
  });

  it('takes an existing database with its Secret key, TLS CA, port and resources from the values', () => {
    const { pod, c } = spoolShipper(external);
    const e = env(c);
    assert.equal(e.HISTORY_DB_HOST?.value, 'callcenter-db-rw');
    assert.equal(e.HISTORY_DB_SSLMODE?.value, 'verify-full');
    assert.equal(e.HISTORY_DB_SSLROOTCERT?.value, `${mount(c, 'history-ca')}/ca.crt`);
    const volume = pod.volumes.find((v: { name: string }) => v.name === 'history-password');
    assert.deepEqual(volume.secret.items, [{ key: 'pw', path: 'password' }]);
    assert.equal(volume.secret.secretName, 'callcenter-db-app');
    assert.equal(e.SPOOL_HEALTH_PORT?.value, '9100');
    assert.equal(c.ports?.[0]?.containerPort, 9100);
    // helm merges the map: the limits stay the defaults
    assert.deepEqual(c.resources, {
      requests: { cpu: '20m', memory: '80Mi' },
      limits: { cpu: '200m', memory: '192Mi' },
    });
  });
});

describe('helm lint with history', () => {
  it('passes --strict with the quick start and recordings, and with an existing database over TLS', async () => {
    for (const values of [
      { 'history.postgresql.enabled': true, 'recordings.enabled': true },
      {
        'history.database.host': 'db',
        'history.database.existingSecret': 'db-pw',
        'history.database.sslMode': 'verify-full',
        'history.database.caCert.configMapName': 'db-ca',
        'recordings.enabled': true,
        'recordings.persistence.existingClaim': 'calls',
      },
    ]) {
      const result = await helm(['lint', '--strict', chartPath, ...valueFlags(values)]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
    }
  });

  it('uses an existing recordings claim instead of creating one', async () => {
    const objects = await render({
      'history.postgresql.enabled': true,
      'recordings.enabled': true,
      'recordings.persistence.existingClaim': 'calls',
    });
    assert.ok(!objects.some((o) => o.kind === 'PersistentVolumeClaim'));
    const claim = deployment(objects, 'sb-switchboard-asterisk').volumes.find(
      (v: { name: string }) => v.name === 'recordings',
    ).persistentVolumeClaim.claimName;
    assert.equal(claim, 'calls');
  });
});

describe('history values it refuses', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    [
      'recordings without history',
      { 'recordings.enabled': true },
      /recordings\.enabled needs call history/,
    ],
    [
      'a database without its password Secret',
      { 'history.database.host': 'db' },
      /history\.database\.existingSecret is required/,
    ],
    [
      'verify-full without a CA',
      {
        'history.database.host': 'db',
        'history.database.existingSecret': 'x',
        'history.database.sslMode': 'verify-full',
      },
      /sslMode verify-full needs history\.database\.caCert/,
    ],
    [
      'a host Asterisk would paste into its connection string as more keywords',
      { 'history.database.host': 'db sslmode=disable', 'history.database.existingSecret': 'x' },
      /at '\/history\/database\/host'/,
    ],
    [
      'a spool shipper port Asterisk uses',
      { 'history.postgresql.enabled': true, 'asterisk.spoolShipper.healthPort': 8088 },
      /at '\/asterisk\/spoolShipper\/healthPort'/,
    ],
    [
      'an unknown sslMode',
      { 'history.database.sslMode': 'maybe' },
      /at '\/history\/database\/sslMode'/,
    ],
  ];
  for (const [what, values, message] of cases)
    it(`refuses ${what}`, async () => {
      const result = await helm(['template', 'sb', chartPath, ...valueFlags(values)]);
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, message);
    });
});
