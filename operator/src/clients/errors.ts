// Recognising API errors from @kubernetes/client-node (ApiException carries `code`).

export function statusCode(err: unknown): number | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'number')
    return err.code;
  return undefined;
}

export const isNotFound = (err: unknown) => statusCode(err) === 404;
export const isConflict = (err: unknown) => statusCode(err) === 409;
export const isAlreadyExists = (err: unknown) => statusCode(err) === 409;

/** A short description of an API error for logs and conditions, without response bodies. */
export function describeError(err: unknown): string {
  const code = statusCode(err);
  if (code !== undefined) {
    const body = (err as { body?: unknown }).body;
    let message = '';
    try {
      message =
        typeof body === 'string'
          ? String((JSON.parse(body) as { message?: unknown }).message ?? '')
          : '';
    } catch {
      // not a Status body
    }
    return message ? `API error ${code}: ${message}` : `API error ${code}`;
  }
  return err instanceof Error ? err.message : String(err);
}
