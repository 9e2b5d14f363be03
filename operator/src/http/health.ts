// Liveness, readiness and Prometheus metrics on one small HTTP server. Three
// fixed paths need no router; the web UI's API (its own issue) brings one.
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export interface HealthSources {
  readonly ready: () => boolean;
  readonly registry: Registry;
}

export function createHealthServer(sources: HealthSources): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else if (path === '/readyz') {
      const ready = sources.ready();
      res
        .writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' })
        .end(ready ? 'ok\n' : 'caches not synced\n');
    } else if (path === '/metrics') {
      sources.registry
        .metrics()
        .then((body) =>
          res.writeHead(200, { 'content-type': sources.registry.contentType }).end(body),
        )
        .catch(() => res.writeHead(500).end());
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  });
}
