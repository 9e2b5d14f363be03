// The chart's generated files match their sources, and the chart agrees with
// the code and images it deploys (shard names, mount paths, users, version).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { renderAsteriskConfig } from '../../operator/src/asterisk/render/index.ts';
import { MOUNT_PATH } from '../../operator/src/asterisk/render/layout.ts';
import { validateWebRTCConfig } from '../../operator/src/schema/validators.ts';
import { DTLS_MOUNT_DIR } from '../../operator/src/webrtcconfig/controller.ts';
import { chartGeneratedFiles } from '../../scripts/chart/generated-files.ts';
import { repoRoot } from '../cluster/tools.ts';
import { chartPath, chartWebrtcSpec, find, render } from './helm.ts';

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

describe('generated chart files', () => {
  it('files/crds/*.yaml are byte-identical to crds/*.yaml and values.schema.json is current', () => {
    const files = chartGeneratedFiles();
    assert.deepEqual(
      files.filter((f) => f.path.includes('files/crds/')).map((f) => f.path.split('/').at(-1)),
      ['callqueue.yaml', 'sipagent.yaml', 'siptrunk.yaml', 'webrtcconfig.yaml'],
    );
    for (const { path, content } of files)
      assert.equal(read(path), content, `${path} is stale: run \`make crds\``);
  });

  it('installs the CRDs exactly as crds/*.yaml defines them, plus labels and the keep policy', async () => {
    const { parse } = await import('yaml');
    const objects = await render();
    for (const file of ['callqueue.yaml', 'sipagent.yaml', 'siptrunk.yaml', 'webrtcconfig.yaml']) {
      const source = parse(read(join('crds', file)));
      const rendered = find(objects, 'CustomResourceDefinition', source.metadata.name);
      assert.deepEqual(rendered.spec, source.spec);
      assert.equal(rendered.metadata.annotations?.['helm.sh/resource-policy'], 'keep');
      assert.equal(rendered.metadata.labels?.['app.kubernetes.io/component'], 'crd');
    }
  });
});

