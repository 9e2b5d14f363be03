// An agent's note on a call (PUT /softphone/calls/<linkedid>/note): what the
// body may hold, checked before the database is asked anything.
import type { Disposition } from '../../crds/types.ts';

export const NOTE_MAX_CHARS = 2000;
/** Asterisk's linkedid: "<epoch>.<n>", or a uniqueid with a system name prefix. */
const LINKEDID = /^[A-Za-z0-9._-]{1,150}$/;

export interface CallNote {
  /** null: no code picked (only when the admin defined none, or the agent cleared it). */
  readonly disposition: string | null;
  readonly note: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

export function checkLinkedid(id: string): Checked<string> {
  return LINKEDID.test(id)
    ? { ok: true, value: id }
    : { ok: false, message: 'linkedid: letters, digits, ".", "_" and "-" only (1 to 150)' };
}

/** The body, against the admin's list (WebRTCConfig spec.dispositions); the message names the field. */
export function checkCallNote(
  body: unknown,
  dispositions: readonly Disposition[],
): Checked<CallNote> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { ok: false, message: 'the body must be a JSON object {disposition, note}' };
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => k !== 'disposition' && k !== 'note');
  if (unknown.length > 0) return { ok: false, message: `${unknown[0]}: unknown field` };
  const note = b.note ?? '';
  if (typeof note !== 'string') return { ok: false, message: 'note: must be a string' };
  if ([...note].length > NOTE_MAX_CHARS)
    return {
      ok: false,
      message: `note: at most ${NOTE_MAX_CHARS} characters (got ${[...note].length})`,
    };
  const d = b.disposition ?? null;
  if (d !== null && typeof d !== 'string')
    return { ok: false, message: 'disposition: must be a string or null' };
  if (d !== null && !dispositions.some((x) => x.code === d)) {
    const codes = dispositions.map((x) => x.code);
    return {
      ok: false,
      message: `disposition: "${d}" is not one of ${codes.length ? codes.join(', ') : 'the dispositions (none are defined)'}`,
    };
  }
  if (d === null && note.trim() === '')
    return { ok: false, message: 'disposition: pick one, or write a note' };
  return { ok: true, value: { disposition: d, note } };
}
