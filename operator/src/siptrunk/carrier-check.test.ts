// The operator's TLS check of a carrier against a real TLS server on loopback.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createServer, type Server } from 'node:tls';
import { type CaSigned, caSignedCertificate } from '../../../test/support/tls-certificate.ts';
import { checkCarrierCertificate, classifyTlsError } from './carrier-check.ts';

let carrier: CaSigned;
let other: CaSigned;
let server: Server;
let port: number;

before(async () => {
  [carrier, other] = await Promise.all([caSignedCertificate(), caSignedCertificate()]);
  server = createServer({ cert: carrier.server.cert, key: carrier.server.key }, (s) => s.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(() => server.close());

describe('checkCarrierCertificate', () => {
  it('verifies a certificate that chains to the CA and names the host', async () => {
    const got = await checkCarrierCertificate('127.0.0.1', port, carrier.ca, 'carrier-ca');
    assert.equal(got.ok, true, got.message);
  });

  it('says a certificate from another CA is untrusted, naming the Secret', async () => {
    const got = await checkCarrierCertificate('127.0.0.1', port, other.ca, 'carrier-ca');
    assert.equal(got.ok, false);
    assert.equal(got.ok === false && got.reason, 'CertificateUntrusted');
    assert.match(got.message, /does not chain to a CA in Secret "carrier-ca"/);
  });

  it('says a certificate for another name does not name the host', async () => {
    const got = await checkCarrierCertificate('localhost', port, carrier.ca, 'carrier-ca');
    assert.equal(got.ok === false && got.reason, 'CertificateNameMismatch');
  });

  it('knows nothing of a carrier that does not answer', async () => {
    const closed = createServer({});
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const gone = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const got = await checkCarrierCertificate('127.0.0.1', gone, carrier.ca, 'carrier-ca');
    assert.equal(got.ok, undefined);
    assert.match(got.message, /ECONNREFUSED/);
    assert.equal(classifyTlsError('CERT_HAS_EXPIRED', 'h:1', 's').ok, false);
  });
});
