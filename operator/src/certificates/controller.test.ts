import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { CustomObjectsApi, V1Secret } from '@kubernetes/client-node';
import {
  selfSignedCertificate,
  type TlsCertificate,
} from '../../../test/support/tls-certificate.ts';
import type { EventRecorder } from '../clients/events.ts';
import type { CertificateFacts, WebRTCConfig } from '../crds/types.ts';
import type { Informer } from '../kube/informer.ts';
import { silentLogger } from '../log.ts';
import { parseCertificatePem } from './certificate.ts';
import { CertificateController, PENDING_RECHECK_MS, UNREACHABLE_RECHECK_MS } from './controller.ts';

// Real certificates (openssl): 10 days left, and a renewed one with 90.
let oldPair: TlsCertificate;
let newPair: TlsCertificate;
let OLD: CertificateFacts;
let NEW: CertificateFacts;
before(async () => {
  [oldPair, newPair] = await Promise.all([
    selfSignedCertificate({ days: 10 }),
    selfSignedCertificate({ days: 90 }),
  ]);
  OLD = parseCertificatePem(oldPair.cert);
  NEW = parseCertificatePem(newPair.cert);
});
const pairOf = (f: CertificateFacts) => (f === OLD ? oldPair : newPair);

/** One WebRTCConfig in a cache, its DTLS Secret, and what Asterisk serves (reloads swap it for the mounted files). */
function world(o: {
  dtls?: boolean;
  served: CertificateFacts;
  secret: CertificateFacts;
  now?: () => Date;
}) {
  let config: WebRTCConfig = {
    apiVersion: 'switchboard.dev/v1alpha1',
    kind: 'WebRTCConfig',
    metadata: { name: 'default', namespace: 'cc', generation: 2, resourceVersion: '10' },
    spec: {
      ami: { host: 'pbx-ami', port: 5038, secretName: 'ami' },
      ...(o.dtls === false ? {} : { dtlsCertificateSecret: { name: 'pbx-tls' } }),
    } as WebRTCConfig['spec'],
  };
  const state = {
    served: o.served,
    secret: o.secret,
    /** What a reload makes Asterisk serve (the mounted files). */
    mounted: o.served,
    reloads: 0,
    patches: [] as Record<string, unknown>[],
    events: [] as { type: string; reason: string; note: string }[],
    requeues: [] as number[],
    failPatch: false,
    down: false,
    /** tls.key of another certificate (a Secret edited by hand). */
    mismatchedKey: false,
    rv: 10,
  };
  const configs = {
    get: () => config,
  } as unknown as Informer<WebRTCConfig>;
  const controller = new CertificateController({
    configs,
    core: {
      readNamespacedSecret: async () =>
        ({
          type: 'kubernetes.io/tls',
          data: {
            'tls.crt': Buffer.from(pairOf(state.secret).cert).toString('base64'),
            'tls.key': Buffer.from(
              (state.mismatchedKey
                ? pairOf(state.secret === OLD ? NEW : OLD)
                : pairOf(state.secret)
              ).key,
            ).toString('base64'),
          },
        }) as V1Secret,
    },
    custom: {
      patchNamespacedCustomObjectStatus: async ({ body }: { body: Record<string, unknown> }) => {
        if (state.failPatch) throw Object.assign(new Error('conflict'), { code: 409 });
        state.patches.push(body);
        return { metadata: { resourceVersion: String(++state.rv) } };
      },
    } as unknown as CustomObjectsApi,
    events: {
      normal: (_t, reason, _a, note) => state.events.push({ type: 'Normal', reason, note }),
      warning: (_t, reason, _a, note) => state.events.push({ type: 'Warning', reason, note }),
    } as EventRecorder,
    logger: silentLogger,
    ami: () => ({
      state: 'connected',
      action: async (fields: Record<string, string>) => {
        assert.deepEqual(fields, { action: 'Reload', module: 'http' });
        state.reloads++;
        state.served = state.mounted;
        return { response: 'Success' } as never;
      },
    }),
    requeueAfter: (_k, ms) => state.requeues.push(ms),
    ...(o.now ? { now: o.now } : {}),
    httpsPort: 8089,
    checkMs: 60_000,
    warningDays: 14,
    probe: async (host, port) => {
      assert.deepEqual([host, port], ['pbx-ami', 8089]);
      if (state.down) throw new Error('TLS handshake with pbx-ami:8089: connect ECONNREFUSED');
      return state.served;
    },
  });
  /** The cache catches up with the last write. */
  const sync = () => {
    const last = state.patches.at(-1);
    config = {
      ...config,
      metadata: { ...config.metadata, resourceVersion: String(state.rv) },
      status: JSON.parse(JSON.stringify(last?.status ?? {})),
    };
  };
  return { controller, state, sync, config: () => config };
}

