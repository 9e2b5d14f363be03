// API tokens for automation (an HR system, a script): "sbt_<id>_<secret>",
// sent as "Authorization: Bearer …". The secret is 32 random bytes, so a
// plain SHA-256 is enough to store (a slow password hash protects guessable
// passwords; nothing guesses 256 random bits). Pure: no I/O here.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

import { TOKEN_SCOPES, type TokenScope } from './token-scopes.ts';

export { TOKEN_SCOPES, type TokenScope };

/** What is stored per token (one key of the tokens Secret); never the token. */
export interface TokenRecord {
  readonly id: string;
  readonly name: string;
  readonly scopes: readonly TokenScope[];
  /** SHA-256 of the whole token, hex. */
  readonly hash: string;
  readonly createdAt: string;
  readonly expiresAt: string;
}

/** What the API shows of a token. */
export interface TokenInfo {
  readonly id: string;
  readonly name: string;
  readonly scopes: readonly TokenScope[];
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly lastUsedAt: string | null;
  readonly expired: boolean;
}

const PREFIX = 'sbt_';
const TOKEN_PATTERN = /^sbt_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export const sha256 = (token: string): string => createHash('sha256').update(token).digest('hex');

/** A new token and the record to store for it. */
export function mintToken(
  name: string,
  scopes: readonly TokenScope[],
  expiresAt: Date,
  now = new Date(),
): { token: string; record: TokenRecord } {
  const id = randomBytes(8).toString('hex');
  const token = `${PREFIX}${id}_${randomBytes(32).toString('base64url')}`;
  return {
    token,
    record: {
      id,
      name,
      scopes: [...new Set(scopes)],
      hash: sha256(token),
      createdAt: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
    },
  };
}

/** The token's id, or undefined when it is not shaped like one of ours. */
export function tokenId(token: string): string | undefined {
  return TOKEN_PATTERN.exec(token)?.[1];
}

/** The token from an Authorization header ("Bearer sbt_…"); undefined without a Bearer header. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

export type TokenVerdict =
  | { readonly ok: true; readonly record: TokenRecord }
  | { readonly ok: false; readonly message: string };

/** Checks a presented token against the stored record of its id (constant-time compare). */
export function verifyToken(
  token: string,
  record: TokenRecord | undefined,
  now = Date.now(),
): TokenVerdict {
  const invalid = { ok: false, message: 'invalid or revoked API token' } as const;
  if (!record) return invalid;
  const a = Buffer.from(sha256(token), 'hex');
  const b = Buffer.from(record.hash, 'hex');
  if (a.length !== b.length || !timingSafeEqual(a, b)) return invalid;
  if (Date.parse(record.expiresAt) <= now)
    return { ok: false, message: `the API token "${record.name}" has expired` };
  return { ok: true, record };
}

/** Reads a stored record; undefined for anything malformed (it then matches no token). */
export function parseRecord(json: string): TokenRecord | undefined {
  try {
    const r = JSON.parse(json) as Partial<TokenRecord>;
    if (
      typeof r.id !== 'string' ||
      typeof r.name !== 'string' ||
      typeof r.hash !== 'string' ||
      typeof r.createdAt !== 'string' ||
      typeof r.expiresAt !== 'string' ||
      !Array.isArray(r.scopes)
    )
      return undefined;
    const scopes = r.scopes.filter((s): s is TokenScope =>
      (TOKEN_SCOPES as readonly string[]).includes(s),
    );
    return {
      id: r.id,
      name: r.name,
      scopes,
      hash: r.hash,
      createdAt: r.createdAt,
      expiresAt: r.expiresAt,
    };
  } catch {
    return undefined;
  }
}

export function tokenInfo(
  record: TokenRecord,
  lastUsedAt: string | undefined,
  now = Date.now(),
): TokenInfo {
  return {
    id: record.id,
    name: record.name,
    scopes: record.scopes,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
    lastUsedAt: lastUsedAt ?? null,
    expired: Date.parse(record.expiresAt) <= now,
  };
}
