// Whose request a guest mint is, for the per-address rate limit. A follower
// forwards mints to the leader (the AMI writer); the leader then sees the
// follower's address, so the follower passes the citizen's address along,
// signed with the session key every replica shares: a header a client made
// up itself is ignored (its own address counts), so nobody picks a fresh
// bucket per request.
import type { FastifyRequest } from 'fastify';
import type { LateKeySigner } from '../auth/signer.ts';

export const CLIENT_HEADER = 'x-switchboard-guest-client';

/** The address to count: the signed forwarded one, else the connection's. */
export function clientAddress(request: FastifyRequest, signer: LateKeySigner): string {
  const header = request.headers[CLIENT_HEADER];
  if (typeof header === 'string') {
    const r = signer.unsign(header);
    if (r.valid && r.value) return r.value;
  }
  return request.ip;
}

/** The header value a follower sends (undefined until the session key is loaded). */
export function signedClient(address: string, signer: LateKeySigner): string | undefined {
  return signer.ready ? signer.sign(address) : undefined;
}
