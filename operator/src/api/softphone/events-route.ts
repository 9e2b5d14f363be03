// GET /softphone/events: the signed-in agent's own line, pushed as it changes
// (server-sent events, event "line" with a LineState). Asterisk does not tell
// a WebSocket client that its endpoint is gone, so this is how the softphone
// learns of a rotation, suspension or deletion within moments instead of at
// its next REGISTER refresh. A suspension or deletion ends the stream (and
// the session with it); so does a session that stopped being valid. The
// agent's queue state (event "agent-state", an AgentStateView) comes the same
// way: a pause an admin set, the wrap-up after a call, a lost Asterisk. So
// does Asterisk's own state (event "asterisk", an AsteriskNotice): draining
// for an upgrade or a restart.
import type { FastifyInstance } from 'fastify';
import type { StateWatchers } from '../agentstate/state-watchers.ts';
import { lineAgentOf } from '../auth/principal.ts';
import { type ApiContext, requireRole } from '../context.ts';
import { HttpError } from '../errors.ts';
import type { AsteriskNotices } from './asterisk-notice.ts';
import { type EventStream, openEventStream } from './event-stream.ts';
import { type LineState, lineStateOf, sameLineState } from './line-state.ts';
import type { LineWatchers } from './line-watchers.ts';

export function registerSoftphoneEvents(
  app: FastifyInstance,
  ctx: ApiContext,
  watchers: LineWatchers,
  stateWatchers: StateWatchers,
  notices: AsteriskNotices,
): void {
  const { caches, settings, cookies } = ctx;
  const streams = new Set<EventStream>();
  // open streams would hold app.close() (and a SIGTERM) forever
  app.addHook('preClose', async () => {
    for (const stream of streams) stream.close();
  });

  app.get(
    '/softphone/events',
    { onRequest: requireRole('agent', 'supervisor') },
    (request, reply) => {
      const agent = lineAgentOf(request.principal);
      if (!agent) throw new HttpError(403, 'for accounts with a line of their own only');
      const name = agent.metadata.name;
      const cookie = request.cookies[cookies.session];
      let last: LineState | undefined;
      let unwatch = () => {};
      let unwatchState = () => {};
      let unwatchNotice = () => {};
      const stream = openEventStream(reply, {
        heartbeatMs: settings.eventsHeartbeatMs,
        retryMs: 1000,
        onHeartbeat: () => {
          // a changed login password or an expired session ends the stream too
          if (ctx.principal(cookie)?.sub === name) return;
          stream.send('signed-out', { reason: 'the session ended' });
          stream.close();
        },
        onClose: () => {
          unwatch();
          unwatchState();
          unwatchNotice();
          streams.delete(stream);
        },
      });
      streams.add(stream);
      const push = (line: LineState) => {
        if (sameLineState(last, line)) return;
        last = line;
        stream.send('line', line);
        if (line.state !== 'active') stream.close();
      };
      unwatch = watchers.watch(name, push);
      push(lineStateOf(caches.agents.get(name, settings.namespace)));
      let lastState = '';
      const pushState = () => {
        const view = ctx.agentStates.states(settings.namespace)?.view(name);
        const json = JSON.stringify(view ?? null);
        if (!view || json === lastState) return;
        lastState = json;
        stream.send('agent-state', view);
      };
      unwatchState = stateWatchers.watch(name, pushState);
      pushState();
      let lastNotice = '';
      const pushNotice = (notice = notices.now()) => {
        const json = JSON.stringify(notice);
        if (json === lastNotice) return;
        lastNotice = json;
        stream.send('asterisk', notice);
      };
      unwatchNotice = notices.watch(pushNotice);
      pushNotice();
    },
  );
}
