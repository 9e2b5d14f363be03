// Calls from the public page (issue 15), no sign-in:
//  GET  /public/guest-access  whether the page can call now, and which numbers;
//  POST /public/guest-calls   a single-use permission for one call: a token
//       written into AstDB over the leader's AMI connection (a follower
//       forwards), with the guest endpoint's SIP identity, the WebSocket URL
//       and ICE servers. Asterisk checks the token (asterisk/render/guests.ts).
// Rate limited per client address (spec.publicAccess.mintsPerMinutePerAddress).
// Outside spec.publicAccess.openingHours the page is told when it opens and
// no permission is minted (webrtcconfig/opening-hours.ts).
// The token is in the answer only: never in a log line, Event or status.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AmiClient } from '../../asterisk/ami/client.ts';
import {
  GUEST_DB_FAMILY,
  GUEST_HEADER,
  guestNumbers,
  guestsEnabled,
} from '../../asterisk/render/guests.ts';
import { queueRoutes } from '../../asterisk/render/routes.ts';
import { renderQueues, resolveQueues } from '../../callqueue/resolve.ts';
import { describeError } from '../../clients/errors.ts';
import { PUBLIC_ACCESS_DEFAULTS } from '../../crds/public-access.crd.ts';
import type { WebRTCConfig } from '../../crds/types.ts';
import { guestIdentity } from '../../webrtcconfig/guest-credentials.ts';
import { iceServersFor } from '../../webrtcconfig/ice-servers.ts';
import { closedNow } from '../../webrtcconfig/opening-hours.ts';
import { wasForwarded } from '../agentstate/forward.ts';
import type { ApiContext } from '../context.ts';
import { HttpError } from '../errors.ts';
import { clientAddress } from './client-address.ts';
import { registerGuestCors } from './cors.ts';
import { forwardGuestCall } from './forward.ts';
import { PAGE_LABEL_SEPARATOR, pageLabelProblem } from './page-label.ts';
import { mintToken } from './token.ts';

/** What the API needs to mint: the leader's AMI connection. */
export interface GuestAccess {
  /** The namespace's AMI client when this replica holds it (the leader). */
  ami(namespace: string): Pick<AmiClient, 'action'> | undefined;
  /** The leader replica's API endpoint, when another replica leads. */
  leaderEndpoint?(): string | undefined;
}

const MINUTE_MS = 60_000;

/** Outside the opening hours: a 403 that knows the next opening. */
class ClosedError extends HttpError {
  readonly opensAt: string | undefined;
  constructor(message: string, opensAt: string | undefined) {
    super(403, message);
    this.opensAt = opensAt;
  }
}

