// The shapes of /auth/tokens: the operator's own definitions (type-only
// imports vanish from the bundle; the scope list has no imports of its own).
import type { TokenInfo } from '../../../operator/src/api/auth/api-tokens.ts';
import type { TokenScope } from '../../../operator/src/api/auth/token-scopes.ts';

export { TOKEN_SCOPES, type TokenScope } from '../../../operator/src/api/auth/token-scopes.ts';
export type ApiTokenInfo = TokenInfo;

export interface ApiTokenList {
  readonly tokens: readonly ApiTokenInfo[];
}

export interface CreatedApiToken {
  readonly token: string;
  readonly tokenInfo: ApiTokenInfo;
}

export interface CreateApiTokenBody {
  readonly name: string;
  readonly scopes: readonly TokenScope[];
  readonly expiresInDays: number;
}
