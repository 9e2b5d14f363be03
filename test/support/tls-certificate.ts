// Self-signed EC certificates made by openssl, for Asterisk's wss and DTLS in
// tests: valid for 127.0.0.1 (SAN) for the days asked, so an expiring and a
// renewed certificate are real ones, not edited facts.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TlsCertificate {
  /** PEM */
  readonly cert: string;
  /** PEM (a test key: never a real one) */
  readonly key: string;
}

export async function selfSignedCertificate(
  options: { days: number; commonName?: string } = { days: 90 },
): Promise<TlsCertificate> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-cert-'));
  try {
    const [key, cert] = [join(dir, 'tls.key'), join(dir, 'tls.crt')];
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      String(options.days),
      '-subj',
      `/CN=${options.commonName ?? 'asterisk.test'}`,
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ]);
    return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A CA and a server certificate it signed (e.g. a carrier's). */
export interface CaSigned {
  /** PEM of the CA certificate (what a SipTrunk's tls.caSecret holds). */
  readonly ca: string;
  readonly server: TlsCertificate;
}

/**
 * A fresh CA (EC P-256) and a server certificate it signed for `san`
 * (openssl's subjectAltName syntax, e.g. "IP:127.0.0.1").
 */
export async function caSignedCertificate(
  options: { commonName: string; san: string; days?: number } = {
    commonName: 'carrier.test',
    san: 'IP:127.0.0.1',
  },
): Promise<CaSigned> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-ca-'));
  const f = (name: string) => join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const days = String(options.days ?? 30);
  try {
    await run('openssl', [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      f('ca.key'),
      '-out',
      f('ca.crt'),
      '-days',
      days,
      '-subj',
      `/CN=Test CA for ${options.commonName}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    await run('openssl', [
      'req',
      ...ec,
      '-keyout',
      f('tls.key'),
      '-out',
      f('tls.csr'),
      '-subj',
      `/CN=${options.commonName}`,
    ]);
    const ext = f('ext.cnf');
    writeFileSync(
      ext,
      `subjectAltName=${options.san}\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n`,
    );
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      f('tls.csr'),
      '-CA',
      f('ca.crt'),
      '-CAkey',
      f('ca.key'),
      '-CAcreateserial',
      '-out',
      f('tls.crt'),
      '-days',
      days,
      '-extfile',
      ext,
    ]);
    return {
      ca: readFileSync(f('ca.crt'), 'utf8'),
      server: { cert: readFileSync(f('tls.crt'), 'utf8'), key: readFileSync(f('tls.key'), 'utf8') },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
