// The route on a real fastify, as a leader (it holds the calls) and as a
// follower that forwards to it over loopback (agentstate/forward.ts). Who is
// signed in comes from the cookie here (the session hook's job in server.ts):
// the cookie is what a follower passes on.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AmiEvent } from '../../asterisk/ami/messages.ts';
import type { SipAgent } from '../../crds/types.ts';
import { SipCalls } from '../../monitoring/sip-calls.ts';
import type { Principal } from '../auth/principal.ts';
import type { ApiContext } from '../context.ts';
import { HttpError } from '../errors.ts';
import { registerSipCallRoute, type SipCallAccess } from './sip-call-route.ts';

const ctx = { settings: { namespace: 'ns' } } as unknown as ApiContext;

function principal(cookie: string | undefined): Principal | null {
  const who = /(?:^|; )who=([a-z_]+)/.exec(cookie ?? '')?.[1];
  if (!who) return null;
  if (who === 'admin') return { role: 'admin', sub: 'admin' };
  const agent = { metadata: { name: who }, status: { sipUsername: `${who}_1` } } as SipAgent;
  return { role: 'agent', sub: who, agent };
}

function server(access: SipCallAccess): FastifyInstance {
  const app = Fastify();
  app.decorateRequest('principal', null);
  app.decorateRequest('apiToken', null);
  app.addHook('onRequest', async (request) => {
    request.principal = principal(request.headers.cookie);
  });
  app.setErrorHandler((err: Error & { statusCode?: number }, _request, reply) =>
    reply.code(err instanceof HttpError ? err.statusCode : 500).send({ message: err.message }),
  );
  registerSipCallRoute(app, ctx, access);
  return app;
}

const event = (callId: string, endpoint: string, linkedid: string): AmiEvent => ({
  event: 'UserEvent',
  fields: {
    userevent: 'SwitchboardCall',
    sipcallid: callId,
    agentchannel: `PJSIP/${endpoint}-0000002a`,
    calllinkedid: linkedid,
  },
});

describe('GET /softphone/calls/by-sip-call-id/:callId', () => {
  const calls = new SipCalls();
  const leader = server({ calls: () => calls });
  let endpoint = '';
  const follower = server({ calls: () => undefined, leaderEndpoint: () => endpoint });
  const ask = (app: FastifyInstance, callId: string, who?: string) =>
    app.inject({
      method: 'GET',
      url: `/softphone/calls/by-sip-call-id/${encodeURIComponent(callId)}`,
      headers: who ? { cookie: `who=${who}` } : {},
    });

  before(async () => {
    endpoint = await leader.listen({ port: 0, host: '127.0.0.1' });
    calls.onEvent(event('k0t3d8v1@host/x', 'ann_1', '1700000000.5'));
  });
  after(() => Promise.all([leader.close(), follower.close()]));

  it("answers the agent's own call, on the leader and through a follower", async () => {
    for (const app of [leader, follower]) {
      const res = await ask(app, 'k0t3d8v1@host/x', 'ann');
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { linkedid: '1700000000.5' });
      assert.equal(res.headers['cache-control'], 'no-store');
    }
  });

  it("refuses another line's call, a session without a line, no session, a bad Call-ID", async () => {
    for (const app of [leader, follower]) {
      assert.equal((await ask(app, 'k0t3d8v1@host/x', 'bea')).statusCode, 403);
      assert.equal((await ask(app, 'k0t3d8v1@host/x', 'admin')).statusCode, 403);
      assert.equal((await ask(app, 'k0t3d8v1@host/x')).statusCode, 401);
      assert.equal((await ask(app, 'a b', 'ann')).statusCode, 400);
    }
  });

  it('waits for an event not seen yet; 404 when none comes within 2 s', async () => {
    const late = ask(follower, 'late-call', 'ann');
    setTimeout(() => calls.onEvent(event('late-call', 'ann_1', '1700000000.9')), 100);
    assert.deepEqual((await late).json(), { linkedid: '1700000000.9' });
    const started = performance.now();
    const none = await ask(leader, 'never-placed', 'ann');
    assert.equal(none.statusCode, 404);
    assert.ok(performance.now() - started >= 1900);
  });

  it('answers 503 on a follower that knows no leader', async () => {
    const alone = server({ calls: () => undefined });
    const res = await ask(alone, 'k0t3d8v1@host/x', 'ann');
    assert.equal(res.statusCode, 503);
    await alone.close();
  });
});
