// GET /monitor/events: the supervisors' wallboard as server-sent events.
// Event "snapshot" first (every queue and agent: WallboardSnapshot), then
// "change" (only rows that changed, at most one message per COALESCE_MS:
// WallboardChange); comment lines as heartbeats. Each (re)connect of the
// browser's EventSource gets a fresh snapshot, so nothing missed during a
// drop stays missing. Same guard as GET /monitor/queues (an admin or
// supervisor session, or an agents:read token); the session or token is checked again at every
// heartbeat and the stream ends when it no longer holds. Only the leader
// reads Asterisk: a follower relays the leader's stream (stream-proxy.ts).
import type { FastifyInstance } from 'fastify';
import { wasForwarded } from '../agentstate/forward.ts';
import { accessOf } from '../auth/access.ts';
import { bearerToken } from '../auth/api-tokens.ts';
import { type ApiContext, requireScope } from '../context.ts';
import { HttpError } from '../errors.ts';
import { type EventStream, openEventStream } from '../softphone/event-stream.ts';
import { proxyEventStream } from './stream-proxy.ts';
import { WallboardHub } from './wallboard-hub.ts';

export function registerMonitorEvents(app: FastifyInstance, ctx: ApiContext): void {
  const ns = ctx.settings.namespace;
  const hub = new WallboardHub({
    namespace: ns,
    tracker: () => ctx.monitor.queues(ns),
    states: () => ctx.agentStates.states(ns),
    onAgentStates: (cb) => ctx.agentStates.onChange(cb),
    registered: (endpoint) => ctx.monitor.registered?.(ns, endpoint) ?? false,
    onRegistrations: (cb) => ctx.monitor.onRegistrations?.(cb),
    agents: ctx.caches.agents,
  });
  const open = new Set<() => void>();
  // open streams would hold app.close() (and a SIGTERM) forever
  app.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });
  const track = (end: () => void) => {
    open.add(end);
    return () => void open.delete(end);
  };

  const guard = requireScope('agents:read', 'supervisor');
  app.get('/monitor/events', { onRequest: guard }, async (request, reply) => {
    if (!hub.available) {
      const endpoint = wasForwarded(request) ? undefined : ctx.agentStates.leaderEndpoint?.();
      if (endpoint) return proxyEventStream(endpoint, request, reply, track);
      throw new HttpError(
        503,
        'the live wallboard is not available on this replica right now; try again',
      );
    }
    const cookie = request.cookies[ctx.cookies.session];
    const bearer = request.apiToken ? bearerToken(request.headers.authorization) : undefined;
    let unsubscribe = () => {};
    let untrack = () => {};
    const stream: EventStream = openEventStream(reply, {
      heartbeatMs: ctx.settings.eventsHeartbeatMs,
      retryMs: 1000,
      onHeartbeat: () => {
        // a changed password, an expired session, a supervisor no longer one
        // or a revoked token ends the stream
        if (bearer === undefined) {
          const role = ctx.principal(cookie)?.role;
          if (!role || !accessOf(guard)?.roles.includes(role)) stream.close();
          return;
        }
        void ctx.tokens.verify(bearer).then(
          (v) => {
            if (!v.ok || !v.record.scopes.includes('agents:read')) stream.close();
          },
          () => stream.close(),
        );
      },
      onClose: () => {
        unsubscribe();
        untrack();
      },
    });
    untrack = track(() => stream.close());
    const sub = hub.subscribe((change) => stream.send('change', change));
    unsubscribe = sub.unsubscribe;
    stream.send('snapshot', sub.snapshot);
  });
}
