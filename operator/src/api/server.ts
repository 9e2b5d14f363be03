// The operator's HTTP server (every replica, leader or not): health and
// metrics, the JSON API (auth, HR, WebRTC settings, softphone settings) and
// the web UI. fastify: maintained, fast, with first-party plugins for what we
// must not hand-write (cookies, CSRF, rate limits, security headers, static
// files).
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import type { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  LogController,
} from 'fastify';
import type { Registry } from 'prom-client';
import type { HistoryDatabase } from '../history/database.ts';
import type { Caches } from '../informers.ts';
import { histogram } from '../kube/metric.ts';
import type { Logger } from '../log.ts';
import type { RecordingCatalog } from '../recordings/catalog.ts';
import { type AgentStateAccess, registerAgentStateRoutes } from './agentstate/routes.ts';
import { StateWatchers } from './agentstate/state-watchers.ts';
import { type Access, accessOf } from './auth/access.ts';
import { bearerToken, tokenId } from './auth/api-tokens.ts';
import { AuthState } from './auth/auth-state.ts';
import { principalFrom } from './auth/principal.ts';
import { registerAuthRoutes } from './auth/routes.ts';
import { cookieNames, cookieOptions } from './auth/session.ts';
import { registerTokenRoutes } from './auth/token-routes.ts';
import { TokenStore } from './auth/token-store.ts';
import type { ApiContext } from './context.ts';
import { errorBody, HttpError } from './errors.ts';
import { type GuestAccess, registerGuestRoutes } from './guest/routes.ts';
import { registerHealthRoutes } from './health.ts';
import { CacheWaiter } from './hr/cache-waiter.ts';
import { KubeWrites } from './hr/kube-writes.ts';
import { registerUserRoutes } from './hr/users-routes.ts';
import { registerWebRtcRoutes } from './hr/webrtc-routes.ts';
import { type MonitorAccess, registerMonitorRoutes } from './monitoring/routes.ts';
import { registerRecordingRoutes } from './recordings/routes.ts';
import { registerOwnHistoryRoute } from './reports/own-history-route.ts';
import { registerReportRoutes } from './reports/routes.ts';
import type { ApiSettings } from './settings.ts';
import { AsteriskNotices } from './softphone/asterisk-notice.ts';
import { registerSoftphoneEvents } from './softphone/events-route.ts';
import { LineWatchers } from './softphone/line-watchers.ts';
import { registerCallNoteRoutes } from './softphone/notes-route.ts';
import { registerSoftphoneRoutes } from './softphone/routes.ts';
import { registerSipCallRoute, type SipCallAccess } from './softphone/sip-call-route.ts';
import { registerEmbedScript } from './web/embed.ts';
import { registerWebUi } from './web/pages.ts';
import { contentSecurityPolicy } from './web/security-headers.ts';

export interface ApiServerDeps {
  readonly settings: ApiSettings;
  readonly caches: Caches;
  readonly core: CoreV1Api;
  readonly custom: CustomObjectsApi;
  readonly logger: Logger;
  readonly registry: Registry;
  /** Readiness: the caches have their first LIST. */
  readonly ready: () => boolean;
  /** The leader's agent states (absent: none on this server, the state routes answer 503). */
  readonly agentStates?: AgentStateAccess;
  /** The leader's live queues (absent: none on this server). */
  readonly monitor?: MonitorAccess;
  /** The leader's AMI connection for guest permissions (absent: POST /public/guest-calls answers 503). */
  readonly guests?: GuestAccess;
  /** The leader's calls by SIP Call-ID (absent: GET /softphone/calls/by-sip-call-id answers 503). */
  readonly sipCalls?: SipCallAccess;
  /** The history database (absent: call history is not configured; history routes answer 503). */
  readonly history?: HistoryDatabase;
  /** Call recordings (absent: not configured; recording routes answer 503). */
  readonly recordings?: RecordingCatalog;
}

const NO_AGENT_STATES: AgentStateAccess = { states: () => undefined, onChange: () => {} };

