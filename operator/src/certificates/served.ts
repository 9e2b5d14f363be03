// Which certificate Asterisk serves now: a TLS handshake with its https/wss
// port (the HTTP server's TLS), reading the peer certificate and closing. The
// certificate is not verified: the question is which one it is, not whether
// to trust it (it may be self-signed, expired, or for another name).
import { connect } from 'node:tls';
import type { CertificateFacts } from '../crds/types.ts';
import { certificateFacts } from './certificate.ts';

export async function servedCertificate(
  host: string,
  port: number,
  timeoutMs = 5_000,
): Promise<CertificateFacts> {
  return await new Promise((resolve, reject) => {
    const socket = connect({
      host,
      port,
      // SNI only for names (an IP address in SNI is not allowed).
      ...(/^[\d.:]+$/.test(host) ? {} : { servername: host }),
      rejectUnauthorized: false,
      timeout: timeoutMs,
    });
    const fail = (message: string) => {
      socket.destroy();
      reject(new Error(`TLS handshake with ${host}:${port}: ${message}`));
    };
    let connected = false;
    socket.once('connect', () => {
      connected = true;
    });
    socket.once('timeout', () => fail(`no answer within ${timeoutMs} ms`));
    socket.once('error', (err) =>
      fail(
        connected
          ? // what Asterisk does once a broken pair was loaded (asterisk/README.md)
            `the port accepts connections but the TLS handshake fails (${err.message}): Asterisk's HTTP server may have turned TLS off after loading a broken certificate; restarting Asterisk recovers it`
          : err.message,
      ),
    );
    socket.once('secureConnect', () => {
      const peer = socket.getPeerX509Certificate();
      socket.end();
      if (!peer) return fail('no certificate presented');
      resolve(certificateFacts(peer));
    });
  });
}
