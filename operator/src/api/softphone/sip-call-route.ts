// GET /softphone/calls/by-sip-call-id/<Call-ID> → {linkedid}: how the
// softphone learns the history id of a call it placed (no INVITE from
// Asterisk names it, as for calls to the agent), to file its note under it.
// Only the leader sees the dialplan's events (its AMI connection): a
// follower forwards the request there, as the agent state routes do
// (agentstate/forward.ts). Waits up to SIP_CALL_WAIT_MS for an event not
// seen yet; the rules of the answer are sip-call.ts's.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SipCalls } from '../../monitoring/sip-calls.ts';
import { forwardToLeader, wasForwarded } from '../agentstate/forward.ts';
import { lineAgentOf } from '../auth/principal.ts';
import { type ApiContext, requireRole } from '../context.ts';
import { HttpError } from '../errors.ts';
import { checkSipCallId, SIP_CALL_WAIT_MS, sipCallAnswer } from './sip-call.ts';

/** What the route needs: the leader's calls by Call-ID. */
export interface SipCallAccess {
  /** The namespace's calls when this replica holds its AMI connection (the leader). */
  calls(namespace: string): Pick<SipCalls, 'wait'> | undefined;
  /** The leader replica's API endpoint, when another replica leads. */
  leaderEndpoint?(): string | undefined;
}

export function registerSipCallRoute(
  app: FastifyInstance,
  ctx: ApiContext,
  access: SipCallAccess,
): void {
  const ns = ctx.settings.namespace;

  const toLeader = async (request: FastifyRequest, reply: FastifyReply) => {
    if (access.calls(ns) || wasForwarded(request)) return;
    const endpoint = access.leaderEndpoint?.();
    if (endpoint) return forwardToLeader(endpoint, request, reply);
  };

  app.get(
    '/softphone/calls/by-sip-call-id/:callId',
    { onRequest: requireRole('agent', 'supervisor', 'admin'), preHandler: toLeader },
    async (request, reply) => {
      const checked = checkSipCallId((request.params as { callId: string }).callId);
      if (!checked.ok) throw new HttpError(400, checked.message);
      const agent = lineAgentOf(request.principal)?.status?.sipUsername;
      if (!agent) throw new HttpError(403, 'only an agent with a line places calls');
      const calls = access.calls(ns);
      if (!calls)
        throw new HttpError(
          503,
          'calls are not known on this replica right now (it does not hold the Asterisk connection); try again',
        );
      // the agent's page may go away meanwhile: stop waiting then
      const gone = new AbortController();
      request.raw.once('close', () => gone.abort());
      const answer = sipCallAnswer(
        await calls.wait(checked.value, SIP_CALL_WAIT_MS, gone.signal),
        agent,
      );
      reply.header('cache-control', 'no-store');
      if (answer.status !== 200) throw new HttpError(answer.status, answer.message);
      return answer.body;
    },
  );
}
