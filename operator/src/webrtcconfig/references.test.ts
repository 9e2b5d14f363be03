import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { V1Secret } from '@kubernetes/client-node';
import { validateWebRTCConfig } from '../schema/validators.ts';
import { referenceProblems } from './references.ts';

const config = validateWebRTCConfig({
  apiVersion: 'switchboard.dev/v1alpha1',
  kind: 'WebRTCConfig',
  metadata: { name: 'default' },
  spec: {
    asteriskWsUrl: 'wss://pbx.example.org/ws',
    iceServers: { turnServers: [{ urls: ['turn:t.example.org'], sharedSecret: { name: 'turn' } }] },
    dtlsCertificateSecret: { name: 'dtls' },
  },
});

it('names every broken Secret reference with its field, never a value', () => {
  assert.ok(config.ok);
  const secrets: Record<string, V1Secret> = {
    dtls: { type: 'Opaque', data: { 'tls.crt': 'eA==' } },
  };
  const problems = referenceProblems(config.value.spec, (n) => secrets[n]);
  assert.deepEqual(problems, [
    'spec.iceServers.turnServers[0].sharedSecret: Secret "turn" not found',
    'spec.dtlsCertificateSecret: Secret "dtls" must be of type kubernetes.io/tls, not Opaque',
    'spec.dtlsCertificateSecret: Secret "dtls" has no key "tls.key"',
  ]);
  const fixed = {
    turn: { data: { 'shared-secret': 'c2VjcmV0' } },
    dtls: { type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==', 'tls.key': 'eQ==' } },
  };
  assert.deepEqual(
    referenceProblems(config.value.spec, (n) => (fixed as Record<string, V1Secret>)[n]),
    [],
  );
});
