// What every route module gets: settings, caches, Kubernetes clients, auth.

import type { CoreV1Api } from '@kubernetes/client-node';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HistoryDatabase } from '../history/database.ts';
import type { Caches } from '../informers.ts';
import type { Logger } from '../log.ts';
import type { AgentStateAccess } from './agentstate/routes.ts';
import { type Access, type Role, refusalFor, withAccess } from './auth/access.ts';
import type { TokenRecord, TokenScope } from './auth/api-tokens.ts';
import type { AuthState } from './auth/auth-state.ts';
import type { Principal } from './auth/principal.ts';
import type { CookieNames } from './auth/session.ts';
import type { TokenStore } from './auth/token-store.ts';
import { HttpError } from './errors.ts';
import type { CacheWaiter } from './hr/cache-waiter.ts';
import type { KubeWrites } from './hr/kube-writes.ts';
import type { MonitorAccess } from './monitoring/routes.ts';
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
  readonly tokens: TokenStore;
  readonly agentStates: AgentStateAccess;
  readonly monitor: MonitorAccess;
  /** The history database, when configured (reports, recordings, an agent's own history). */
  readonly history: HistoryDatabase | undefined;
  /** Who a session cookie belongs to now (undefined: none, expired, or no longer valid). */
  readonly principal: (cookie: string | undefined) => Principal | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the session hook: the signed-in user, or null. */
    principal: Principal | null;
    /** Set by the bearer hook: the API token the request came with (then principal is null). */
    apiToken: TokenRecord | null;
  }
}

/** onRequest guard: 401 without a session, 403 with the wrong role. */
export function requireRole(...roles: Role[]) {
  const access: Access = { roles };
  return withAccess(async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    if (!request.principal) throw new HttpError(401, 'sign in first');
    if (!roles.includes(request.principal.role))
      throw new HttpError(403, refusalFor(access, request.principal.role));
  }, access);
}

/**
 * onRequest guard for what automation may do: an admin session (or one of
 * `alsoRoles`), or an API token holding `scope`. Anything else as
 * requireRole('admin', ...alsoRoles).
 */
export function requireScope(scope: TokenScope, ...alsoRoles: Role[]) {
  const access: Access = { roles: ['admin', ...alsoRoles], scope };
  return withAccess(async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const token = request.apiToken;
    if (token) {
      if (!token.scopes.includes(scope))
        throw new HttpError(
          403,
          `the API token "${token.name}" lacks the scope ${scope} (it has: ${token.scopes.join(', ') || 'none'})`,
        );
      return;
    }
    if (!request.principal) throw new HttpError(401, 'sign in first, or send an API token');
    if (!access.roles.includes(request.principal.role))
      throw new HttpError(403, refusalFor(access, request.principal.role));
  }, access);
}
