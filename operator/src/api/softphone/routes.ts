// The softphone's settings: where to connect and which ICE servers to use,
// with TURN REST credentials minted per agent for this request only.
import type { FastifyInstance } from 'fastify';
import { iceServersFor } from '../../webrtcconfig/ice-servers.ts';
import { lineAgentOf } from '../auth/principal.ts';
import { type ApiContext, requireRole } from '../context.ts';
import { HttpError } from '../errors.ts';
import { directoryOf } from './directory.ts';

export function registerSoftphoneRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { caches, settings, writes } = ctx;
  const ns = settings.namespace;

  // Transfer targets by name (directory.ts): read from the caches, never the API server.
  app.get(
    '/softphone/directory',
    { onRequest: requireRole('agent', 'supervisor', 'admin') },
    async (request, reply) => {
      const p = request.principal;
      reply.header('cache-control', 'no-store');
      return {
        entries: directoryOf(
          caches.agents.list(ns),
          caches.queues.list(ns),
          caches.configs.get('default', ns),
          lineAgentOf(p)?.metadata.name,
        ),
      };
    },
  );

  app.get(
    '/softphone/config',
    { onRequest: requireRole('agent', 'supervisor', 'admin') },
    async (request, reply) => {
      const config = caches.configs.get('default', ns);
      if (!config) throw new HttpError(404, `namespace ${ns} has no WebRTCConfig "default" yet`);
      const p = request.principal;
      const agent = lineAgentOf(p);
      // TURN Secrets are the platform team's own (not cached): read the few referenced now.
      const names = new Set<string>();
      for (const t of config.spec.iceServers.turnServers ?? []) {
        const name = t.sharedSecret?.name ?? t.credentialsSecret?.name;
        if (name) names.add(name);
      }
      const values = new Map<string, Record<string, string> | undefined>();
      for (const name of names) values.set(name, await writes.readSecretValues(name));
      const turnUser = agent?.status?.sipUsername ?? agent?.metadata.name ?? 'admin';
      const iceServers = iceServersFor(
        config.spec,
        (name, key) => values.get(name)?.[key],
        turnUser,
        new Date(),
      );
      reply.header('cache-control', 'no-store');
      return {
        wsUrl: config.spec.asteriskWsUrl,
        iceServers,
        ...(agent
          ? {
              username: agent.status?.sipUsername ?? null,
              extension: agent.status?.extension ?? null,
              displayName: agent.spec.displayName,
            }
          : {}),
        // The codes of the note form (notes-route.ts), in the admin's order.
        dispositions: config.spec.dispositions ?? [],
      };
    },
  );
}
