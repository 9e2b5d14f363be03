// Settings of the HTTP API from the environment (the Helm chart sets them).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CountryCode } from 'libphonenumber-js';
import { phoneRegion } from './hr/phone-number.ts';

export interface ApiSettings {
  /** The call center this API serves: one namespace, one Asterisk. */
  readonly namespace: string;
  /** Where the admin and session-key Secrets live (the operator's own namespace). */
  readonly systemNamespace: string;
  /** Secure cookies (HTTPS); off only for plain-HTTP development on a non-localhost host. */
  readonly secureCookies: boolean;
  /** Login attempts allowed per client address per window. */
  readonly loginRateLimit: { readonly max: number; readonly windowMs: number };
  /** How long POST /hr/users and regenerate wait for the operator's credentials Secret. */
  readonly credentialsWaitMs: number;
  readonly sessionTtlSeconds: number;
  /** Heartbeat of GET /softphone/events, below the idle timeout of any proxy in between. */
  readonly eventsHeartbeatMs: number;
  /** Where national phone numbers ("030 123456") are read as from (DEFAULT_PHONE_REGION); none: only +… numbers. */
  readonly defaultPhoneRegion: CountryCode | undefined;
  /** API tokens: how often each replica re-reads them (revocations elsewhere), how often last uses are written. */
  readonly apiTokens: { readonly refreshMs: number; readonly flushMs: number };
  /** The built web UI (esbuild output) and its index.html. */
  readonly webuiDir: string;
  readonly indexHtml: string;
}

function int(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`${name} must be a positive integer, got "${value}"`);
  return n;
}

function bool(name: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new Error(`${name} must be true or false, got "${value}"`);
}

export function loadApiSettings(
  defaults: { watchNamespace: string; podNamespace: string },
  env: NodeJS.ProcessEnv = process.env,
  root = projectRoot(import.meta.dirname),
): ApiSettings {
  return {
    namespace: env.API_NAMESPACE || defaults.watchNamespace || defaults.podNamespace,
    systemNamespace: defaults.podNamespace,
    secureCookies: bool('COOKIE_SECURE', env.COOKIE_SECURE, true),
    loginRateLimit: {
      max: int('LOGIN_RATE_LIMIT', env.LOGIN_RATE_LIMIT, 10),
      windowMs: int('LOGIN_RATE_WINDOW_MS', env.LOGIN_RATE_WINDOW_MS, 60_000),
    },
    credentialsWaitMs: int('CREDENTIALS_WAIT_MS', env.CREDENTIALS_WAIT_MS, 15_000),
    sessionTtlSeconds: int('SESSION_TTL_SECONDS', env.SESSION_TTL_SECONDS, 8 * 3600),
    eventsHeartbeatMs: int(
      'SOFTPHONE_EVENTS_HEARTBEAT_MS',
      env.SOFTPHONE_EVENTS_HEARTBEAT_MS,
      15_000,
    ),
    apiTokens: {
      refreshMs: int('API_TOKENS_REFRESH_MS', env.API_TOKENS_REFRESH_MS, 10_000),
      flushMs: int('API_TOKENS_LAST_USED_FLUSH_MS', env.API_TOKENS_LAST_USED_FLUSH_MS, 30_000),
    },
    defaultPhoneRegion: phoneRegion(env.DEFAULT_PHONE_REGION),
    webuiDir: env.WEBUI_DIR || join(root, 'dist', 'webui'),
    indexHtml: env.WEBUI_INDEX || join(root, 'webui', 'index.html'),
  };
}

/** The nearest folder above `from` with a package.json: the repo, or the image's app folder (also when bundled). */
export function projectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return from;
  }
}
