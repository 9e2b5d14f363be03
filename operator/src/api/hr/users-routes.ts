// The HR API over SipAgents, in the seed workflow's shapes. The SIP password
// leaves this process only in the answers to POST /hr/users and
// POST /hr/users/:id/regenerate-sip.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { API_VERSION } from '../../crds/common.ts';
import type { SipAgent, SipAgentSpec } from '../../crds/types.ts';
import { REGENERATE_ANNOTATION } from '../../labels.ts';
import { type ValidationResult, validateSipAgent } from '../../schema/validators.ts';
import {
  credentialsSecretName,
  readCredentials,
  type StoredCredentials,
} from '../../sipagent/resources.ts';
import { hashPassword } from '../auth/password-hash.ts';
import { type ApiContext, requireScope } from '../context.ts';
import { HttpError, invalidBody } from '../errors.ts';
import { LOGIN_HASH_KEY } from './login-hash.ts';
import { normalizePhoneField } from './phone-number.ts';
import {
  type PatchUserBody,
  toUserField,
  USER_FIELDS,
  validateCreateUser,
  validatePatchUser,
} from './schemas.ts';
import { listUsers, toApiUser, USER_FILTERS, type UserFilter, userStats } from './users-view.ts';

/** A 409 about one field, worded like a 400's field errors. */
const conflict = (field: string, message: string) =>
  new HttpError(409, `${field}: ${message}`, [{ field, message }]);

const BLOCKING_REASONS = new Set(['ExtensionConflict', 'ExtensionRangeFull']);

function specFields(body: PatchUserBody): Partial<SipAgentSpec> {
  const spec: Record<string, unknown> = {};
  for (const [api, field] of Object.entries(USER_FIELDS)) {
    const value = (body as Record<string, unknown>)[api];
    if (value !== undefined) spec[field] = value;
  }
  return spec as Partial<SipAgentSpec>;
}

function queryInt(value: unknown, name: string, fallback: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw invalidBody([{ field: name, message: `must be an integer from 1 to ${max}` }]);
  return n;
}

