// Agent states over HTTP: an agent reads and changes its own
// (GET|PUT /softphone/state), an admin anyone's (GET /hr/agent-states,
// PUT /hr/users/:id/state). The change goes to Asterisk over the AMI
// connection of the replica that holds it (the leader); a follower forwards
// the request there (forward.ts), and answers 503 only while no leader is known.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AgentStates } from '../../agentstate/agent-states.ts';
import type { AgentIntent, AgentStateView } from '../../agentstate/types.ts';
import { describeError } from '../../clients/errors.ts';
import { DEFAULT_PAUSE_REASONS } from '../../crds/webrtcconfig.crd.ts';
import { lineAgentOf } from '../auth/principal.ts';
import { type ApiContext, requireRole, requireScope } from '../context.ts';
import { HttpError, invalidBody } from '../errors.ts';
import { forwardToLeader, wasForwarded } from './forward.ts';
import { validateStateBody } from './schemas.ts';

/** What the API needs of the agent states (the leader's AsteriskConnections). */
export interface AgentStateAccess {
  /** The namespace's agent states, when this replica steers its Asterisk. */
  states(namespace: string): AgentStates | undefined;
  onChange(cb: (namespace: string, agents: readonly string[]) => void): void;
  /** The leader replica's API endpoint, when another replica leads. */
  leaderEndpoint?(): string | undefined;
}

/** At most this many agents per GET /hr/agent-states?ids= (a table page is far fewer). */
const MAX_IDS = 500;

export function registerAgentStateRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { caches, settings } = ctx;
  const ns = settings.namespace;

  const pauseReasons = (): readonly string[] =>
    caches.configs.get('default', ns)?.spec.agentStates?.pauseReasons ?? DEFAULT_PAUSE_REASONS;

  const statesOr503 = (): AgentStates => {
    const states = ctx.agentStates.states(ns);
    if (!states)
      throw new HttpError(
        503,
        'agent states are not available on this replica right now (it does not hold the Asterisk connection); try again',
      );
    return states;
  };

  /** A follower (no agent states here) passes the request on to the leader. */
  const toLeader = async (request: FastifyRequest, reply: FastifyReply) => {
    if (ctx.agentStates.states(ns) || wasForwarded(request)) return;
    const endpoint = ctx.agentStates.leaderEndpoint?.();
    if (endpoint) return forwardToLeader(endpoint, request, reply);
  };

  const intentOf = (body: unknown): AgentIntent => {
    const parsed = validateStateBody(body);
    if (!parsed.ok) throw invalidBody(parsed.errors);
    const { presence, reason } = parsed.value;
    if (presence !== 'paused') {
      if (reason !== undefined)
        throw invalidBody([
          { field: 'reason', message: `only a pause has a reason, not "${presence}"` },
        ]);
      return { presence };
    }
    const allowed = pauseReasons();
    if (reason === undefined)
      throw invalidBody([
        { field: 'reason', message: `a pause needs a reason: one of ${allowed.join(', ')}` },
      ]);
    if (!allowed.includes(reason))
      throw invalidBody([
        {
          field: 'reason',
          message: `"${reason}" is not a pause reason here: use one of ${allowed.join(', ')}`,
        },
      ]);
    return { presence, reason };
  };

  const change = async (agent: string, body: unknown, by: string): Promise<AgentStateView> => {
    const intent = intentOf(body);
    const states = statesOr503();
    try {
      return await states.change(agent, intent, by);
    } catch (err) {
      throw new HttpError(503, `Asterisk did not take the change: ${describeError(err)}`);
    }
  };

  const agentOr404 = (id: string) => {
    const agent = caches.agents.get(id, ns);
    if (!agent || agent.metadata.deletionTimestamp) throw new HttpError(404, `no agent "${id}"`);
    return agent;
  };

  app.get(
    '/softphone/state',
    { onRequest: requireRole('agent', 'supervisor'), preHandler: toLeader },
    async (request, reply) => {
      const name = lineAgentOf(request.principal)?.metadata.name;
      if (!name) throw new HttpError(403, 'for accounts with a line of their own only');
      reply.header('cache-control', 'no-store');
      return { ...statesOr503().view(name), pauseReasons: pauseReasons() };
    },
  );

  app.put(
    '/softphone/state',
    { onRequest: requireRole('agent', 'supervisor'), preHandler: toLeader },
    async (request) => {
      const name = lineAgentOf(request.principal)?.metadata.name;
      if (!name) throw new HttpError(403, 'for accounts with a line of their own only');
      return change(name, request.body, `agent:${name}`);
    },
  );

  app.get(
    '/hr/agent-states',
    { onRequest: requireScope('agents:read'), preHandler: toLeader },
    async (request, reply) => {
      const states = statesOr503();
      reply.header('cache-control', 'no-store');
      // ?ids=a,b,c: the agents of one table page (10,000 agents' states are megabytes).
      const ids = (request.query as { ids?: unknown }).ids;
      if (ids !== undefined && (typeof ids !== 'string' || ids.split(',').length > MAX_IDS))
        throw invalidBody([
          { field: 'ids', message: `at most ${MAX_IDS} comma-separated agent ids` },
        ]);
      const wanted = typeof ids === 'string' ? new Set(ids.split(',').filter(Boolean)) : undefined;
      const items = caches.agents
        .list(ns)
        .filter((a) => !a.metadata.deletionTimestamp && (!wanted || wanted.has(a.metadata.name)))
        .map((a) => states.view(a.metadata.name));
      return { items, pauseReasons: pauseReasons() };
    },
  );

  app.put(
    '/hr/users/:id/state',
    { onRequest: requireScope('agents:write'), preHandler: toLeader },
    async (request) => {
      const agent = agentOr404((request.params as { id: string }).id);
      const by = request.apiToken ? `token:${request.apiToken.name}` : 'admin:admin';
      return change(agent.metadata.name, request.body, by);
    },
  );
}
