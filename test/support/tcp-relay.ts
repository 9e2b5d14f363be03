// A TCP relay on loopback for fault tests: cut() drops every connection
// through it, as a network blip would; the client on the near side
// reconnects through it. `lastConnectedAt` tells when it did
// (performance.now()), `setTarget` points new connections elsewhere (a
// restarted server on another port).
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';

export interface TcpRelay {
  readonly port: number;
  /** performance.now() of the last connection accepted. */
  readonly lastConnectedAt: number;
  /** Drops every connection; answers how many sockets it closed. */
  cut(): number;
  setTarget(port: number): void;
  close(): Promise<void>;
}

export async function startTcpRelay(targetPort: number): Promise<TcpRelay> {
  const sockets = new Set<Socket>();
  let target = targetPort;
  let lastConnectedAt = 0;
  const server: Server = createServer((inbound) => {
    lastConnectedAt = performance.now();
    const outbound = tcpConnect(target, '127.0.0.1');
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('close', () => {
        sockets.delete(s);
        // one side gone: the other goes too
        inbound.destroy();
        outbound.destroy();
      });
      s.on('error', () => undefined);
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    get lastConnectedAt() {
      return lastConnectedAt;
    },
    cut() {
      const n = sockets.size;
      for (const s of sockets) s.destroy();
      return n;
    },
    setTarget(port) {
      target = port;
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
