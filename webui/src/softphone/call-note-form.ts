// The call note form's rules that need no DOM (<sb-call-note>): what the
// form sends to PUT /softphone/calls/<linkedid>/note, what it says before
// sending, and the form filled from a saved note.
import { NOTE_MAX_CHARS } from '../../../operator/src/api/softphone/call-note.ts';

export { NOTE_MAX_CHARS };

export interface NoteForm {
  /** '' when no code is picked (or the admin defined none). */
  readonly disposition: string;
  readonly note: string;
}

export const EMPTY_FORM: NoteForm = { disposition: '', note: '' };

/** The request body: no code picked is null, as the API reads it. */
export function noteBody(form: NoteForm): { disposition: string | null; note: string } {
  return { disposition: form.disposition || null, note: form.note };
}

/** Why the form cannot be saved yet (the server says the same; this spares a round trip), or undefined. */
export function formProblem(form: NoteForm): string | undefined {
  const chars = [...form.note].length;
  if (chars > NOTE_MAX_CHARS)
    return `The note is ${chars} characters long; at most ${NOTE_MAX_CHARS} are kept.`;
  if (!form.disposition && form.note.trim() === '') return 'Pick an outcome or write a note.';
  return undefined;
}

/** The form filled from a saved note (GET …/note). */
export function formOf(saved: { disposition: string | null; note: string }): NoteForm {
  return { disposition: saved.disposition ?? '', note: saved.note };
}
