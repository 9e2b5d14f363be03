// The operator's own look at a tls carrier's certificate: a TLS handshake with
// the CA bundle the trunk names and the trunk's host as the name to verify,
// exactly what Asterisk's verify_server demands. Asterisk says only that a
// registration failed (AMI Registry carries no cause); this says why, in
// status (CarrierVerified). The handshake sends no SIP and ends at once.
import { isIP } from 'node:net';
import { connect } from 'node:tls';
import type { CarrierCheck } from './status.ts';

/** How long a handshake may take before the carrier counts as not answering. */
export const CHECK_TIMEOUT_MS = 3_000;

const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
]);
const EXPIRED = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

/** Pure: the check's result for a handshake error code (Node's and OpenSSL's codes). */
export function classifyTlsError(
  code: string | undefined,
  where: string,
  caSecret: string,
): CarrierCheck {
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return {
      ok: false,
      reason: 'CertificateNameMismatch',
      message: `the certificate of ${where} does not name the trunk's host (spec.host); Asterisk refuses the connection`,
    };
  if (code !== undefined && EXPIRED.has(code))
    return {
      ok: false,
      reason: 'CertificateExpired',
      message: `the certificate of ${where} is expired or not valid yet (${code}); Asterisk refuses the connection`,
    };
  if (code !== undefined && UNTRUSTED.has(code))
    return {
      ok: false,
      reason: 'CertificateUntrusted',
      message: `the certificate of ${where} does not chain to a CA in Secret "${caSecret}" (spec.tls.caSecret: ${code}); Asterisk refuses the connection`,
    };
  return {
    ok: undefined,
    message: `no TLS handshake with ${where} (${code ?? 'no answer'}): the certificate could not be checked`,
  };
}

/** One handshake with host:port trusting only `ca` (PEM). */
export function checkCarrierCertificate(
  host: string,
  port: number,
  ca: string,
  caSecret: string,
  timeoutMs = CHECK_TIMEOUT_MS,
): Promise<CarrierCheck> {
  const where = `${host}:${port}`;
  return new Promise((resolve) => {
    const socket = connect({
      host,
      port,
      ca,
      // SNI only for names (RFC 6066); the identity check covers IP addresses too.
      ...(isIP(host) ? {} : { servername: host }),
      rejectUnauthorized: true,
      timeout: timeoutMs,
    });
    const done = (result: CarrierCheck) => {
      socket.destroy();
      resolve(result);
    };
    socket.once('secureConnect', () =>
      done({
        ok: true,
        message: `the certificate of ${where} chains to a CA in Secret "${caSecret}" and names ${host}`,
      }),
    );
    socket.once('timeout', () => done(classifyTlsError(undefined, where, caSecret)));
    socket.once('error', (err: NodeJS.ErrnoException) =>
      done(classifyTlsError(err.code, where, caSecret)),
    );
  });
}
