// A follower hands a guest mint to the leader (only its AMI user writes
// AstDB), with the citizen's address signed (client-address.ts), and relays
// the answer. Same shape as agentstate/forward.ts, which passes sessions
// instead; a forwarded request is never forwarded again.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { describeError } from '../../clients/errors.ts';
import { FORWARDED_HEADER } from '../agentstate/forward.ts';
import type { LateKeySigner } from '../auth/signer.ts';
import { HttpError } from '../errors.ts';
import { CLIENT_HEADER, clientAddress, signedClient } from './client-address.ts';

const FORWARD_TIMEOUT_MS = 5_000;

export async function forwardGuestCall(
  endpoint: string,
  request: FastifyRequest,
  reply: FastifyReply,
  signer: LateKeySigner,
): Promise<FastifyReply> {
  const headers: Record<string, string> = {
    [FORWARDED_HEADER]: '1',
    accept: 'application/json',
    'content-type': 'application/json',
  };
  const client = signedClient(clientAddress(request, signer), signer);
  if (client) headers[CLIENT_HEADER] = client;
  let res: Response;
  try {
    res = await fetch(new URL(request.url, endpoint), {
      method: 'POST',
      headers,
      // the leader checks the page label again; relay only what was parsed
      body: JSON.stringify(request.body ?? {}),
      signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
    });
  } catch (err) {
    throw new HttpError(503, `the call service did not answer: ${describeError(err)}; try again`);
  }
  reply.code(res.status);
  reply.header('content-type', res.headers.get('content-type') ?? 'application/json');
  reply.header('cache-control', 'no-store');
  return reply.send(await res.text());
}
