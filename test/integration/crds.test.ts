// The CRDs against the real API server: install, examples, printer columns,
// kubectl explain, and the invalid-object table (also through ajv).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiextensionsV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { crdFiles } from '../../operator/src/crds/index.ts';
import {
  validateCallQueue,
  validateSipAgent,
  validateSipTrunk,
  validateWebRTCConfig,
} from '../../operator/src/schema/validators.ts';
import { repoRoot } from '../cluster/tools.ts';
import { invalidCases } from '../fixtures/invalid-objects.ts';
import { createNamespace, kubectl, testCluster } from '../support/cluster.ts';
import { installCrds } from '../support/crds.ts';

const cluster = testCluster();
let ns: Awaited<ReturnType<typeof createNamespace>>;

/** Sets an object's status with kubectl, then reads `kubectl get <resource>`: its header and one row's columns. */
async function statusColumns(
  kind: string,
  name: string,
  resource: string,
  status: unknown,
): Promise<{ header: string[] | undefined; row: string[] | undefined }> {
  const patched = await kubectl(cluster, [
    'patch',
    kind,
    name,
    '-n',
    ns.name,
    '--subresource=status',
    '--type=merge',
    '-p',
    JSON.stringify(status),
  ]);
  assert.equal(patched.code, 0, patched.stderr);
  const got = await kubectl(cluster, ['get', resource, '-n', ns.name]);
  assert.equal(got.code, 0, got.stderr);
  const [header, ...rows] = got.stdout.trim().split('\n');
  return {
    header: header?.split(/\s+/),
    row: rows.find((r) => r.startsWith(name))?.split(/\s+/),
  };
}

before(async () => {
  await installCrds(cluster);
  ns = await createNamespace(cluster, 'crds');
});
after(async () => {
  await ns?.cleanup();
});

describe('CRDs on the real API server', () => {
  it('are Established with the names, short names and category platform teams use', async () => {
    const api = cluster.kc.makeApiClient(ApiextensionsV1Api);
    for (const { crd } of crdFiles) {
      const live = await api.readCustomResourceDefinition({ name: crd.metadata.name });
      assert.equal(live.status?.conditions?.find((c) => c.type === 'Established')?.status, 'True');
      assert.deepEqual(live.spec.names.categories, ['switchboard']);
      assert.equal(live.spec.scope, 'Namespaced');
    }
    const shortName = await kubectl(cluster, ['get', 'sipa', '-n', ns.name]);
    assert.equal(shortName.code, 0, shortName.stderr);
  });

  it('accept the example manifests', async () => {
    for (const file of [
      'webrtcconfig.yaml',
      'sipagents.yaml',
      'callqueues.yaml',
      'siptrunks.yaml',
    ]) {
      const result = await kubectl(cluster, [
        'apply',
        '-n',
        ns.name,
        '-f',
        join(repoRoot, 'crds', 'examples', file),
      ]);
      assert.equal(result.code, 0, `${file}: ${result.stderr}`);
    }
    const custom = cluster.kc.makeApiClient(CustomObjectsApi);
    const list = (await custom.listNamespacedCustomObject({
      group: 'switchboard.dev',
      version: 'v1alpha1',
      namespace: ns.name,
      plural: 'sipagents',
    })) as {
      items: { metadata: { name: string }; spec: { codecs: string[]; maxContacts: number } }[];
    };
    assert.deepEqual(list.items.map((a) => a.metadata.name).sort(), [
      'jane-roe',
      'john-doe',
      'max-mustermann',
    ]);
    const john = list.items.find((a) => a.metadata.name === 'john-doe');
    assert.deepEqual(
      john?.spec.codecs,
      ['opus', 'ulaw', 'alaw'],
      'schema defaults applied by the API server',
    );
    assert.equal(john?.spec.maxContacts, 1);
  });

  it('print EXTENSION, USERNAME, READY, REGISTERED and AGE in kubectl get sipagents', async () => {
    const status = {
      status: {
        extension: 1000,
        sipUsername: 'john_doe_1700000000',
        registered: true,
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'Provisioned',
            message: 'ok',
            lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
          },
        ],
      },
    };
    const { header, row: john } = await statusColumns('sipagent', 'john-doe', 'sipagents', status);
    assert.deepEqual(header, ['NAME', 'EXTENSION', 'USERNAME', 'READY', 'REGISTERED', 'AGE']);
    assert.deepEqual(john?.slice(0, 5), [
      'john-doe',
      '1000',
      'john_doe_1700000000',
      'True',
      'true',
    ]);
  });

  it('print NUMBERS, STRATEGY, MEMBERS, READY and AGE in kubectl get cq', async () => {
    const status = {
      status: {
        numbers: ['118'],
        members: 2,
        conditions: [
          {
            type: 'Ready',
            status: 'False',
            reason: 'NumberConflict',
            message: 'number 118 already reaches CallQueue other',
            lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
          },
        ],
      },
    };
    const { header, row: billing } = await statusColumns('callqueue', 'billing', 'cq', status);
    assert.deepEqual(header, ['NAME', 'NUMBERS', 'STRATEGY', 'MEMBERS', 'READY', 'AGE']);
    assert.match(billing?.[1] ?? '', /118/);
    assert.deepEqual(billing?.slice(2, 5), ['leastrecent', '2', 'False']);
  });

  it('print HOST, TRANSPORT, REGISTERED, READY and AGE in kubectl get trunk', async () => {
    const status = {
      status: {
        registered: true,
        registration: 'Registered',
        numbers: ['117'],
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'Configured',
            message: 'numbers: 117',
            lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
          },
        ],
      },
    };
    const { header, row } = await statusColumns('siptrunk', 'carrier', 'trunk', status);
    assert.deepEqual(header, ['NAME', 'HOST', 'TRANSPORT', 'REGISTERED', 'READY', 'AGE']);
    assert.deepEqual(row?.slice(0, 5), ['carrier', 'sip.carrier.example', 'udp', 'true', 'True']);
  });

  it('document every field in kubectl explain', async () => {
    const spec = await kubectl(cluster, ['explain', 'sipagent.spec']);
    assert.equal(spec.code, 0, spec.stderr);
    assert.match(spec.stdout, /displayName\s+<string> -required-/);
    assert.match(spec.stdout, /seeds the SIP username/);
    const turn = await kubectl(cluster, [
      'explain',
      'webrtcconfig.spec.iceServers.turnServers.sharedSecret',
    ]);
    assert.equal(turn.code, 0, turn.stderr);
    assert.match(turn.stdout, /credentialTTLSeconds\s+<integer>/);
    assert.match(turn.stdout, /TURN REST shared secret/);
    const skills = await kubectl(cluster, ['explain', 'callqueue.spec.members.skills']);
    assert.equal(skills.code, 0, skills.stderr);
    assert.match(skills.stdout, /level 10 is penalty 0/);
    const routes = await kubectl(cluster, ['explain', 'siptrunk.spec.routes']);
    assert.equal(routes.code, 0, routes.stderr);
    assert.match(routes.stdout, /refused with cause 1/);
  });
});

