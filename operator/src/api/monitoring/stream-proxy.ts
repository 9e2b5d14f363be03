// A follower relays the leader's wallboard stream: only the leader reads the
// live queues and agent states (DESIGN.md), every replica serves the page.
// The request goes on with the caller's own cookie or token (the leader
// checks it again, and on every heartbeat); a refusal is relayed as it came;
// when either side ends, so does the other, and the browser's EventSource
// reconnects, to whichever replica, and gets a fresh snapshot.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { describeError } from '../../clients/errors.ts';
import { FORWARDED_HEADER } from '../agentstate/forward.ts';
import { HttpError } from '../errors.ts';

const PASSED_HEADERS = ['cookie', 'authorization', 'accept'];
/** How long the leader may take to answer with headers (the stream itself lasts). */
const CONNECT_TIMEOUT_MS = 5_000;

/** Relays the leader's event stream; `track` learns how to end it (the server closing). */
export async function proxyEventStream(
  endpoint: string,
  request: FastifyRequest,
  reply: FastifyReply,
  track: (end: () => void) => () => void,
): Promise<void> {
  const headers: Record<string, string> = { [FORWARDED_HEADER]: '1' };
  for (const name of PASSED_HEADERS) {
    const v = request.headers[name];
    if (typeof v === 'string') headers[name] = v;
  }
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error('no answer in time')), CONNECT_TIMEOUT_MS);
  let res: Response;
  try {
    res = await fetch(new URL(request.url, endpoint), { headers, signal: abort.signal });
  } catch (err) {
    throw new HttpError(503, `the leader replica did not answer: ${describeError(err)}; try again`);
  } finally {
    clearTimeout(timer);
  }
  if (!res.ok || !res.body) {
    reply.code(res.status);
    reply.header('content-type', res.headers.get('content-type') ?? 'application/json');
    await reply.send(await res.text());
    return;
  }
  reply.hijack();
  const out = reply.raw;
  for (const [header, value] of Object.entries(reply.getHeaders()))
    if (value !== undefined) out.setHeader(header, value);
  out.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
  });
  const end = () => abort.abort();
  const untrack = track(end);
  out.once('close', end);
  try {
    for await (const chunk of res.body) out.write(chunk);
  } catch {
    // aborted (the browser left, or the server closes) or the leader went away: end below
  } finally {
    untrack();
    out.end();
  }
}
