// What a session cookie says, and how it is written: base64url JSON claims,
// signed by the cookie plugin. Pure; the cookie itself is HttpOnly,
// SameSite=Strict and (behind HTTPS) Secure with the __Host- prefix, so no
// subdomain can plant one.
import { createHash } from 'node:crypto';

export type Role = 'admin' | 'agent';

export interface SessionClaims {
  readonly role: Role;
  /** "admin", or the SipAgent's name. */
  readonly sub: string;
  /** Expiry, unix seconds. */
  readonly exp: number;
  /** Fingerprint of the password hash at login: changing the password ends the session. */
  readonly fp: string;
}

export function encodeSession(claims: SessionClaims): string {
  return Buffer.from(JSON.stringify(claims)).toString('base64url');
}

export function decodeSession(value: string, nowSeconds: number): SessionClaims | undefined {
  try {
    const c = JSON.parse(
      Buffer.from(value, 'base64url').toString('utf8'),
    ) as Partial<SessionClaims>;
    if (c.role !== 'admin' && c.role !== 'agent') return undefined;
    if (typeof c.sub !== 'string' || typeof c.fp !== 'string' || typeof c.exp !== 'number')
      return undefined;
    if (c.exp <= nowSeconds) return undefined;
    return { role: c.role, sub: c.sub, exp: c.exp, fp: c.fp };
  } catch {
    return undefined;
  }
}

export function fingerprint(passwordHash: string): string {
  return createHash('sha256').update(passwordHash).digest('base64url').slice(0, 16);
}

export interface CookieNames {
  readonly session: string;
  readonly csrf: string;
}

export function cookieNames(secure: boolean): CookieNames {
  return secure
    ? { session: '__Host-sb-session', csrf: '__Host-sb-csrf' }
    : { session: 'sb-session', csrf: 'sb-csrf' };
}

export function cookieOptions(secure: boolean) {
  return { path: '/', httpOnly: true, sameSite: 'strict', secure, signed: true } as const;
}
