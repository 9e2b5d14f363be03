// The chart against the real API server: install (every object validated
// server-side, pods admitted under Pod Security "restricted"), the operator
// running with exactly the release's ServiceAccount permissions (impersonated)
// applying the chart's WebRTCConfig values and reconciling a SipAgent through
// AMI, upgrade (new values re-applied, a web UI setting, the AMI secret and the
// admin password survive), a new asterisk.ami.rotation (a new password in both
// keys, the Asterisk Pod template untouched), refusals outside the granted
// RBAC, uninstall (CRDs, agents kept).
// No kubelet runs: pods stay Pending, which is all these checks need.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { type Projector, startProjector } from '../../scripts/lib/projector.ts';
import { type AmiServer, startAmiServer } from '../ami-server/server.ts';
import { repoRoot } from '../cluster/tools.ts';
import { ApiSession } from '../support/api-session.ts';
import { createNamespace, kubectl, testCluster } from '../support/cluster.ts';
import { installCrds } from '../support/crds.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import { condition, decode, Resources } from '../support/resources.ts';
import { waitUntil } from '../support/wait.ts';
import { chartPath, helm, impersonatingKubeconfig, liveChartDefaults, valueFlags } from './helm.ts';

const cluster = testCluster();
const RELEASE = 'sb';
const SA = 'sb-switchboard-operator';
const AMI_SECRET = 'sb-switchboard-ami';
let ns: Awaited<ReturnType<typeof createNamespace>>;
let r: Resources;
let dir: string;
let saKubeconfig: string;
let ami: AmiServer | undefined;
let projector: Projector | undefined;
let operator: OperatorProcess | undefined;

const helmIn = (args: string[]) => helm([...args, '--namespace', ns.name], cluster.kubeconfig);
const amiSecret = async () => {
  const s = await r.secret(AMI_SECRET);
  return {
    username: decode(s, 'username'),
    secret: decode(s, 'secret'),
    file: decode(s, 'manager_user.conf'),
    uid: s?.metadata?.uid,
  };
};

/** One field of a Deployment of the release (a kubectl jsonpath). */
async function deploymentField(name: string, path: string): Promise<string> {
  const got = await kubectl(cluster, [
    'get',
    'deployment',
    '-n',
    ns.name,
    name,
    '-o',
    `jsonpath={${path}}`,
  ]);
  assert.equal(got.code, 0, got.stderr);
  return got.stdout;
}

/** The operator as the release's ServiceAccount, with the Deployment's chart values. */
async function startReleaseOperator(): Promise<OperatorProcess> {
  return await startOperator(cluster, ns.name, 'helm-op', {
    KUBECONFIG: saKubeconfig,
    LEASE_NAME: SA,
    WEBRTC_CONFIG_DEFAULTS: await liveChartDefaults(cluster, ns.name, SA),
  });
}

const CHART_VALUES = 'switchboard.dev/chart-values';

/** Submits a pod built from a Deployment's template with a server-side dry run (admission only). */
function admitPod(template: { metadata: { labels: Record<string, string> }; spec: unknown }) {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'admission-check', labels: template.metadata.labels },
    spec: template.spec,
  };
  return kubectl(
    cluster,
    ['create', '--dry-run=server', '-n', ns.name, '-f', '-'],
    JSON.stringify(pod),
  );
}

before(async () => {
  await installCrds(cluster);
  ns = await createNamespace(cluster, 'helm');
  r = new Resources(cluster, ns.name);
  dir = mkdtempSync(join(tmpdir(), 'switchboard-helm-'));
  // Pods the chart's Deployments create must pass Pod Security "restricted".
  const labelled = await kubectl(cluster, [
    'label',
    'namespace',
    ns.name,
    'pod-security.kubernetes.io/enforce=restricted',
    'pod-security.kubernetes.io/enforce-version=latest',
  ]);
  assert.equal(labelled.code, 0, labelled.stderr);
  saKubeconfig = impersonatingKubeconfig(
    cluster.kubeconfig,
    join(dir, 'sa.kubeconfig'),
    `system:serviceaccount:${ns.name}:${SA}`,
  );
});

