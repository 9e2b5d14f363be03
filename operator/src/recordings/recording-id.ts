// What a recording id may be: exactly the file names the dialplan writes
// (asterisk/render/recording.ts): <linkedid>-<uniqueid>.<extension>, letters,
// digits, "_", "-" and single dots between them. Anything else (a "../", an
// absolute path, a slash, a percent sign left by double encoding, a NUL) is
// refused before any lookup or file system call. Pure.
import { RECORDING_EXTENSION } from '../asterisk/render/recording.ts';

const EXTENSIONS = Object.values(RECORDING_EXTENSION);
const SHAPE = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
export const RECORDING_ID_MAX = 200;

export type RecordingIdCheck = { ok: true; id: string } | { ok: false; message: string };

export function checkRecordingId(raw: string): RecordingIdCheck {
  if (raw.length === 0) return { ok: false, message: 'recording id is empty' };
  if (raw.length > RECORDING_ID_MAX)
    return { ok: false, message: `recording id is longer than ${RECORDING_ID_MAX} characters` };
  if (!SHAPE.test(raw))
    return {
      ok: false,
      message:
        'recording id may hold only letters, digits, "_", "-" and single dots (no path: "/", "..", "%" are refused)',
    };
  const extension = raw.slice(raw.lastIndexOf('.') + 1);
  if (!raw.includes('.') || !EXTENSIONS.includes(extension))
    return {
      ok: false,
      message: `recording id must end in a recording format (.${EXTENSIONS.join(', .')})`,
    };
  return { ok: true, id: raw };
}

const TYPES: Record<string, string> = {
  wav: 'audio/wav',
  WAV: 'audio/wav',
  gsm: 'audio/x-gsm',
  ulaw: 'audio/basic',
  alaw: 'audio/x-alaw-basic',
};

/** The Content-Type of a checked id. */
export function recordingContentType(id: string): string {
  return TYPES[id.slice(id.lastIndexOf('.') + 1)] ?? 'application/octet-stream';
}
