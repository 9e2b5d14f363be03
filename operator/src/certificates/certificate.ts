// The public facts of an X.509 certificate, from PEM or DER, with node:crypto's
// X509Certificate (no dependency). Pure. Only the certificate is ever parsed
// here: a private key never passes through this module.
import { X509Certificate } from 'node:crypto';
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

/**
 * The first certificate of a PEM bundle (the leaf, in a cert-manager tls.crt
 * with its chain). Throws a message that names no content when it is none.
 */
export function parseCertificatePem(pem: string | Buffer): CertificateFacts {
  const text = typeof pem === 'string' ? pem : pem.toString('utf8');
  const block = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(text);
  if (!block) throw new Error('no PEM certificate block');
  try {
    return certificateFacts(new X509Certificate(block[0]));
  } catch {
    throw new Error('the PEM certificate block does not parse');
  }
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
