// Reads one object from the local cluster's API as its admin (the node's
// start waits on Node and Pod status without spawning a kubectl per poll).
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import type { ClusterCertificates } from './certificates.ts';

/** GETs `path` from `server`; undefined when it fails or is not 200. */
export function apiGet(
  server: string,
  c: ClusterCertificates,
  path: string,
): Promise<unknown | undefined> {
  return new Promise((resolve) => {
    const req = request(
      `${server}${path}`,
      {
        ca: readFileSync(c.caCert),
        cert: readFileSync(c.adminCert),
        key: readFileSync(c.adminKey),
        timeout: 5000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          if (res.statusCode !== 200) return resolve(undefined);
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch {
            resolve(undefined);
          }
        });
      },
    );
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}
