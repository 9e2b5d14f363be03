// CORS for the public guest routes (/public/* only): a ministry site that
// embeds <switchboard-call-button> calls the API from its own origin. Only
// origins listed in WebRTCConfig spec.publicAccess.allowedOrigins (and the
// operator's own /call page) get Access-Control-Allow-Origin; any other
// origin is refused with 403 before a permission is minted, so a page the
// admin did not list cannot spend permissions or the rate limit even with a
// "simple" request the browser sends without a preflight. No credentials:
// the guest routes use no cookie. Pure verdict + a small fastify hook.
import type { FastifyInstance } from 'fastify';

export const PUBLIC_PREFIX = '/public/';

export type CorsVerdict =
  | { readonly kind: 'no-origin' }
  | { readonly kind: 'same-origin' }
  | { readonly kind: 'allowed'; readonly origin: string }
  | { readonly kind: 'refused' };

/** An origin in its canonical form (lower case, no default port), or undefined. */
export function canonicalOrigin(origin: string): string | undefined {
  try {
    const u = new URL(origin);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    return u.origin;
  } catch {
    return undefined;
  }
}

/**
 * What a request's Origin header earns: none (not a cross-origin browser
 * request), the operator's own page (the origin's host is the Host header),
 * an allowed site, or a refusal ("null" and anything unlisted).
 */
export function corsVerdict(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[],
): CorsVerdict {
  if (origin === undefined) return { kind: 'no-origin' };
  const canonical = canonicalOrigin(origin);
  if (!canonical) return { kind: 'refused' };
  if (host && new URL(canonical).host === host.toLowerCase()) return { kind: 'same-origin' };
  const list = new Set(allowed.map(canonicalOrigin));
  return list.has(canonical) ? { kind: 'allowed', origin: canonical } : { kind: 'refused' };
}

/** The headers an allowed cross-origin request gets (preflight adds methods and headers). */
export function corsHeaders(origin: string, preflight: boolean): Record<string, string> {
  return {
    'access-control-allow-origin': origin,
    ...(preflight
      ? {
          'access-control-allow-methods': 'GET, POST',
          'access-control-allow-headers': 'accept, content-type',
          'access-control-max-age': '600',
        }
      : {}),
  };
}

/** CORS on /public/*: `allowed()` is read per request (the WebRTCConfig may change). */
export function registerGuestCors(app: FastifyInstance, allowed: () => readonly string[]): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith(PUBLIC_PREFIX)) return;
    reply.header('vary', 'Origin');
    const origin = request.headers.origin;
    const verdict = corsVerdict(origin, request.headers.host, allowed());
    if (verdict.kind === 'refused')
      return reply
        .code(403)
        .send({ status: 'error', message: 'this web site may not place calls to this hotline' });
    if (verdict.kind === 'allowed')
      reply.headers(corsHeaders(verdict.origin, request.method === 'OPTIONS'));
  });
  // preflights (the page sends none today: GET and a body-less POST are simple requests)
  app.options(`${PUBLIC_PREFIX}*`, async (_request, reply) => reply.code(204).send());
}
