// Self-signed EC certificates made by openssl, for Asterisk's wss and DTLS in
// tests: valid for 127.0.0.1 (SAN) for the days asked, so an expiring and a
// renewed certificate are real ones, not edited facts.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
