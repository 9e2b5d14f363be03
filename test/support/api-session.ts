// A tiny HTTP client for the operator's API in tests: keeps cookies like a
// browser (one jar per session), sends the CSRF token it was given, and
// returns status, headers and parsed JSON.

import { decode, type Resources } from './resources.ts';
import { waitUntil } from './wait.ts';

export interface ApiAnswer<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
  readonly text: string;
  readonly ms: number;
}

export class ApiSession {
  readonly base: string;
  readonly cookies = new Map<string, string>();
  csrfToken: string | undefined;

  constructor(base: string) {
    this.base = base;
  }

  async call<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    options: { csrf?: boolean; headers?: Record<string, string> } = {},
  ): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.cookies.size)
      headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if ((options.csrf ?? true) && this.csrfToken && method !== 'GET')
      headers['x-csrf-token'] = this.csrfToken;
    const started = performance.now();
    const res = await fetch(this.base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const ms = performance.now() - started;
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair?.indexOf('=') ?? -1;
      if (!pair || i < 0) continue;
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    let parsed: unknown = {};
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON (health, pages)
    }
    const token = (parsed as { csrfToken?: unknown }).csrfToken;
    if (typeof token === 'string') this.csrfToken = token;
    return { status: res.status, headers: res.headers, body: parsed as T, text, ms };
  }

  /** GET /auth/session (for the CSRF token), then POST /auth/login. */
  async login(username: string, password: string): Promise<ApiAnswer> {
    await this.call('GET', '/auth/session');
    return this.call('POST', '/auth/login', { username, password });
  }
}

/**
 * Waits for the operator's generated admin password (Secret
 * switchboard-initial-admin) and signs in with it once sign-in is ready.
 */
export async function signInAdmin(
  r: Resources,
  base: string,
): Promise<{ session: ApiSession; password: string }> {
  let password = '';
  await waitUntil('initial admin Secret', async () => {
    password = decode(await r.secret('switchboard-initial-admin'), 'password') ?? '';
    return password !== '';
  });
  const session = new ApiSession(base);
  await waitUntil(
    'admin can sign in',
    async () => (await session.login('admin', password)).status === 200,
  );
  return { session, password };
}
