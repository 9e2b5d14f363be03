// What an API token may do. No imports: the web UI bundles this list too.
export const TOKEN_SCOPES = [
  'agents:read',
  'agents:write',
  'settings:write',
  'recordings:read',
] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];
