// Field errors from the API, by the form field they belong to.
import type { FieldError } from '../api/types.ts';

/** "iceServers.stunUrls[1]" → "iceServers"; errors on unknown fields stay under "(form)". */
export function errorsByField(
  errors: readonly FieldError[],
  fields: readonly string[],
): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of errors) {
    const top = e.field.split(/[.[]/)[0] ?? '';
    const key = fields.includes(top) ? top : '(form)';
    const message =
      key === '(form)' && e.field !== '(root)' ? `${e.field}: ${e.message}` : e.message;
    out.set(key, out.has(key) ? `${out.get(key)}; ${message}` : message);
  }
  return out;
}
