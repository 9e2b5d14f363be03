// Pods reach the API server as the `kubernetes` Service, whose endpoint is the
// address kube-apiserver advertises: the node's (control-plane.ts). The API
// server itself listens on loopback only, which Pods cannot reach, so this
// forwards the node's address and the same port to it, byte for byte (TLS
// passes through: Pods verify the API server's own certificate).
import { createConnection, createServer, type Socket } from 'node:net';

export interface ApiForwarder {
  close(): Promise<void>;
}

export async function forwardApiServer(nodeIp: string, apiPort: number): Promise<ApiForwarder> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: apiPort });
    track(client);
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(apiPort, nodeIp, () => resolve());
  });
  // A test process whose node was never stopped (a failed test) still exits.
  server.unref();
  return {
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
