// The shapes of /auth/tokens (operator/src/api/auth/token-routes.ts).
export const TOKEN_SCOPES = ['agents:read', 'agents:write', 'settings:write'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export interface ApiTokenInfo {
  readonly id: string;
  readonly name: string;
  readonly scopes: readonly TokenScope[];
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly lastUsedAt: string | null;
  readonly expired: boolean;
}

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
