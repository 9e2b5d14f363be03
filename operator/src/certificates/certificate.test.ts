import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { selfSignedCertificate } from '../../../test/support/tls-certificate.ts';
import {
  daysLeft,
  describeCertificate,
  keyPairProblem,
  parseCertificatePem,
} from './certificate.ts';

// Made once with: openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes
//   -days 3650 -subj /CN=unit.test -addext subjectAltName=IP:127.0.0.1 -set_serial 0x1F2E3D
// The expected facts are openssl's own (x509 -noout -serial -dates -fingerprint -sha256).
const PEM = `-----BEGIN CERTIFICATE-----
MIIBfTCCASOgAwIBAgIDHy49MAoGCCqGSM49BAMCMBQxEjAQBgNVBAMMCXVuaXQu
dGVzdDAeFw0yNjEyMDYwMjI2MTFaFw0zNjEyMDMwMjI2MTFaMBQxEjAQBgNVBAMM
CXVuaXQudGVzdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABDv4g8VDKzk0W90W
Pi96xX/zWEJMPN7zs+hJJkZZx1GNBObsOI2NsqCuhgk2OYlw4EaA8zdObt3SPy4l
w6938bejZDBiMB0GA1UdDgQWBBRLUDBp4Ixrf1oKE87Bh80qdOTpqjAfBgNVHSME
GDAWgBRLUDBp4Ixrf1oKE87Bh80qdOTpqjAPBgNVHRMBAf8EBTADAQH/MA8GA1Ud
EQQIMAaHBH8AAAEwCgYIKoZIzj0EAwIDSAAwRQIgKwHlr13wcMQH9zLlqw+0WTU2
csMJNLQOevEeHLMGkEMCIQCtOW7cd/yzDOoyDhkO0MiHwAoMBL43Y7tcUq2nb+mF
bQ==
-----END CERTIFICATE-----
`;

const FACTS = {
  serial: '1F2E3D',
  subject: 'CN=unit.test',
  notBefore: '2026-12-06T02:26:11Z',
  notAfter: '2036-12-03T02:26:11Z',
  fingerprint:
    '12:10:C1:0D:42:B0:39:5E:CA:E1:6B:E1:EE:FE:71:EB:59:3B:09:FA:CB:D3:7E:32:4F:0F:FE:32:0B:7E:8E:74',
};

describe('certificate facts', () => {
  it('reads serial, subject, validity and the SHA-256 fingerprint as openssl shows them', () => {
    assert.deepEqual(parseCertificatePem(PEM), FACTS);
    assert.deepEqual(parseCertificatePem(Buffer.from(PEM)), FACTS);
  });

  it('takes the leaf, the first certificate of a bundle with its chain', () => {
    // a second block that would not parse: taking it instead of the first throws
    const chain = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    assert.deepEqual(parseCertificatePem(`${PEM}${chain}`), FACTS);
    // text before the block (cert-manager bundles have none, hand-made ones may)
    assert.deepEqual(parseCertificatePem(`subject=CN=unit.test\n${PEM}`), FACTS);
  });

  it('refuses what is no certificate without repeating its content', () => {
    assert.throws(
      () => parseCertificatePem('-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----'),
      {
        message: 'no PEM certificate block',
      },
    );
    const broken = '-----BEGIN CERTIFICATE-----\nc2VjcmV0\n-----END CERTIFICATE-----';
    assert.throws(
      () => parseCertificatePem(broken),
      (err: Error) =>
        err.message === 'the PEM certificate block does not parse' &&
        !err.message.includes('c2VjcmV0'),
    );
  });

  it('counts the days left, negative once expired', () => {
    assert.equal(daysLeft(FACTS, new Date('2036-11-23T02:26:11Z')), 10);
    assert.equal(daysLeft(FACTS, new Date('2036-12-04T14:26:11Z')), -1.5);
  });

  it('describes a certificate by serial, subject and expiry', () => {
    assert.equal(
      describeCertificate(FACTS),
      'serial 1F2E3D (CN=unit.test, expires 2036-12-03T02:26:11Z)',
    );
  });

  it('accepts a key pair only when tls.key is the private key of tls.crt', async () => {
    const [a, b] = await Promise.all([
      selfSignedCertificate({ days: 1 }),
      selfSignedCertificate({ days: 1 }),
    ]);
    assert.equal(keyPairProblem(a.cert, a.key), undefined);
    assert.equal(keyPairProblem(`${a.cert}${b.cert}`, a.key), undefined, 'the leaf counts');
    const mismatch = keyPairProblem(b.cert, a.key);
    assert.equal(mismatch, 'tls.key is not the private key of the certificate in tls.crt');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    assert.equal(keyPairProblem(a.cert, rsa), mismatch, 'another key type');
    assert.equal(keyPairProblem(a.cert, 'not a key'), 'tls.key: no PEM private key that parses');
    assert.equal(keyPairProblem('nothing', a.key), 'tls.crt: no PEM certificate block');
    // no message carries any of the key
    const body = a.key.split('\n')[1] ?? '';
    for (const m of [mismatch, keyPairProblem(a.cert, 'not a key')])
      assert.ok(!String(m).includes(body.slice(0, 16)));
  });
});