describe('invalid objects', () => {
  assert.ok(invalidCases.length >= 25, 'the table covers at least 25 cases');

  for (const c of invalidCases) {
    it(`are rejected by the API server at apply time: ${c.name}`, async () => {
      const result = await kubectl(
        cluster,
        ['apply', '-n', ns.name, '-f', '-'],
        JSON.stringify(c.object),
      ); // JSON: YAML 1.1 would read "yes" as true;
      assert.notEqual(result.code, 0, `applied although invalid: ${result.stdout}`);
      assert.ok(
        result.stderr.includes(c.field),
        `error does not name ${c.field}: ${result.stderr}`,
      );
    });

    it(`are rejected by the ajv validators: ${c.name}`, () => {
      const validate =
        c.object.kind === 'SipAgent'
          ? validateSipAgent
          : c.object.kind === 'CallQueue'
            ? validateCallQueue
            : c.object.kind === 'SipTrunk'
              ? validateSipTrunk
              : validateWebRTCConfig;
      const result = validate(c.object);
      assert.equal(result.ok, false, 'accepted although invalid');
      if (result.ok) return;
      const text = result.errors.map((e) => `${e.field}: ${e.message}`).join('\n');
      assert.ok(text.includes(c.field), `error does not name ${c.field}: ${text}`);
    });
  }

  it('the examples pass the ajv validators too', () => {
    for (const file of [
      'webrtcconfig.yaml',
      'sipagents.yaml',
      'callqueues.yaml',
      'siptrunks.yaml',
    ]) {
      const docs = parseAllDocuments(
        readFileSync(join(repoRoot, 'crds', 'examples', file), 'utf8'),
      );
      for (const doc of docs) {
        const object = doc.toJS() as { kind: string };
        if (object.kind === 'Secret') continue;
        const result =
          object.kind === 'SipAgent'
            ? validateSipAgent(object)
            : object.kind === 'CallQueue'
              ? validateCallQueue(object)
              : object.kind === 'SipTrunk'
                ? validateSipTrunk(object)
                : validateWebRTCConfig(object);
        assert.deepEqual(result.ok ? [] : result.errors, [], `${file}: ${object.kind}`);
      }
    }
  });
});
