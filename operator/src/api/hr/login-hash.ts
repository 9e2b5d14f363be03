// Where an agent's login-password hash lives: a key of its credentials
// Secret (owned by the SipAgent, so it goes with it). The SipAgent controller
// keeps keys it does not own when it rotates the SIP credentials.
import type { V1Secret } from '@kubernetes/client-node';

export const LOGIN_HASH_KEY = 'login-password-hash';

export function loginHashOf(secret: V1Secret | undefined): string | undefined {
  const v = secret?.data?.[LOGIN_HASH_KEY];
  return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
}
