// Liveness, readiness (503 until the caches are synced) and Prometheus
// metrics: the same paths, bodies and status codes the operator always had.
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export function registerHealthRoutes(
  app: FastifyInstance,
  sources: { readonly ready: () => boolean; readonly registry: Registry },
): void {
  const notGet = async (_: unknown, reply: import('fastify').FastifyReply) =>
    reply.code(405).header('allow', 'GET').send();
  for (const path of ['/healthz', '/readyz', '/metrics']) {
    app.route({ method: ['POST', 'PUT', 'PATCH', 'DELETE'], url: path, handler: notGet });
  }
  app.get('/healthz', async (_, reply) => reply.type('text/plain').send('ok\n'));
  app.get('/readyz', async (_, reply) => {
    const ready = sources.ready();
    return reply
      .code(ready ? 200 : 503)
      .type('text/plain')
      .send(ready ? 'ok\n' : 'caches not synced\n');
  });
  app.get('/metrics', async (_, reply) =>
    reply.type(sources.registry.contentType).send(await sources.registry.metrics()),
  );
}
