// The public facts of an X.509 certificate, from PEM, with node:crypto's
// X509Certificate (no dependency), and whether a private key belongs to it.
// Pure. Nothing of a private key is ever returned or kept.
import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { rfc3339 } from '../clients/time.ts';
import type { CertificateFacts } from '../crds/types.ts';

const DAY_MS = 86_400_000;

export function certificateFacts(cert: X509Certificate): CertificateFacts {
  return {
    serial: cert.serialNumber.toUpperCase(),
    // One line: X509Certificate separates the RDNs with newlines.
    subject: cert.subject.split('\n').join(', '),
    notBefore: rfc3339(cert.validFromDate),
    notAfter: rfc3339(cert.validToDate),
    fingerprint: cert.fingerprint256,
  };
}

/** The first certificate of a PEM bundle (the leaf, in a cert-manager tls.crt with its chain). */
function leafCertificate(pem: string | Buffer): X509Certificate {
  const text = typeof pem === 'string' ? pem : pem.toString('utf8');
  const block = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(text);
  if (!block) throw new Error('no PEM certificate block');
  try {
    return new X509Certificate(block[0]);
  } catch {
    throw new Error('the PEM certificate block does not parse');
  }
}

/** The leaf's facts. Throws a message that names no content when there is none. */
export function parseCertificatePem(pem: string | Buffer): CertificateFacts {
  return certificateFacts(leafCertificate(pem));
}

/**
 * What is wrong with a tls.crt/tls.key pair, if anything. Asterisk must never
 * be asked to load a pair that does not match: its HTTP server then turns TLS
 * off and keeps it off through later reloads (asterisk/README.md). The key is only used for
 * this check, never kept, and no message repeats any of it.
 */
export function keyPairProblem(
  certPem: string | Buffer,
  keyPem: string | Buffer,
): string | undefined {
  let cert: X509Certificate;
  try {
    cert = leafCertificate(certPem);
  } catch (err) {
    return `tls.crt: ${(err as Error).message}`;
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch {
    return 'tls.key: no PEM private key that parses';
  }
  if (key.asymmetricKeyType !== cert.publicKey.asymmetricKeyType || !cert.checkPrivateKey(key))
    return 'tls.key is not the private key of the certificate in tls.crt';
  return undefined;
}

/** Days from `now` until the certificate expires (negative once expired). */
export function daysLeft(facts: Pick<CertificateFacts, 'notAfter'>, now: Date): number {
  return (Date.parse(facts.notAfter) - now.getTime()) / DAY_MS;
}

/** Same certificate: the fingerprint covers every byte of it. */
export function sameCertificate(
  a: Pick<CertificateFacts, 'fingerprint'> | undefined,
  b: Pick<CertificateFacts, 'fingerprint'> | undefined,
): boolean {
  return a !== undefined && b !== undefined && a.fingerprint === b.fingerprint;
}

/** For messages and Events: serial and expiry, never anything secret. */
export function describeCertificate(facts: CertificateFacts): string {
  return `serial ${facts.serial} (${facts.subject || 'no subject'}, expires ${facts.notAfter})`;
}