const requestDuration = histogram({
  name: 'switchboard_api_request_duration_seconds',
  help: 'HTTP API request duration by route and status.',
  labelNames: ['method', 'route', 'status'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

const API_PREFIXES = [
  '/hr/',
  '/auth/',
  '/softphone/',
  '/monitor/',
  '/recordings',
  '/reports/',
  '/calls/',
];
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** One route and who may call it (absent: nobody is asked: public pages, sign-in, health). */
export interface RouteAccess {
  readonly method: string;
  readonly url: string;
  readonly access: Access | undefined;
}

export interface ApiServer {
  readonly app: FastifyInstance;
  readonly auth: AuthState;
  /** Every route with its guard's Access: what the role tests walk through. */
  readonly routes: readonly RouteAccess[];
  close(): Promise<void>;
}

export async function createApiServer(deps: ApiServerDeps): Promise<ApiServer> {
  const { settings, caches, logger } = deps;
  const ns = settings.namespace;
  const auth = new AuthState(
    deps.core,
    settings.systemNamespace,
    logger.child({ component: 'api' }),
  );
  const cookies = cookieNames(settings.secureCookies);
  const principalSources = {
    signer: auth.signer,
    adminHash: () => auth.adminHash(),
    agent: (name: string) => caches.agents.get(name, ns),
    credentialsSecret: (name: string) => caches.secrets.get(name, ns),
  };
  const ctx: ApiContext = {
    settings,
    caches,
    core: deps.core,
    logger: logger.child({ component: 'api' }),
    auth,
    writes: new KubeWrites(deps.core, deps.custom, ns),
    waiter: new CacheWaiter([caches.agents, caches.secrets]),
    cookies,
    tokens: new TokenStore(
      deps.core,
      settings.systemNamespace,
      logger.child({ component: 'api-tokens' }),
      settings.apiTokens,
    ),
    principal: (cookie) => principalFrom(cookie, principalSources),
    agentStates: deps.agentStates ?? NO_AGENT_STATES,
    monitor: deps.monitor ?? { queues: () => undefined },
    history: deps.history,
  };

  const app = Fastify({
    loggerInstance: logger.child({ component: 'http' }) as FastifyBaseLogger,
    // (the deprecated top-level disableRequestLogging printed a warning at every start)
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
  });
  app.decorateRequest('principal', null);
  app.decorateRequest('apiToken', null);
  const routes: RouteAccess[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat())
      routes.push({ method, url: route.url, access: accessOf(route.onRequest) });
  });

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: contentSecurityPolicy(
        () => caches.configs.get('default', ns)?.spec.asteriskWsUrl,
      ),
    },
  });
  await app.register(fastifyCookie, { secret: auth.signer });
  await app.register(fastifyCsrf, {
    cookieKey: cookies.csrf,
    cookieOpts: cookieOptions(settings.secureCookies),
  });
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_req, context) => ({
      statusCode: 429,
      status: 'error',
      message: `too many sign-in attempts; try again in ${Math.ceil(context.ttl / 1000)} s`,
    }),
  });

  app.addHook('onRequest', async (_request, reply) => {
    reply.header('permissions-policy', 'microphone=(self), camera=(), geolocation=()');
  });
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (!API_PREFIXES.some((p) => path.startsWith(p))) return;
    reply.header('cache-control', 'no-store');
    const bearer = bearerToken(request.headers.authorization);
    if (bearer === undefined) {
      request.principal = ctx.principal(request.cookies[cookies.session]) ?? null;
      return;
    }
    // Automation: only the token counts (a cookie sent along is ignored), and
    // every use is logged by the token's name and id, never the token.
    const verdict = await ctx.tokens.verify(bearer);
    if (!verdict.ok) {
      ctx.logger.warn(
        { tokenId: tokenId(bearer) ?? null, method: request.method, path, reason: verdict.message },
        'API token refused',
      );
      throw new HttpError(401, verdict.message);
    }
    request.apiToken = verdict.record;
    ctx.tokens.markUsed(verdict.record.id);
  });
  // Every change through the API needs the token from GET /auth/session (double submit,
  // the secret in a signed SameSite=Strict cookie); the plugin answers 403 itself.
  // Bearer requests need none: a browser never adds an Authorization header by itself.
  app.addHook('onRequest', (request, reply, done) => {
    const path = request.url.split('?')[0] ?? '';
    if (
      SAFE_METHODS.has(request.method) ||
      request.apiToken ||
      !API_PREFIXES.some((p) => path.startsWith(p))
    )
      return done();
    app.csrfProtection(request, reply, done);
  });
  app.addHook('onResponse', async (request, reply) => {
    const token = request.apiToken;
    if (token)
      ctx.logger.info(
        {
          token: token.name,
          tokenId: token.id,
          method: request.method,
          route: request.routeOptions.url ?? 'unmatched',
          status: reply.statusCode,
        },
        'API token used',
      );
    requestDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });

  app.setErrorHandler((err: FastifyError | HttpError, request, reply) => {
    if (err instanceof HttpError)
      return reply.code(err.statusCode).send(errorBody(err.message, err.errors));
    const code = err.statusCode ?? 500;
    if (err.code?.startsWith('FST_CSRF_'))
      return reply.code(403).send(errorBody('missing or invalid CSRF token: reload the page'));
    if (code === 429) return reply.code(429).send(errorBody(err.message));
    if (code >= 400 && code < 500) return reply.code(code).send(errorBody(err.message));
    request.log.error({ err, route: request.routeOptions.url }, 'request failed');
    return reply.code(500).send(errorBody('internal error; see the operator log'));
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(errorBody(`no route ${request.method} ${request.url.split('?')[0] ?? ''}`)),
  );

  registerHealthRoutes(app, { ready: deps.ready, registry: deps.registry });
  registerAuthRoutes(app, ctx);
  registerTokenRoutes(app, ctx);
  registerUserRoutes(app, ctx);
  registerWebRtcRoutes(app, ctx);
  registerSoftphoneRoutes(app, ctx);
  registerCallNoteRoutes(app, ctx);
  registerSipCallRoute(app, ctx, deps.sipCalls ?? { calls: () => undefined });
  registerAgentStateRoutes(app, ctx);
  registerMonitorRoutes(app, ctx);
  registerRecordingRoutes(app, ctx, deps.recordings);
  registerReportRoutes(app, ctx);
  registerOwnHistoryRoute(app, ctx);
  registerGuestRoutes(app, ctx, deps.guests ?? { ami: () => undefined });
  registerSoftphoneEvents(
    app,
    ctx,
    new LineWatchers(caches.agents, ns),
    new StateWatchers(ctx.agentStates, ns),
    new AsteriskNotices(caches.configs, ns),
  );
  await registerWebUi(app, settings);
  registerEmbedScript(app, settings);

  auth.start();
  ctx.tokens.start();
  return {
    app,
    auth,
    routes,
    async close() {
      auth.stop();
      await app.close();
      await ctx.tokens.stop();
    },
  };
}
