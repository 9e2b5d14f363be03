// Who may call a route: the session roles it admits and the API token scope
// that stands in for an admin. Each route guard (context.ts) carries its
// Access, so the server can list every route with who may call it
// (server.ts `routes`) and a test can try each one with each role. Pure.
import type { TokenScope } from './token-scopes.ts';

/**
 * admin: everything. supervisor: a SipAgent with `spec.supervisor: true`:
 * its own softphone and agent state, the wallboard, listen/whisper/barge;
 * never agents, credentials, tokens or settings. agent: its own softphone.
 */
export type Role = 'admin' | 'supervisor' | 'agent';
export const ROLES: readonly Role[] = ['admin', 'supervisor', 'agent'];

export interface Access {
  /** Session roles admitted. */
  readonly roles: readonly Role[];
  /** An API token with this scope is admitted too (automation acting as an admin). */
  readonly scope?: TokenScope;
}

const ACCESS = Symbol('switchboard.access');

/** Tags a route guard with who it admits. */
export function withAccess<F extends object>(guard: F, access: Access): F & { [ACCESS]: Access } {
  return Object.assign(guard, { [ACCESS]: access });
}

/** The Access of a route's onRequest hooks (one function or several), if one is a guard. */
export function accessOf(hooks: unknown): Access | undefined {
  for (const h of Array.isArray(hooks) ? hooks : [hooks]) {
    const access = (h as { [ACCESS]?: Access } | undefined)?.[ACCESS];
    if (access) return access;
  }
  return undefined;
}

const WHAT: Record<Role, string> = {
  admin: 'an admin',
  supervisor: 'a supervisor',
  agent: 'an agent',
};

/** The 403's words for a signed-in `role` the route does not admit. */
export function refusalFor(access: Access, role: Role): string {
  const who = access.roles.map((r) => WHAT[r]).join(' or ');
  const mine =
    role === 'supervisor'
      ? ': a supervisor watches the wallboard and listens in, but does not manage agents, credentials, tokens or settings'
      : role === 'agent'
        ? ': an agent account has its own softphone only'
        : '';
  return `this needs ${who} account; you are signed in as ${WHAT[role]}${mine}`;
}
