// Who is asking: the session cookie checked against what is true now. An
// agent's session ends when the agent is deleted or suspended or its login
// password changes; the admin's when the admin password changes. A person
// with a SipAgent is a supervisor while its spec says `supervisor: true`,
// read at every request: granting or taking it back needs no new sign-in.
import type { V1Secret } from '@kubernetes/client-node';
import type { SipAgent } from '../../crds/types.ts';
import { credentialsSecretName } from '../../sipagent/resources.ts';
import { loginHashOf } from '../hr/login-hash.ts';
import { decodeSession, fingerprint, type SessionClaims } from './session.ts';
import type { LateKeySigner } from './signer.ts';

export type Principal =
  | { readonly role: 'admin'; readonly sub: 'admin' }
  | { readonly role: 'agent' | 'supervisor'; readonly sub: string; readonly agent: SipAgent };

/** The SipAgent of a person with a line of its own (an agent or a supervisor). */
export function lineAgentOf(p: Principal | null | undefined): SipAgent | undefined {
  return p && p.role !== 'admin' ? p.agent : undefined;
}

export interface PrincipalSources {
  readonly signer: LateKeySigner;
  readonly adminHash: () => string | undefined;
  readonly agent: (name: string) => SipAgent | undefined;
  readonly credentialsSecret: (name: string) => V1Secret | undefined;
  readonly now?: () => number;
}

export function claimsFromCookie(
  cookie: string | undefined,
  sources: PrincipalSources,
): SessionClaims | undefined {
  if (!cookie) return undefined;
  const unsigned = sources.signer.unsign(cookie);
  if (!unsigned.valid || unsigned.value === null) return undefined;
  const nowSeconds = Math.floor((sources.now?.() ?? Date.now()) / 1000);
  return decodeSession(unsigned.value, nowSeconds);
}

export function principalFrom(
  cookie: string | undefined,
  sources: PrincipalSources,
): Principal | undefined {
  const claims = claimsFromCookie(cookie, sources);
  if (!claims) return undefined;
  if (claims.role === 'admin') {
    const hash = sources.adminHash();
    return hash && claims.sub === 'admin' && fingerprint(hash) === claims.fp
      ? { role: 'admin', sub: 'admin' }
      : undefined;
  }
  const agent = sources.agent(claims.sub);
  if (!agent || agent.metadata.deletionTimestamp || agent.spec.suspended) return undefined;
  const hash = loginHashOf(sources.credentialsSecret(credentialsSecretName(claims.sub)));
  if (!hash || fingerprint(hash) !== claims.fp) return undefined;
  return { role: agent.spec.supervisor === true ? 'supervisor' : 'agent', sub: claims.sub, agent };
}