export function registerUserRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { caches, settings, writes, waiter } = ctx;
  const ns = settings.namespace;
  // An admin session, or an API token with the scope (automation).
  const read = { onRequest: requireScope('agents:read') };
  const write = { onRequest: requireScope('agents:write') };

  /** Key presence only (no decoding): stats and lists call this for every agent. */
  const hasCredentials = (a: SipAgent) => {
    const data = caches.secrets.get(credentialsSecretName(a.metadata.name), ns)?.data;
    return Boolean(data?.username && data.password);
  };
  const agentOr404 = (id: string) => {
    const agent = caches.agents.get(id, ns);
    if (!agent || agent.metadata.deletionTimestamp) throw new HttpError(404, `no agent "${id}"`);
    return agent;
  };
  const extensionOwner = (extension: number, except?: string) =>
    caches.agents
      .list(ns)
      .find(
        (a) =>
          a.metadata.name !== except &&
          (a.spec.extension ?? a.status?.extension) === extension &&
          !a.metadata.deletionTimestamp,
      );
  /** The body checked, its phone number made E.164 first (both verdicts in one 400). */
  const withPhoneNumber = <T>(body: unknown, validate: (b: unknown) => ValidationResult<T>) => {
    const phone = normalizePhoneField(body, settings.defaultPhoneRegion);
    const parsed = validate(body);
    if (!phone) return parsed;
    const others = parsed.ok ? [] : parsed.errors.filter((e) => e.field !== phone.field);
    return { ok: false as const, errors: [...others, phone] };
  };
  const credentialsFor = (c: StoredCredentials) => ({
    username: c.username,
    password: c.password,
    extension: c.extension ?? null,
  });

  /** The agent as the operator has answered it: status caught up, credentials Secret present. */
  const settled = (name: string, done: (agent: SipAgent, c: StoredCredentials) => boolean) =>
    waiter.until(() => {
      const agent = caches.agents.get(name, ns);
      const secret = caches.secrets.get(credentialsSecretName(name), ns);
      const c = secret && readCredentials(secret);
      if (!agent || !c || agent.status?.observedGeneration !== agent.metadata.generation)
        return undefined;
      return done(agent, c) ? { agent, credentials: c } : undefined;
    }, settings.credentialsWaitMs);

  app.get('/hr/users', read, async (request) => {
    const q = request.query as Record<string, unknown>;
    if (q.accountType !== undefined && q.accountType !== 'agent')
      throw invalidBody([{ field: 'accountType', message: 'must be one of: agent' }]);
    const filter = (q.filter ?? 'all') as UserFilter;
    if (!USER_FILTERS.includes(filter))
      throw invalidBody([
        { field: 'filter', message: `must be one of: ${USER_FILTERS.join(', ')}` },
      ]);
    const search = typeof q.search === 'string' ? q.search.slice(0, 200) : '';
    const page = listUsers(caches.agents.list(ns), hasCredentials, {
      search,
      filter,
      page: queryInt(q.page, 'page', 1, 1_000_000),
      pageSize: queryInt(q.pageSize, 'pageSize', 25, 200),
    });
    return { status: 'ok', ...page };
  });

  app.get('/hr/stats', read, async () => ({
    status: 'ok',
    stats: userStats(caches.agents.list(ns), hasCredentials),
  }));

  app.get('/hr/users/:id', read, async (request) => {
    const agent = agentOr404((request.params as { id: string }).id);
    return { status: 'ok', user: toApiUser(agent, hasCredentials(agent)) };
  });

  app.post('/hr/users', write, async (request, reply) => {
    const parsed = withPhoneNumber(request.body, validateCreateUser);
    if (!parsed.ok) throw invalidBody(parsed.errors);
    const { password, accountType: _, ...fields } = parsed.value;
    const spec = { displayName: fields.name, ...specFields(fields) } as SipAgentSpec;
    // The whole object too: CEL rules and defaults, exactly as the API server will see it.
    const whole = validateSipAgent({
      apiVersion: API_VERSION,
      kind: 'SipAgent',
      metadata: { name: 'new-agent' },
      spec,
    });
    if (!whole.ok) throw invalidBody(whole.errors.map(toUserField));
    if (spec.extension !== undefined) {
      const owner = extensionOwner(spec.extension);
      if (owner) throw conflict('extension', `is already used by ${owner.spec.displayName}`);
    }
    // The slow hash runs while the operator makes the credentials.
    const loginHash = hashPassword(password);
    loginHash.catch(() => undefined);
    const created = await writes.createAgent(spec);
    const name = created.metadata.name;
    try {
      const result = await settled(name, () => true);
      if (!result)
        throw new HttpError(
          504,
          `the operator did not generate SIP credentials within ${settings.credentialsWaitMs / 1000} s; nothing was created`,
        );
      const ready = result.agent.status?.conditions?.find((c) => c.type === 'Ready');
      if (ready && BLOCKING_REASONS.has(ready.reason)) throw conflict('extension', ready.message);
      await writes.setSecretKey(credentialsSecretName(name), LOGIN_HASH_KEY, await loginHash);
      const { credentials: c } = result;
      reply.code(201);
      return {
        status: 'ok',
        user: {
          ...toApiUser(result.agent, true),
          sipPasswordGenerated: true,
        },
        sipCredentials: credentialsFor(c),
        message: `Agent created with SIP credentials. Extension: ${c.extension ?? 'none'}`,
      };
    } catch (err) {
      // Nothing half-created: the Secret goes with the agent (owner reference).
      await writes
        .deleteAgent(name)
        .catch((e: unknown) =>
          ctx.logger.error({ agent: name, err: String(e) }, 'removing a half-created agent failed'),
        );
      throw err;
    }
  });

  app.patch('/hr/users/:id', write, async (request) => {
    const agent = agentOr404((request.params as { id: string }).id);
    const parsed = withPhoneNumber(request.body, validatePatchUser);
    if (!parsed.ok) throw invalidBody(parsed.errors);
    const { password, ...fields } = parsed.value;
    const spec = specFields(fields);
    if (Object.keys(spec).length === 0 && password === undefined)
      throw invalidBody([{ field: '(root)', message: 'names no field to change' }]);
    const merged = { ...agent, spec: { ...agent.spec, ...spec } };
    const whole = validateSipAgent({ ...merged, status: undefined });
    if (!whole.ok) throw invalidBody(whole.errors.map(toUserField));
    if (spec.extension !== undefined) {
      const owner = extensionOwner(spec.extension, agent.metadata.name);
      if (owner) throw conflict('extension', `is already used by ${owner.spec.displayName}`);
    }
    let updated = agent;
    if (Object.keys(spec).length > 0)
      updated = await writes.patchAgent(agent.metadata.name, { spec });
    if (password !== undefined) {
      if (!caches.secrets.get(credentialsSecretName(agent.metadata.name), ns))
        throw new HttpError(409, 'the agent has no credentials Secret yet; try again shortly');
      await writes.setSecretKey(
        credentialsSecretName(agent.metadata.name),
        LOGIN_HASH_KEY,
        await hashPassword(password),
      );
    }
    return { status: 'ok', user: toApiUser(updated, hasCredentials(updated)) };
  });

  app.delete('/hr/users/:id', write, async (request) => {
    const agent = agentOr404((request.params as { id: string }).id);
    await writes.deleteAgent(agent.metadata.name);
    return { status: 'ok', message: `Agent ${agent.spec.displayName} deleted` };
  });

  app.post('/hr/users/:id/regenerate-sip', write, async (request) => {
    const agent = agentOr404((request.params as { id: string }).id);
    const name = agent.metadata.name;
    const trigger = `${new Date().toISOString()}-${randomBytes(3).toString('hex')}`.replaceAll(
      ':',
      '',
    );
    await writes.patchAgent(name, {
      metadata: { annotations: { [REGENERATE_ANNOTATION]: trigger } },
    });
    const result = await settled(
      name,
      (a, c) => c.generatedFor === trigger && a.status?.sipUsername === c.username,
    );
    if (!result)
      throw new HttpError(
        504,
        `the operator did not rotate the SIP credentials within ${settings.credentialsWaitMs / 1000} s; they rotate once it does`,
      );
    return {
      status: 'ok',
      user: toApiUser(result.agent, true),
      sipCredentials: credentialsFor(result.credentials),
      message: 'SIP credentials regenerated: the old password no longer works.',
    };
  });
}
