// Test helper: a plain-HTTP front for the real kube-apiserver that a test can
// make misbehave the way a real one does, without taking down the control plane
// other test files share: drop every connection (a crash, a network blip), go
// down (connection refused), swallow requests (an unresponsive server), and
// answer the next watch with 410 Gone (the stream the API server sends when a
// resourceVersion has been compacted away). Everything else is forwarded as is,
// with the admin client certificate of the given KubeConfig.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import type { Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

/** The watch event kube-apiserver sends for a compacted resourceVersion (then it ends the stream). */
const EXPIRED_EVENT = {
  type: 'ERROR',
  object: {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'too old resource version: 1 (2)',
    reason: 'Expired',
    code: 410,
  },
};

export class ApiShim {
  /** A KubeConfig whose requests go through the shim. */
  readonly kc: KubeConfig;
  /** Requests seen, by kind. */
  readonly seen = { lists: 0, watches: 0, other: 0 };
  readonly #server: Server;
  readonly #port: number;
  readonly #target: URL;
  readonly #tls: RequestOptions;
  readonly #sockets = new Set<Socket>();
  readonly #held = new Set<ServerResponse>();
  #blackhole = false;
  #expireWatches = 0;

  static async start(upstream: KubeConfig): Promise<ApiShim> {
    const cluster = upstream.getCurrentCluster();
    if (!cluster) throw new Error('no current cluster');
    const tls: RequestOptions = {};
    await upstream.applyToHTTPSOptions(tls);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    return new ApiShim(server, address.port, new URL(cluster.server), tls);
  }

  private constructor(server: Server, port: number, target: URL, tls: RequestOptions) {
    this.#server = server;
    this.#port = port;
    this.#target = target;
    this.#tls = { ca: tls.ca, cert: tls.cert, key: tls.key, agent: false };
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    server.on('request', (req, res) => this.#handle(req, res));
    this.kc = new KubeConfig();
    this.kc.loadFromOptions({
      clusters: [
        {
          name: 'shim',
          server: `http://127.0.0.1:${port}`,
          skipTLSVerify: true /* plain HTTP: client-node insists */,
        },
      ],
      users: [{ name: 'shim' }],
      contexts: [{ name: 'shim', cluster: 'shim', user: 'shim' }],
      currentContext: 'shim',
    });
  }

  /** Resets every open connection, watches included: what clients see when the API server crashes. */
  dropConnections(): void {
    for (const socket of this.#sockets) socket.destroy();
  }

  /** Stops listening and drops every connection: new ones are refused until up(). */
  async down(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.dropConnections();
    await closed;
  }

  async up(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(this.#port, '127.0.0.1', resolve));
  }

  /** Accepts requests and never answers them (on) or lets them through again (off). */
  blackhole(on: boolean): void {
    this.#blackhole = on;
    if (on) {
      this.dropConnections(); // requests on kept-alive connections must not slip through either
    } else {
      for (const res of this.#held) res.destroy();
      this.#held.clear();
    }
  }

  /** Answers the next `count` watch requests with 410 Gone. */
  expireNextWatches(count = 1): void {
    this.#expireWatches = count;
  }

  async close(): Promise<void> {
    this.blackhole(false);
    if (this.#server.listening) await this.down();
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://shim');
    const watch = url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1';
    if (watch) this.seen.watches++;
    else if (req.method === 'GET' && !/\/namespaces\/[^/]+\/[^/]+\/[^/]+$/.test(url.pathname))
      this.seen.lists++;
    else this.seen.other++;

    if (this.#blackhole) {
      this.#held.add(res);
      res.on('close', () => this.#held.delete(res));
      return;
    }
    if (watch && this.#expireWatches > 0) {
      this.#expireWatches--;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify(EXPIRED_EVENT)}\n`);
      return;
    }
    const upstream = httpsRequest(
      {
        ...this.#tls,
        hostname: this.#target.hostname,
        port: this.#target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: this.#target.host },
      },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        res.flushHeaders(); // a watch answers its headers at once, before any event
        upstreamRes.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    // The client went away (or was dropped): end the upstream request, watches included.
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  }
}