describe('chart ↔ operator and images', () => {
  it("mounts exactly the objects the operator generates for the chart's WebRTCConfig", async () => {
    const objects = await render({
      'webrtcConfig.generated': { configMapName: 'pbx-files', secretName: 'pbx-auth' },
      'webrtcConfig.dtlsCertificateSecret': 'pbx-dtls',
    });
    // The spec the operator applies, with the defaults the API server adds.
    const valid = validateWebRTCConfig({
      apiVersion: 'switchboard.dev/v1alpha1',
      kind: 'WebRTCConfig',
      metadata: { name: 'default' },
      spec: chartWebrtcSpec(objects),
    });
    assert.ok(valid.ok, JSON.stringify(valid.ok ? '' : valid.errors));
    const generated = renderAsteriskConfig({
      namespace: 'callcenter',
      config: valid.value.spec,
      agents: [],
      dtlsCertPath: DTLS_MOUNT_DIR,
    });

    const pod = find(objects, 'Deployment', 'sb-switchboard-asterisk').spec.template.spec;
    const volume = pod.volumes.find((v: { name: string }) => v.name === 'switchboard');
    const sources = volume.projected.sources.map(
      (s: {
        configMap?: { name: string; items?: unknown };
        secret?: { name: string; items?: unknown };
      }) => {
        const ref = s.configMap ?? s.secret;
        assert.equal(ref?.items, undefined, 'whole objects, no items');
        return `${s.configMap ? 'ConfigMap' : 'Secret'}/${ref?.name}`;
      },
    );
    assert.deepEqual([...sources].sort(), generated.map((o) => `${o.kind}/${o.name}`).sort());
    assert.equal(sources.length, 65);
    assert.equal(volume.projected.defaultMode, 0o440);

    const mounts = pod.containers[0].volumeMounts as {
      name: string;
      mountPath: string;
      subPath?: string;
    }[];
    assert.ok(
      mounts.every((m) => m.subPath === undefined),
      'no subPath mounts',
    );
    const at = (name: string) => mounts.find((m) => m.name === name)?.mountPath;
    assert.equal(at('switchboard'), MOUNT_PATH);
    assert.equal(at('dtls'), DTLS_MOUNT_DIR);
    assert.equal(at('ami'), '/etc/asterisk/ami');
  });

  it("reads the AMI users from the files Asterisk's manager.conf includes", async () => {
    const managerConf = read('asterisk/etc/manager.conf');
    const include = managerConf.match(/^#include\s+(\S+)\s*$/m)?.[1];
    assert.equal(include, 'ami/manager_user.conf');
    const tryInclude = managerConf.match(/^#tryinclude\s+(\S+)\s*$/m)?.[1];
    assert.equal(tryInclude, 'ami/manager_readonly.conf');
    const objects = await render();
    const pod = find(objects, 'Deployment', 'sb-switchboard-asterisk').spec.template.spec;
    const ami = pod.volumes.find((v: { name: string }) => v.name === 'ami');
    const [own, readOnly] = ami.projected.sources;
    assert.deepEqual(own.secret.items, [{ key: 'manager_user.conf', path: 'manager_user.conf' }]);
    assert.deepEqual(readOnly.secret.items, [
      { key: 'manager_readonly.conf', path: 'manager_readonly.conf' },
    ]);
    const secret = find(objects, 'Secret', own.secret.name);
    const file = Buffer.from(secret.data['manager_user.conf'], 'base64').toString();
    const password = Buffer.from(secret.data.secret, 'base64').toString();
    assert.equal(Buffer.from(secret.data.username, 'base64').toString(), 'switchboard');
    assert.equal(
      file,
      `[switchboard]\nsecret = ${password}\nread = system,agent,user,call\nwrite = system,agent,user\n`,
    );
    assert.match(password, /^[A-Za-z0-9]{40}$/);
    // the read-only user: its own Secret and password, write "reporting" only
    const ro = find(objects, 'Secret', readOnly.secret.name);
    const roPassword = Buffer.from(ro.data.secret, 'base64').toString();
    assert.equal(Buffer.from(ro.data.username, 'base64').toString(), 'switchboard-monitor');
    assert.equal(
      Buffer.from(ro.data['manager_readonly.conf'], 'base64').toString(),
      `[switchboard-monitor]\nsecret = ${roPassword}\nread = system,agent,user,call\nwrite = reporting\n`,
    );
    assert.match(roPassword, /^[A-Za-z0-9]{40}$/);
    assert.notEqual(roPassword, password);
  });

  it('runs the images as the users their Dockerfiles declare', async () => {
    const objects = await render();
    const uidOf = (name: string) =>
      find(objects, 'Deployment', name).spec.template.spec.securityContext;
    const operatorUser = read('Dockerfile').match(/^USER (\d+):(\d+)$/m);
    assert.ok(operatorUser, 'Dockerfile has a numeric USER');
    assert.equal(uidOf('sb-switchboard-operator').runAsUser, Number(operatorUser[1]));
    assert.equal(uidOf('sb-switchboard-operator').runAsGroup, Number(operatorUser[2]));
    const asteriskUid = read('asterisk/Dockerfile').match(/^ARG ASTERISK_UID=(\d+)$/m)?.[1];
    assert.equal(uidOf('sb-switchboard-asterisk').runAsUser, Number(asteriskUid));
    assert.equal(uidOf('sb-switchboard-asterisk').fsGroup, Number(asteriskUid));
  });

  it("has the project's version as appVersion", async () => {
    const { parse } = await import('yaml');
    const chart = parse(readFileSync(join(chartPath, 'Chart.yaml'), 'utf8'));
    assert.equal(chart.appVersion, JSON.parse(read('package.json')).version);
  });
});
