// Agent state changes are AMI writes, and only the leader holds the AMI
// connection that may write (DESIGN.md). Every replica serves the API, so a
// follower hands these requests to the leader (its endpoint is on the Lease)
// with the caller's own credentials, and relays the answer. The leader checks
// the session again; a request that was forwarded once is never forwarded on.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { describeError } from '../../clients/errors.ts';
import { HttpError } from '../errors.ts';

export const FORWARDED_HEADER = 'x-switchboard-forwarded';
const PASSED_HEADERS = ['cookie', 'authorization', 'x-csrf-token', 'content-type', 'accept'];
const FORWARD_TIMEOUT_MS = 5_000;

/** Sends the request to the leader and relays its answer (status, JSON body). */
export async function forwardToLeader(
  endpoint: string,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const headers: Record<string, string> = { [FORWARDED_HEADER]: '1' };
  for (const name of PASSED_HEADERS) {
    const v = request.headers[name];
    if (typeof v === 'string') headers[name] = v;
  }
  let res: Response;
  try {
    res = await fetch(new URL(request.url, endpoint), {
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
    });
  } catch (err) {
    throw new HttpError(503, `the leader replica did not answer: ${describeError(err)}; try again`);
  }
  const text = await res.text();
  reply.code(res.status);
  reply.header('content-type', res.headers.get('content-type') ?? 'application/json');
  reply.header('cache-control', 'no-store');
  return reply.send(text);
}

/** Whether this request came from another replica already. */
export const wasForwarded = (request: FastifyRequest): boolean =>
  request.headers[FORWARDED_HEADER] !== undefined;
