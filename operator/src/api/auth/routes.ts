// Sign-in, sign-out and "who am I" (which also hands out the CSRF token the
// web UI sends back in the x-csrf-token header on every change).
import type { FastifyInstance, FastifyReply } from 'fastify';
import { credentialsSecretName } from '../../sipagent/resources.ts';
import type { ApiContext } from '../context.ts';
import { HttpError, invalidBody } from '../errors.ts';
import { loginHashOf } from '../hr/login-hash.ts';
import { validateLogin } from '../hr/schemas.ts';
import { hashPassword, verifyPassword } from './password-hash.ts';
import { cookieOptions, encodeSession, fingerprint, type Role } from './session.ts';

/** Verified against when the user does not exist, so a miss costs as long as a wrong password. */
const decoyHash = hashPassword('decoy password that matches nothing');

export function registerAuthRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { settings, caches, auth, cookies } = ctx;
  const ns = settings.namespace;

  const findAgentBySipUsername = (username: string) =>
    caches.agents.list(ns).find((a) => a.status?.sipUsername === username);

  const startSession = (reply: FastifyReply, role: Role, sub: string, hash: string) => {
    const exp = Math.floor(Date.now() / 1000) + settings.sessionTtlSeconds;
    reply.setCookie(cookies.session, encodeSession({ role, sub, exp, fp: fingerprint(hash) }), {
      ...cookieOptions(settings.secureCookies),
      maxAge: settings.sessionTtlSeconds,
    });
  };

  app.post(
    '/auth/login',
    {
      config: {
        rateLimit: {
          max: settings.loginRateLimit.max,
          timeWindow: settings.loginRateLimit.windowMs,
        },
      },
    },
    async (request, reply) => {
      if (!auth.ready)
        throw new HttpError(503, 'the sign-in service is starting; try again shortly');
      const body = validateLogin(request.body);
      if (!body.ok) throw invalidBody(body.errors);
      const { username, password } = body.value;
      const wrong = new HttpError(401, 'wrong username or password');

      if (username === 'admin') {
        const hash = await auth.refreshAdminHash();
        if (!hash || !(await verifyPassword(password, hash))) throw wrong;
        startSession(reply, 'admin', 'admin', hash);
        return { status: 'ok', role: 'admin', name: 'admin', csrfToken: reply.generateCsrf() };
      }
      const agent = findAgentBySipUsername(username);
      const hash = agent
        ? loginHashOf(caches.secrets.get(credentialsSecretName(agent.metadata.name), ns))
        : undefined;
      if (!agent || !hash) {
        await verifyPassword(password, await decoyHash);
        throw wrong;
      }
      if (!(await verifyPassword(password, hash))) throw wrong;
      if (agent.spec.suspended) throw new HttpError(403, 'this agent is suspended');
      // the cookie says "a person with a SipAgent"; whether a supervisor is read at each request
      startSession(reply, 'agent', agent.metadata.name, hash);
      return {
        status: 'ok',
        role: agent.spec.supervisor === true ? 'supervisor' : 'agent',
        name: agent.spec.displayName,
        csrfToken: reply.generateCsrf(),
      };
    },
  );

  app.post('/auth/logout', async (_request, reply) => {
    reply.clearCookie(cookies.session, { path: '/' });
    return { status: 'ok' };
  });

  app.get('/auth/session', async (request, reply) => {
    const csrfToken = auth.ready ? reply.generateCsrf() : null;
    const p = request.principal;
    if (!p) return { authenticated: false, csrfToken };
    if (p.role === 'admin') return { authenticated: true, role: 'admin', name: 'admin', csrfToken };
    return {
      authenticated: true,
      role: p.role,
      id: p.agent.metadata.name,
      name: p.agent.spec.displayName,
      sipUsername: p.agent.status?.sipUsername ?? null,
      extension: p.agent.status?.extension ?? null,
      csrfToken,
    };
  });
}
