// Field-level errors with the paths the API server uses ("spec.iceServers.turnServers[0].urls").
import type { ErrorObject } from 'ajv';

export interface FieldError {
  /** Dotted path of the offending field, e.g. "spec.extension". */
  readonly field: string;
  readonly message: string;
}

export function pointerToField(pointer: string): string {
  let field = '';
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    field += /^\d+$/.test(part) ? `[${part}]` : `${field ? '.' : ''}${part}`;
  }
  return field;
}

export function toFieldErrors(errors: readonly ErrorObject[]): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const e of errors) {
    const base = pointerToField(e.instancePath);
    const join = (child: string) => (base ? `${base}.${child}` : child);
    let field = base;
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties') {
      field = join(String(e.params.additionalProperty));
      message = 'unknown field';
    } else if (e.keyword === 'required') {
      field = join(String(e.params.missingProperty));
      message = 'is required';
    } else if (e.keyword === 'x-kubernetes-validations' && typeof e.params.fieldPath === 'string') {
      field = `${base}${e.params.fieldPath}`;
    } else if (e.keyword === 'enum') {
      message = `must be one of: ${(e.params.allowedValues as unknown[]).join(', ')}`;
    }
    const key = `${field}\0${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ field: field || '(root)', message });
  }
  return out;
}
