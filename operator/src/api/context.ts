// What every route module gets: settings, caches, Kubernetes clients, auth.
import type { CoreV1Api } from '@kubernetes/client-node';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Caches } from '../informers.ts';
import type { Logger } from '../log.ts';
import type { AuthState } from './auth/auth-state.ts';
import type { Principal } from './auth/principal.ts';
import type { CookieNames } from './auth/session.ts';
import { HttpError } from './errors.ts';
import type { CacheWaiter } from './hr/cache-waiter.ts';
import type { KubeWrites } from './hr/kube-writes.ts';
import type { ApiSettings } from './settings.ts';

export interface ApiContext {
  readonly settings: ApiSettings;
  readonly caches: Caches;
  readonly core: CoreV1Api;
  readonly logger: Logger;
  readonly auth: AuthState;
  readonly writes: KubeWrites;
  readonly waiter: CacheWaiter;
  readonly cookies: CookieNames;
  /** Who a session cookie belongs to now (undefined: none, expired, or no longer valid). */
  readonly principal: (cookie: string | undefined) => Principal | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the session hook: the signed-in user, or null. */
    principal: Principal | null;
  }
}

/** onRequest guard: 401 without a session, 403 with the wrong role. */
export function requireRole(...roles: Principal['role'][]) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    if (!request.principal) throw new HttpError(401, 'sign in first');
    if (!roles.includes(request.principal.role))
      throw new HttpError(403, `this page is for ${roles.join(' or ')} accounts only`);
  };
}
