// API tokens, managed by the admin in the web UI (a signed-in admin session
// only: a token cannot make or revoke tokens). The token is in the answer
// to its creation and nowhere else.
import type { FastifyInstance } from 'fastify';
import type { JSONSchemaProps } from '../../crds/schema-types.ts';
import { compileValidator } from '../../schema/validators.ts';
import { type ApiContext, requireRole } from '../context.ts';
import { HttpError, invalidBody } from '../errors.ts';
import { TOKEN_SCOPES, type TokenScope } from './api-tokens.ts';

const MAX_DAYS = 366;
const DAY_MS = 86_400_000;

export interface CreateTokenBody {
  name: string;
  scopes: TokenScope[];
  /** Either a lifetime in days (default 90)… */
  expiresInDays?: number;
  /** …or a moment (RFC 3339), at most MAX_DAYS ahead. */
  expiresAt?: string;
}

const createTokenSchema: JSONSchemaProps = {
  type: 'object',
  required: ['name', 'scopes'],
  properties: {
    name: {
      type: 'string',
      description: 'What the token is for, e.g. "hr-sync".',
      minLength: 1,
      maxLength: 63,
      pattern: '^\\S(.*\\S)?$',
    },
    scopes: {
      type: 'array',
      description: 'What the token may do.',
      minItems: 1,
      maxItems: TOKEN_SCOPES.length,
      'x-kubernetes-list-type': 'set',
      items: { type: 'string', description: 'A scope.', enum: TOKEN_SCOPES },
    },
    expiresInDays: {
      type: 'integer',
      description: 'Days until the token expires.',
      minimum: 1,
      maximum: MAX_DAYS,
    },
    expiresAt: { type: 'string', format: 'date-time', description: 'When the token expires.' },
  },
};
const validateCreateToken = compileValidator<CreateTokenBody>(createTokenSchema);

/** The expiry a body asks for; a 400 for both forms at once, the past, or too far ahead. */
function expiryOf(body: CreateTokenBody, now: number): Date {
  if (body.expiresAt !== undefined && body.expiresInDays !== undefined)
    throw invalidBody([
      { field: 'expiresAt', message: 'give expiresAt or expiresInDays, not both' },
    ]);
  if (body.expiresAt === undefined) return new Date(now + (body.expiresInDays ?? 90) * DAY_MS);
  const at = Date.parse(body.expiresAt);
  if (at <= now) throw invalidBody([{ field: 'expiresAt', message: 'must be in the future' }]);
  if (at > now + MAX_DAYS * DAY_MS)
    throw invalidBody([{ field: 'expiresAt', message: `must be within ${MAX_DAYS} days` }]);
  return new Date(at);
}

export function registerTokenRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { tokens, logger } = ctx;
  const admin = { onRequest: requireRole('admin') };

  app.get('/auth/tokens', admin, async () => ({ status: 'ok', tokens: tokens.list() }));

  app.post('/auth/tokens', admin, async (request, reply) => {
    const parsed = validateCreateToken(request.body);
    if (!parsed.ok) throw invalidBody(parsed.errors);
    const { name, scopes } = parsed.value;
    const created = await tokens.create(name, scopes, expiryOf(parsed.value, Date.now()));
    logger.info(
      { tokenId: created.info.id, token: name, scopes, expiresAt: created.info.expiresAt },
      'API token created',
    );
    reply.code(201);
    return {
      status: 'ok',
      token: created.token,
      tokenInfo: created.info,
      message: 'Copy the token now: it is not shown again.',
    };
  });

  app.delete('/auth/tokens/:id', admin, async (request) => {
    const { id } = request.params as { id: string };
    const revoked = await tokens.revoke(id);
    if (!revoked) throw new HttpError(404, `no API token "${id}"`);
    logger.info({ tokenId: id, token: revoked.name }, 'API token revoked');
    return { status: 'ok', message: `API token ${revoked.name} revoked` };
  });
}
