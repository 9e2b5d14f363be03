// GET /monitor/queues: every queue's waiting callers now (position, caller,
// how long), the longest wait, the service level, from the leader's live
// model (the monitoring issue's wallboard builds on it). A follower forwards
// the request to the leader like agent state changes. The wallboard's live
// feed, GET /monitor/events, is in events-route.ts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { longestWaitSeconds } from '../../monitoring/queue-model.ts';
import type { QueueTracker } from '../../monitoring/queue-tracker.ts';
import { forwardToLeader, wasForwarded } from '../agentstate/forward.ts';
import { type ApiContext, requireScope } from '../context.ts';
import { HttpError } from '../errors.ts';
import { registerMonitorEvents } from './events-route.ts';

/** What the API needs of the live queues (the leader's AsteriskConnections). */
export interface MonitorAccess {
  queues(namespace: string): QueueTracker | undefined;
  /** Whether an endpoint has a reachable contact (the leader's view of Asterisk's registrations). */
  registered?(namespace: string, endpoint: string): boolean;
  /** Agents whose registration may have changed ('all': every one of the namespace). */
  onRegistrations?(cb: (namespace: string, agents: readonly string[] | 'all') => void): void;
}

export function registerMonitorRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const ns = ctx.settings.namespace;
  const toLeader = async (request: FastifyRequest, reply: FastifyReply) => {
    if (ctx.monitor.queues(ns) || wasForwarded(request)) return;
    const endpoint = ctx.agentStates.leaderEndpoint?.();
    if (endpoint) return forwardToLeader(endpoint, request, reply);
  };

  registerMonitorEvents(app, ctx);

  app.get(
    '/monitor/queues',
    { onRequest: requireScope('agents:read', 'supervisor'), preHandler: toLeader },
    async (_request, reply) => {
      const tracker = ctx.monitor.queues(ns);
      if (!tracker)
        throw new HttpError(
          503,
          'the live queues are not available on this replica right now; try again',
        );
      reply.header('cache-control', 'no-store');
      const now = Date.now();
      return {
        live: tracker.synced,
        queues: tracker.model.queues().map((q) => ({
          name: q.name,
          serviceLevelSeconds: q.serviceLevelSeconds,
          longestWaitSeconds: longestWaitSeconds(q, now),
          waiting: q.waiting.map((c) => ({
            position: c.position,
            channel: c.channel,
            uniqueid: c.uniqueid,
            callerNumber: c.callerNumber,
            callerName: c.callerName,
            waitSeconds: Math.max(0, Math.round((now - c.joinedAt) / 1000)),
          })),
        })),
      };
    },
  );
}