export function registerGuestRoutes(
  app: FastifyInstance,
  ctx: ApiContext,
  access: GuestAccess,
): void {
  const { caches, settings, writes } = ctx;
  const ns = settings.namespace;
  const signer = ctx.auth.signer;

  const config = (): WebRTCConfig | undefined => caches.configs.get('default', ns);
  registerGuestCors(app, () => config()?.spec.publicAccess?.allowedOrigins ?? []);

  /** The public numbers in force (those that reach a queue), or why there are none. */
  const openConfig = () => {
    const c = config();
    if (!c) throw new HttpError(503, 'calling from the web is not set up here yet');
    if (!guestsEnabled(c.spec) || !c.metadata.uid)
      throw new HttpError(403, 'calling from the web is switched off for this hotline');
    const callQueues = caches.queues.list(ns);
    const queues = renderQueues(
      callQueues,
      // numbers only: which agents serve a queue does not change where a number goes
      resolveQueues(callQueues, [], c.spec),
    );
    const { allowed } = guestNumbers(c.spec, queueRoutes(c.spec, queues));
    if (!allowed.length)
      throw new HttpError(403, 'calling from the web has no number to call right now');
    // the gate refuses outside the hours too (cause 20): this spares the permission
    const closed = closedNow(c.spec.publicAccess, Date.now());
    if (closed) throw new ClosedError(closed.message, closed.opensAt);
    return { config: c, spec: c.spec, uid: c.metadata.uid, numbers: allowed };
  };

  /** A follower passes mints to the leader, which holds the AMI connection that may write. */
  const toLeader = async (request: FastifyRequest, reply: FastifyReply) => {
    if (access.ami(ns) || wasForwarded(request)) return;
    const endpoint = access.leaderEndpoint?.();
    if (endpoint) return forwardGuestCall(endpoint, request, reply, signer);
  };

  app.get('/public/guest-access', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    try {
      const { numbers } = openConfig();
      return { enabled: true, numbers };
    } catch (err) {
      if (err instanceof ClosedError)
        return {
          enabled: false,
          closed: true,
          message: err.message,
          opensAt: err.opensAt,
          numbers: [],
        };
      if (err instanceof HttpError) return { enabled: false, message: err.message, numbers: [] };
      throw err;
    }
  });

  app.post(
    '/public/guest-calls',
    {
      config: {
        rateLimit: {
          max: () =>
            config()?.spec.publicAccess?.mintsPerMinutePerAddress ??
            PUBLIC_ACCESS_DEFAULTS.mintsPerMinutePerAddress,
          timeWindow: MINUTE_MS,
          keyGenerator: (request: FastifyRequest) => `guest:${clientAddress(request, signer)}`,
          errorResponseBuilder: (_req: FastifyRequest, context: { ttl: number }) => ({
            statusCode: 429,
            status: 'error',
            message: `too many calls from this address; try again in ${Math.ceil(context.ttl / 1000)} s`,
          }),
        },
      },
      preHandler: toLeader,
    },
    async (request, reply) => {
      const pageLabel = requestedPageLabel(request.body);
      const { spec, uid, numbers } = openConfig();
      const ami = access.ami(ns);
      if (!ami)
        throw new HttpError(
          503,
          'the call service is not connected to the PBX right now; try again',
        );
      const ttl = spec.publicAccess?.tokenTtlSeconds ?? PUBLIC_ACCESS_DEFAULTS.tokenTtlSeconds;
      const minted = mintToken(Date.now(), ttl);
      try {
        await ami.action({
          action: 'DBPut',
          family: GUEST_DB_FAMILY,
          key: minted.token,
          val: pageLabel
            ? `${minted.expiresEpoch}${PAGE_LABEL_SEPARATOR}${pageLabel}`
            : String(minted.expiresEpoch),
        });
      } catch (err) {
        // describeError never carries the action's fields (the token)
        ctx.logger.warn({ err: describeError(err) }, 'writing a guest permission failed');
        throw new HttpError(503, 'the call service could not reach the PBX; try again');
      }
      // An unused permission leaves AstDB by the leader's sweep (asterisk/guest-sweep.ts).
      // TURN Secrets are the platform team's own (not cached): read the few referenced now.
      const values = new Map<string, Record<string, string> | undefined>();
      for (const t of spec.iceServers.turnServers ?? []) {
        const name = t.sharedSecret?.name ?? t.credentialsSecret?.name;
        if (name && !values.has(name)) values.set(name, await writes.readSecretValues(name));
      }
      const iceServers = iceServersFor(
        spec,
        (name, key) => values.get(name)?.[key],
        `guest-${minted.token.slice(0, 8)}`,
        new Date(),
      );
      reply.header('cache-control', 'no-store');
      return {
        token: minted.token,
        header: GUEST_HEADER,
        expiresAt: new Date(minted.expiresEpoch * 1000).toISOString(),
        wsUrl: spec.asteriskWsUrl,
        iceServers,
        sip: guestIdentity(uid),
        numbers,
      };
    },
  );
}

/**
 * The optional `{pageLabel}` the embedding page sends: it reaches the agent's
 * caller ID through AstDB, so anything but the plain label rule is a 400
 * naming the field (page-label.ts), and nothing is minted.
 */
export function requestedPageLabel(body: unknown): string | undefined {
  if (body === undefined || body === null || body === '') return undefined;
  if (typeof body !== 'object' || Array.isArray(body))
    throw new HttpError(400, 'the body must be a JSON object ({"pageLabel": "…"}) or empty');
  const { pageLabel, ...rest } = body as Record<string, unknown>;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) throw new HttpError(400, `unknown field ${extra}: only pageLabel`);
  if (pageLabel === undefined || pageLabel === '') return undefined;
  if (typeof pageLabel !== 'string') throw new HttpError(400, 'pageLabel must be a string');
  const problem = pageLabelProblem(pageLabel);
  if (problem) throw new HttpError(400, problem);
  return pageLabel;
}
