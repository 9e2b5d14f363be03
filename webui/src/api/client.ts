// The one way the web UI talks to the operator: JSON over fetch, same-origin
// cookies, the CSRF token on every change, and errors as ApiError with the
// API's own message and field errors.
import type { FieldError, Session } from './types.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly errors: readonly FieldError[];

  constructor(status: number, message: string, errors: readonly FieldError[] = []) {
    super(message);
    this.status = status;
    this.errors = errors;
  }
}

let csrfToken: string | null = null;
const listeners = new Set<() => void>();

/** Called when any request answers 401: the session is gone (expired, password changed, agent deleted). */
export function onSignedOut(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export async function request<T>(
  method: Method,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<T> {
  if (method !== 'GET' && !csrfToken) await send('GET', '/auth/session').catch(() => undefined);
  try {
    return await send<T>(method, path, body, signal);
  } catch (err) {
    // The token can go stale (server restarted before it had its key, cookie cleared): renew once.
    if (!(err instanceof ApiError) || err.status !== 403 || !/CSRF/.test(err.message)) throw err;
    await send('GET', '/auth/session');
    return await send<T>(method, path, body, signal);
  }
}

async function send<T>(
  method: Method,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'The server cannot be reached. Check the connection and try again.');
  }
  const data = (await res.json().catch(() => ({}))) as {
    message?: string;
    errors?: FieldError[];
    csrfToken?: string | null;
  };
  if (typeof data.csrfToken === 'string') csrfToken = data.csrfToken;
  if (!res.ok) {
    if (res.status === 401 && path !== '/auth/login') for (const l of listeners) l();
    throw new ApiError(
      res.status,
      data.message ?? `request failed (${res.status})`,
      data.errors ?? [],
    );
  }
  return data as T;
}

export const api = {
  session: () => request<Session>('GET', '/auth/session'),
  login: (username: string, password: string) =>
    request<Session>('POST', '/auth/login', { username, password }),
  logout: () => request<{ status: 'ok' }>('POST', '/auth/logout', {}),
};
