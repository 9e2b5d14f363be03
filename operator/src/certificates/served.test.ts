import assert from 'node:assert/strict';
import { createServer as createTcpServer, type Server } from 'node:net';
import { after, describe, it } from 'node:test';
import { createServer } from 'node:tls';
import { selfSignedCertificate } from '../../../test/support/tls-certificate.ts';
import { parseCertificatePem } from './certificate.ts';
import { servedCertificate } from './served.ts';

const servers: Server[] = [];
after(() => {
  for (const s of servers) s.close();
});

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

describe('served certificate', () => {
  it('is the certificate a TLS server presents, self-signed or not', async () => {
    const pair = await selfSignedCertificate({ days: 3 });
    const port = await listen(createServer({ cert: pair.cert, key: pair.key }));
    assert.deepEqual(await servedCertificate('127.0.0.1', port), parseCertificatePem(pair.cert));
  });

  it('tells a port that accepts but fails TLS (Asterisk with TLS turned off) from a closed one', async () => {
    const port = await listen(createTcpServer((socket) => socket.destroy()));
    await assert.rejects(
      servedCertificate('127.0.0.1', port),
      /accepts connections but the TLS handshake fails.*restarting Asterisk/,
    );
    // a port that was just free: listened on, then closed
    const gone = createTcpServer();
    const closed = await listen(gone);
    servers.pop();
    await new Promise((resolve) => gone.close(resolve));
    await assert.rejects(
      servedCertificate('127.0.0.1', closed),
      (err: Error) => /ECONNREFUSED/.test(err.message) && !/TLS handshake fails/.test(err.message),
    );
  });
});
