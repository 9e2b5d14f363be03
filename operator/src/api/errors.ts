// One error shape for every API answer that is not a success:
// { status: "error", message, errors?: [{ field, message }] }. Messages name
// fields and reasons, never a secret value.
import type { FieldError } from '../schema/errors.ts';

export class HttpError extends Error {
  readonly statusCode: number;
  readonly errors: readonly FieldError[] | undefined;

  constructor(statusCode: number, message: string, errors?: readonly FieldError[]) {
    super(message);
    this.statusCode = statusCode;
    this.errors = errors;
  }
}

export interface ErrorBody {
  status: 'error';
  message: string;
  errors?: FieldError[];
}

export function errorBody(message: string, errors?: readonly FieldError[]): ErrorBody {
  return errors?.length
    ? { status: 'error', message, errors: [...errors] }
    : { status: 'error', message };
}

/** A 400 whose message lists each field, e.g. "name: must match pattern …". */
export function invalidBody(errors: readonly FieldError[]): HttpError {
  const summary = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
  return new HttpError(400, `invalid request: ${summary}`, errors);
}