after(async () => {
  await operator?.stop();
  await projector?.stop();
  await ami?.close();
  // A release left behind by a failed test: its cluster-scoped leftovers are CRDs only (kept).
  await helmIn(['uninstall', RELEASE, '--wait=hookOnly']);
  await ns?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('helm install, upgrade and uninstall on the real API server', () => {
  let amiPort = 0;
  let firstAmi: Awaited<ReturnType<typeof amiSecret>>;

  it('installs every object (server-side validated) and its pods pass Pod Security restricted', async () => {
    // Asterisk's AMI is played by the AMI test server on loopback; it needs
    // the release's AMI credentials, so it starts after the install.
    amiPort = await (await import('../cluster/ports.ts')).freePort();
    const result = await helmIn([
      'install',
      RELEASE,
      chartPath,
      // The global test setup applied the CRDs with kubectl: the release adopts them.
      '--take-ownership',
      '--wait=hookOnly',
      ...valueFlags({
        'webrtcConfig.ami': { host: '127.0.0.1', port: amiPort },
        'webrtcConfig.extensions': { start: 3000, end: 3099 },
      }),
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /STATUS: deployed/);
    assert.match(
      result.stdout,
      /kubectl -n \S+ get secret switchboard-initial-admin -o jsonpath='\{\.data\.password\}'/,
    );
    assert.match(result.stdout, /port-forward svc\/sb-switchboard 8080:80/);
    assert.match(result.stdout, /kind: SipAgent/);
    assert.match(result.stdout, /No TURN relay is configured/);

    const manifest = await helmIn(['get', 'manifest', RELEASE]);
    const kinds = manifest.stdout.match(/^kind: \S+$/gm)?.length ?? 0;
    assert.ok(kinds >= 16, `release manifest has ${kinds} objects`);
    const get = await kubectl(cluster, [
      'get',
      '-n',
      ns.name,
      '-o',
      'name',
      'deployment,service,serviceaccount,role,rolebinding,networkpolicy,poddisruptionbudget,secret',
    ]);
    assert.equal(get.code, 0, get.stderr);
    for (const name of [
      'deployment.apps/sb-switchboard-operator',
      'deployment.apps/sb-switchboard-asterisk',
      'service/sb-switchboard',
      'service/sb-switchboard-asterisk',
      'service/sb-switchboard-asterisk-ami',
      `serviceaccount/${SA}`,
      'networkpolicy.networking.k8s.io/sb-switchboard-asterisk',
      'poddisruptionbudget.policy/sb-switchboard-operator',
      `secret/${AMI_SECRET}`,
    ])
      assert.ok(get.stdout.includes(name), `${name} missing in:\n${get.stdout}`);
    // The WebRTCConfig is not part of the release: the operator applies it from this env.
    assert.doesNotMatch(manifest.stdout, /^kind: WebRTCConfig$/m);
    const values = JSON.parse(await liveChartDefaults(cluster, ns.name, SA));
    assert.deepEqual(values.ami, {
      host: '127.0.0.1',
      port: amiPort,
      secretName: AMI_SECRET,
    });
    assert.deepEqual(values.extensions, { start: 3000, end: 3099 });

    // Pod Security admission: every Deployment's pod, as its ReplicaSet would
    // create it, submitted with a server-side dry run (admission runs, nothing is stored).
    for (const name of [SA, 'sb-switchboard-asterisk']) {
      const live = await kubectl(cluster, ['get', 'deployment', '-n', ns.name, name, '-o', 'json']);
      const verdict = await admitPod(JSON.parse(live.stdout).spec.template);
      assert.equal(verdict.code, 0, `${name}: ${verdict.stderr}`);
    }
    // The same check refuses the hostNetwork opt-in: it can fail.
    const optIn = await helm([
      'template',
      RELEASE,
      chartPath,
      '--namespace',
      ns.name,
      '--show-only',
      'templates/asterisk-deployment.yaml',
      ...valueFlags({ 'asterisk.hostNetwork': true }),
    ]);
    const refused = await admitPod(parse(optIn.stdout).spec.template);
    assert.notEqual(refused.code, 0);
    assert.match(
      refused.stderr,
      /violates PodSecurity "restricted:latest": host namespaces \(hostNetwork=true\)/,
    );

    firstAmi = await amiSecret();
    assert.equal(firstAmi.username, 'switchboard');
    assert.match(firstAmi.secret ?? '', /^[A-Za-z0-9]{40}$/);
  });

  it('runs the operator as the release ServiceAccount: a SipAgent becomes Ready, the HTTP API works', async () => {
    // Asterisk stand-in: the AMI test server with the release's AMI user over
    // the real base configuration from asterisk/etc, fed by the projector (the kubelet's part).
    const etc = join(dir, 'etc');
    (await import('node:fs')).mkdirSync(etc);
    for (const f of readdirSync(join(repoRoot, 'asterisk', 'etc')))
      copyFileSync(join(repoRoot, 'asterisk', 'etc', f), join(etc, f));
    ami = await startAmiServer({
      username: firstAmi.username ?? '',
      secret: firstAmi.secret ?? '',
      configDir: etc,
      port: amiPort,
    });
    projector = await startProjector({ kc: cluster.kc, namespace: ns.name, dir: etc });

    operator = await startReleaseOperator();
    // The leader applies the chart's WebRTCConfig (patch + create of the granted RBAC).
    await waitUntil('WebRTCConfig default from the chart values', async () =>
      Boolean((await r.config()).metadata.annotations?.[CHART_VALUES]),
    );
    await r.createAgent('ada', { displayName: 'Ada Lovelace' });
    await waitUntil(
      'SipAgent ada Ready',
      async () => condition(await r.agent('ada'), 'Ready')?.status === 'True',
      60_000,
    );
    const agent = await r.agent('ada');
    assert.equal(agent.status?.extension, 3000);
    const creds = await r.secret(agent.status?.credentialsSecretName ?? '');
    assert.equal(decode(creds, 'username'), agent.status?.sipUsername);
    assert.match(decode(creds, 'password') ?? '', /^[0-9a-f]{32}$/);
    // Leader election ran on the chart's Lease name, inside the granted resourceNames.
    const lease = await kubectl(cluster, [
      'get',
      'lease',
      '-n',
      ns.name,
      SA,
      '-o',
      'jsonpath={.spec.holderIdentity}',
    ]);
    assert.equal(lease.stdout, 'helm-op');
    // The web UI's initial admin password, made by the operator at its start.
    await waitUntil(
      'initial admin Secret',
      async () => decode(await r.secret('switchboard-initial-admin'), 'password') !== undefined,
    );
    await waitUntil('an Event about ada (events.k8s.io create)', async () =>
      (await r.events()).some((e) => e.regarding?.name === 'ada'),
    );

    // The HTTP API, served by the same process with the same permissions.
    const adminPassword = decode(await r.secret('switchboard-initial-admin'), 'password') ?? '';
    const api = new ApiSession(`http://127.0.0.1:${operator.port}`);
    assert.equal((await api.login('admin', adminPassword)).status, 200);
    const created = await api.call<{ user: { id: string } }>('POST', '/hr/users', {
      name: 'Grace Hopper',
      phoneNumber: '+4930123456',
      password: 'agent-login-pw',
      accountType: 'agent',
    });
    assert.equal(created.status, 201, created.text);
    const id = created.body.user.id;
    const regenerated = await api.call('POST', `/hr/users/${id}/regenerate-sip`, {});
    assert.equal(regenerated.status, 200, regenerated.text);
    const deleted = await api.call('DELETE', `/hr/users/${id}`);
    assert.equal(deleted.status, 200, deleted.text);
    // A setting the chart does not manage, changed in the web UI (it must survive upgrades).
    const settings = await api.call('PUT', '/hr/webrtc-config', {
      asteriskWsUrl: 'ws://localhost:8088/ws',
      iceServers: { stunUrls: ['stun:stun.example.org:3478'] },
    });
    assert.equal(settings.status, 200, settings.text);

    const log = readFileSync(operator.logPath, 'utf8');
    assert.doesNotMatch(log, /forbidden/i, 'the operator hit an RBAC refusal');
  });

  it('refuses the ServiceAccount anything outside its grants', async () => {
    const as = `system:serviceaccount:${ns.name}:${SA}`;
    const can = async (...args: string[]) =>
      (await kubectl(cluster, ['auth', 'can-i', '--as', as, '-n', ns.name, ...args])).stdout.trim();
    // Granted: what the operator does.
    assert.equal(await can('create', 'secrets'), 'yes');
    assert.equal(await can('patch', 'sipagents.switchboard.dev/status'), 'yes');
    assert.equal(await can('update', `leases.coordination.k8s.io/${SA}`), 'yes');
    assert.equal(await can('patch', 'webrtcconfigs.switchboard.dev'), 'yes');
    // Refused: everything else.
    assert.equal(await can('delete', 'nodes'), 'no');
    assert.equal(await can('create', 'pods'), 'no');
    assert.equal(await can('delete', 'secrets'), 'no');
    assert.equal(await can('delete', 'configmaps'), 'no');
    assert.equal(await can('delete', 'webrtcconfigs.switchboard.dev'), 'no');
    assert.equal(await can('get', 'configmaps'), 'no');
    assert.equal(await can('update', 'leases.coordination.k8s.io/someone-elses-lease'), 'no');
    assert.equal(await can('list', 'secrets', '-n', 'default'), 'no');
    assert.equal(await can('create', 'customresourcedefinitions.apiextensions.k8s.io'), 'no');
    assert.equal(await can('update', 'deployments.apps'), 'no');
    // And the API server itself refuses a real request made as the ServiceAccount.
    const refused = await kubectl(cluster, [
      '--kubeconfig',
      saKubeconfig,
      'get',
      'pods',
      '-n',
      ns.name,
    ]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /forbidden/);
  });

  it('upgrades with changed values: the AMI password and the admin password survive', async () => {
    const admin = await r.secret('switchboard-initial-admin');
    const firstFingerprint = (await r.config()).metadata.annotations?.[CHART_VALUES];
    const result = await helmIn([
      'upgrade',
      RELEASE,
      chartPath,
      '--wait=hookOnly',
      '--reuse-values',
      ...valueFlags({
        'operator.replicas': 3,
        'asterisk.ami.username': 'ops',
        'webrtcConfig.hotline': { number: '500', queue: 'sales' },
      }),
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /REVISION: 2/);

    const now = await amiSecret();
    assert.equal(now.secret, firstAmi.secret, 'the AMI password changed on upgrade');
    assert.equal(now.uid, firstAmi.uid);
    assert.equal(now.username, 'ops');
    assert.equal(
      now.file,
      `[ops]\nsecret = ${firstAmi.secret}\nread = system,agent,user,call\nwrite = system,agent,user\n`,
    );
    const adminNow = await r.secret('switchboard-initial-admin');
    assert.equal(decode(adminNow, 'password'), decode(admin, 'password'));
    assert.equal(adminNow?.metadata?.resourceVersion, admin?.metadata?.resourceVersion);

    assert.equal(await deploymentField(SA, '.spec.replicas'), '3');
    // Asterisk reads its AMI user only at start: the new name rolls its pod.
    assert.equal(
      await deploymentField(
        'sb-switchboard-asterisk',
        ".spec.template.metadata.annotations['switchboard\\.dev/ami-user']",
      ),
      'ops',
    );
    // The new values roll the operator (its env changed); the new leader re-applies them.
    await operator?.stop();
    operator = await startReleaseOperator();
    await waitUntil(
      'the new chart values applied',
      async () => (await r.config()).metadata.annotations?.[CHART_VALUES] !== firstFingerprint,
    );
    const config = await r.config();
    assert.deepEqual(config.spec.hotline, { number: '500', queue: 'sales' });
    assert.equal(config.spec.extensions.start, 3000, '--reuse-values kept the earlier values');
    assert.deepEqual(
      config.spec.iceServers,
      { stunUrls: ['stun:stun.example.org:3478'] },
      'the web UI setting was kept',
    );
  });

  it('rotates the AMI password with a new asterisk.ami.rotation, without touching the Asterisk Pod', async () => {
    const before = await amiSecret();
    const generation = () => deploymentField('sb-switchboard-asterisk', '.metadata.generation');
    const generationBefore = await generation();
    const upgrade = async (rotation: string) => {
      const result = await helmIn([
        'upgrade',
        RELEASE,
        chartPath,
        '--wait=hookOnly',
        '--reuse-values',
        ...valueFlags({ 'asterisk.ami.rotation': rotation }),
      ]);
      assert.equal(result.code, 0, result.stderr);
      return await amiSecret();
    };
    const rotated = await upgrade('2026-12-06');
    assert.notEqual(rotated.secret, before.secret, 'a new password');
    assert.match(rotated.secret ?? '', /^[A-Za-z0-9]{40}$/);
    assert.equal(rotated.uid, before.uid, 'the same Secret, updated in place');
    assert.equal(
      rotated.file,
      `[ops]\nsecret = ${rotated.secret}\nread = system,agent,user,call\nwrite = system,agent,user\n`,
      'both keys in one write',
    );
    const annotations = (await r.secret(AMI_SECRET))?.metadata?.annotations ?? {};
    assert.equal(annotations['switchboard.dev/ami-rotation'], '2026-12-06');
    // The Pod template is unchanged: Asterisk is not restarted (it re-reads its AMI users).
    assert.equal(await generation(), generationBefore);
    // The operator, with the release's RBAC, watches the Secret by name and noticed.
    await waitUntil('the operator noticed the new AMI secret', () =>
      readFileSync(operator?.logPath ?? '', 'utf8').includes('new AMI secret'),
    );
    // The same value again keeps the new password; another value rotates again.
    assert.equal((await upgrade('2026-12-06')).secret, rotated.secret);
    assert.notEqual((await upgrade('2026-12-07')).secret, rotated.secret);
  });

  it('uninstalls, keeping the CRDs, the SipAgents, the WebRTCConfig and the AMI Secret', async () => {
    await operator?.stop();
    operator = undefined;
    const amiBefore = (await amiSecret()).secret;
    const result = await helmIn(['uninstall', RELEASE, '--wait=hookOnly']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout + result.stderr, /kept due to the resource policy/);

    for (const crd of ['sipagents.switchboard.dev', 'webrtcconfigs.switchboard.dev']) {
      const got = await kubectl(cluster, ['get', 'crd', crd, '-o', 'name']);
      assert.equal(got.code, 0, `${crd} was deleted: ${got.stderr}`);
    }
    assert.equal((await r.agent('ada')).spec.displayName, 'Ada Lovelace');
    assert.equal((await r.config()).metadata.name, 'default');
    assert.equal((await amiSecret()).secret, amiBefore);
    await waitUntil('release objects gone', async () => {
      const left = await kubectl(cluster, [
        'get',
        'deployment,service,role,serviceaccount',
        '-n',
        ns.name,
        '-o',
        'name',
      ]);
      return left.code === 0 && !left.stdout.includes('sb-switchboard');
    });
    const status = await helmIn(['status', RELEASE]);
    assert.notEqual(status.code, 0);
  });
});

describe('a second call center in the same cluster, watching every namespace', () => {
  it('installs without the CRDs and grants the namespaced verbs cluster-wide, nothing more', async () => {
    const other = await createNamespace(cluster, 'helm-cw');
    try {
      const inOther = (args: string[]) =>
        helm([...args, '--namespace', other.name], cluster.kubeconfig);
      const result = await inOther([
        'install',
        'cw',
        chartPath,
        '--wait=hookOnly',
        ...valueFlags({ 'crds.install': false, 'operator.watchAllNamespaces': true }),
      ]);
      assert.equal(result.code, 0, result.stderr);
      const as = `system:serviceaccount:${other.name}:cw-switchboard-operator`;
      const can = async (...args: string[]) =>
        (await kubectl(cluster, ['auth', 'can-i', '--as', as, ...args])).stdout.trim();
      assert.equal(await can('list', 'sipagents.switchboard.dev', '--all-namespaces'), 'yes');
      assert.equal(await can('create', 'secrets', '-n', 'kube-system'), 'yes');
      assert.equal(await can('delete', 'secrets', '-n', 'kube-system'), 'no');
      assert.equal(await can('create', 'pods', '-n', other.name), 'no');
      assert.equal(await can('list', 'nodes'), 'no');
      // The Lease grant stays in the release namespace.
      assert.equal(await can('create', 'leases.coordination.k8s.io', '-n', other.name), 'yes');
      assert.equal(await can('create', 'leases.coordination.k8s.io', '-n', 'default'), 'no');
      const uninstalled = await inOther(['uninstall', 'cw', '--wait=hookOnly']);
      assert.equal(uninstalled.code, 0, uninstalled.stderr);
      const role = await kubectl(cluster, [
        'get',
        'clusterrole',
        `${other.name}-cw-switchboard-operator`,
      ]);
      assert.notEqual(role.code, 0, 'the ClusterRole went with the release');
    } finally {
      await other.cleanup();
    }
  });
});
