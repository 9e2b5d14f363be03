import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { V1Secret } from '@kubernetes/client-node';
import { type CaSigned, caSignedCertificate } from '../../../test/support/tls-certificate.ts';
import { caFromSecret, parseCaBundle } from './ca.ts';
import { sipTrunk } from './fixtures.ts';

const secret = (data: Record<string, string>): V1Secret => ({
  data: Object.fromEntries(
    Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
});
const trunk = sipTrunk('carrier', {
  transport: 'tls',
  port: 5061,
  tls: { caSecret: { name: 'carrier-ca' } },
});

let a: CaSigned;
let b: CaSigned;
before(async () => {
  [a, b] = await Promise.all([caSignedCertificate(), caSignedCertificate()]);
});

describe('a tls trunk’s CA bundle', () => {
  it('reads key ca.crt by default; keeps each certificate once and nothing else', () => {
    const text = `comment before\n${a.ca}\n${b.ca}${a.ca}trailing words\n`;
    const got = caFromSecret(trunk, secret({ 'ca.crt': text }));
    assert.equal(got.state, 'ok');
    const pem = got.state === 'ok' ? got.pem : '';
    assert.equal(pem.match(/BEGIN CERTIFICATE/g)?.length, 2);
    assert.ok(!pem.includes('comment') && !pem.includes('trailing'));
    assert.equal(caFromSecret(sipTrunk('plain', {}), undefined).state, 'none');
  });

  it('names the Secret, the key and what is wrong, in the field spec.tls.caSecret', () => {
    const missing = caFromSecret(trunk, undefined);
    assert.deepEqual(missing, {
      state: 'problem',
      reason: 'CASecretNotFound',
      message: 'spec.tls.caSecret: Secret "carrier-ca" not found',
    });
    const key = caFromSecret(trunk, secret({ 'tls.crt': a.ca }));
    assert.equal(
      key.state === 'problem' && key.message,
      'spec.tls.caSecret: Secret "carrier-ca" has no key "ca.crt"',
    );
    const text = caFromSecret(trunk, secret({ 'ca.crt': 'not a certificate' }));
    assert.equal(text.state === 'problem' && text.reason, 'CAInvalid');
    assert.match(text.state === 'problem' ? text.message : '', /holds no PEM certificate/);
    // A private key pasted by mistake is refused and never repeated.
    const keyPasted = caFromSecret(trunk, secret({ 'ca.crt': a.server.key }));
    assert.match(keyPasted.state === 'problem' ? keyPasted.message : '', /PEM block "PRIVATE KEY"/);
    assert.ok(!JSON.stringify(keyPasted).includes(a.server.key.split('\n')[1] ?? '-'));
    const broken = parseCaBundle('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----');
    assert.deepEqual(broken, { problem: 'holds a certificate that cannot be parsed' });
  });
});