describe('certificate controller', () => {
  it('reports the served certificate and checks again after the check interval', async () => {
    const w = world({ served: NEW, secret: NEW });
    await w.controller.processItem('cc/default');
    assert.equal(w.state.reloads, 0);
    const status = w.state.patches[0]?.status as WebRTCConfig['status'];
    assert.deepEqual(status?.certificate, NEW);
    assert.equal(status?.conditions?.[0]?.reason, 'Served');
    assert.deepEqual(w.state.requeues, [60_000]);
    w.sync();
    await w.controller.processItem('cc/default');
    assert.equal(w.state.patches.length, 1, 'nothing changed: nothing written');
  });

  it('reloads the HTTP server while the Secret differs; pending until the files change', async () => {
    const w = world({ served: OLD, secret: NEW });
    await w.controller.processItem('cc/default');
    assert.equal(w.state.reloads, 1); // the files are still old: nothing changes
    assert.equal(
      (w.state.patches[0]?.status as WebRTCConfig['status'])?.conditions?.[0]?.reason,
      'RenewalPending',
    );
    assert.deepEqual(w.state.requeues, [PENDING_RECHECK_MS]);
    w.sync();
    w.state.mounted = NEW; // the kubelet swapped the mounted files
    await w.controller.processItem('cc/default');
    assert.equal(w.state.reloads, 2);
    const status = w.state.patches[1]?.status as WebRTCConfig['status'];
    assert.deepEqual(status?.certificate, NEW, 'probed again after the reload');
    assert.equal(status?.conditions?.[0]?.reason, 'Served');
    assert.deepEqual(
      w.state.events.map((e) => e.reason),
      ['CertificateExpiring', 'CertificateRenewed'],
    );
    assert.deepEqual(w.state.requeues, [PENDING_RECHECK_MS, 60_000]);
  });

  it('records Events only after the status write, and not again from a cache that is behind', async () => {
    const w = world({ served: OLD, secret: OLD });
    w.state.failPatch = true;
    await assert.rejects(w.controller.processItem('cc/default'));
    assert.equal(w.state.events.length, 0);
    w.state.failPatch = false;
    await w.controller.processItem('cc/default');
    assert.deepEqual(
      w.state.events.map((e) => e.reason),
      ['CertificateExpiring'],
    );
    // the cache has not shown the write yet: wait for it rather than decide on the old status
    await w.controller.processItem('cc/default');
    assert.equal(w.state.events.length, 1);
    assert.equal(w.state.requeues.at(-1), 100);
    w.sync();
    await w.controller.processItem('cc/default');
    assert.equal(w.state.events.length, 1);
  });

  it('Unreachable: keeps the last certificate, reloads nothing, checks again within 10 s', async () => {
    const w = world({ served: NEW, secret: NEW });
    await w.controller.processItem('cc/default');
    w.sync();
    w.state.down = true;
    await w.controller.processItem('cc/default');
    const status = w.state.patches.at(-1)?.status as WebRTCConfig['status'];
    assert.equal(status?.conditions?.[0]?.reason, 'Unreachable');
    assert.match(status?.conditions?.[0]?.message ?? '', /ECONNREFUSED/);
    assert.deepEqual(status?.certificate, NEW);
    assert.equal(w.state.reloads, 0);
    assert.deepEqual(w.state.requeues, [60_000, UNREACHABLE_RECHECK_MS]);
  });

  it('a tls.key that does not match tls.crt is never loaded: SecretProblem, no reload', async () => {
    const w = world({ served: OLD, secret: NEW });
    w.state.mismatchedKey = true;
    w.state.mounted = NEW;
    await w.controller.processItem('cc/default');
    assert.equal(w.state.reloads, 0);
    const status = w.state.patches.at(-1)?.status as WebRTCConfig['status'];
    assert.equal(status?.conditions?.[0]?.reason, 'SecretProblem');
    assert.match(status?.conditions?.[0]?.message ?? '', /not the private key .*not loaded/);
    assert.deepEqual(status?.certificate, OLD, 'what Asterisk still serves');
    assert.ok(w.state.events.some((e) => e.reason === 'CertificateSecretProblem'));
  });

  it('after a broken Secret is fixed, waits before reloading: the kubelet may still mount the broken pair', async () => {
    let clock = Date.now();
    const w = world({ served: OLD, secret: NEW, now: () => new Date(clock) });
    w.state.mismatchedKey = true;
    await w.controller.processItem('cc/default');
    w.sync();
    w.state.mismatchedKey = false; // fixed
    w.state.mounted = NEW;
    clock += 60_000;
    await w.controller.processItem('cc/default');
    assert.equal(w.state.reloads, 0);
    const held = (w.state.patches.at(-1)?.status as WebRTCConfig['status'])?.conditions?.[0];
    assert.equal(held?.reason, 'RenewalPending');
    assert.match(held?.message ?? '', /no reload for 90 s more/);
    w.sync();
    clock += 91_000;
    await w.controller.processItem('cc/default');
    assert.equal(w.state.reloads, 1);
    assert.deepEqual((w.state.patches.at(-1)?.status as WebRTCConfig['status'])?.certificate, NEW);
  });

  it('never puts key material in status or Events', async () => {
    const w = world({ served: OLD, secret: NEW });
    await w.controller.processItem('cc/default');
    const written = JSON.stringify([w.state.patches, w.state.events]);
    const keyBody = newPair.key.split('\n')[1] ?? '';
    assert.ok(keyBody.length > 20);
    assert.ok(!written.includes('PRIVATE') && !written.includes(keyBody.slice(0, 20)));
  });

  it('without a DTLS Secret: no certificate in status and no condition', async () => {
    const w = world({ dtls: false, served: NEW, secret: NEW });
    await w.controller.processItem('cc/default');
    assert.equal(w.state.patches.length, 0, 'nothing to remove');
    // a config that had one
    const had = world({ served: NEW, secret: NEW });
    await had.controller.processItem('cc/default');
    had.sync();
    (had.config().spec as { dtlsCertificateSecret?: unknown }).dtlsCertificateSecret = undefined;
    await had.controller.processItem('cc/default');
    const body = had.state.patches.at(-1)?.status as Record<string, unknown>;
    assert.equal(body.certificate, null, 'a merge patch removes it with null');
    assert.deepEqual(body.conditions, []);
  });
});
