// A KubeConfig whose API requests share connections. client-node 2.0.1 builds
// a new undici Agent for every request (applySecurityAuthentication calls
// createDispatcher, uncached), so every call opened a fresh TLS connection with
// a fresh secure context: in a 1,000-agent burst that was most of the operator's
// CPU (TLS handshakes, certificate parsing), and the API server's side of every
// handshake too. Here one dispatcher per TLS identity is kept and reused.
// Auth headers are still applied per request (token files and exec plugins
// refresh as before); a change of TLS material (e.g. a rotated client
// certificate) gets a new dispatcher, and the old one closes once its requests end.
import type { RequestOptions } from 'node:https';
import { type ConnectOptions, KubeConfig, type RequestContext } from '@kubernetes/client-node';
import { Agent, type Dispatcher } from 'undici';

export class PooledKubeConfig extends KubeConfig {
  #current: { connect: ConnectOptions; dispatcher: Dispatcher } | undefined;

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    const opts: RequestOptions = {};
    await this.applyToHTTPSOptions(opts);
    const dispatcherOptions = this.createDispatcherOptions(this.getCurrentCluster(), {
      ca: opts.ca,
      cert: opts.cert,
      key: opts.key,
      pfx: opts.pfx,
      passphrase: opts.passphrase,
      ...(opts.rejectUnauthorized !== undefined
        ? { rejectUnauthorized: opts.rejectUnauthorized }
        : {}),
      ...(opts.servername !== undefined ? { servername: opts.servername } : {}),
    });
    // Proxies are rare here: left to client-node as they are.
    if (dispatcherOptions.type === 'proxy' || dispatcherOptions.type === 'socks')
      return super.applySecurityAuthentication(context);

    if (opts.auth)
      context.setHeaderParam('Authorization', `Basic ${Buffer.from(opts.auth).toString('base64')}`);
    for (const [name, value] of Object.entries(opts.headers ?? {}))
      if (value !== undefined) context.setHeaderParam(name, String(value));
    if (dispatcherOptions.type === 'agent')
      context.setDispatcher(this.#dispatcher(dispatcherOptions.connect));
  }

  /** Closes the pooled connections (for a clean shutdown). */
  async close(): Promise<void> {
    const current = this.#current;
    this.#current = undefined;
    await current?.dispatcher.close();
  }

  #dispatcher(connect: ConnectOptions): Dispatcher {
    if (this.#current && sameTls(this.#current.connect, connect)) return this.#current.dispatcher;
    // close() lets requests in flight (and open watches) finish on the old one.
    this.#current?.dispatcher.close().catch(() => {});
    this.#current = { connect, dispatcher: new Agent({ connect }) };
    return this.#current.dispatcher;
  }
}

/** Same TLS settings: every field equal, Buffers by content (client-node reads files afresh per request). */
function sameTls(a: ConnectOptions, b: ConnectOptions): boolean {
  const keys = Object.keys(a) as (keyof ConnectOptions)[];
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => {
    const x = a[k];
    const y = b[k];
    return Buffer.isBuffer(x) && Buffer.isBuffer(y) ? x.equals(y) : x === y;
  });
}
