// The content hash of a generated object, carried where Asterisk shows it:
// AMI GetConfig returns categories and key=value lines, never comments, and
// res_pjsip silently ignores a section without `type=` (NOTES.md). So each
// object's PJSIP file starts with `[switchboard-object-<name>]` holding
// `content-hash = <sha256>` of the object's files as they are without it.
import { createHash } from 'node:crypto';

export const MARKER_KEY = 'content-hash';

export function markerCategory(objectName: string): string {
  return `switchboard-object-${objectName}`;
}

export function contentHash(files: Readonly<Record<string, string>>): string {
  const h = createHash('sha256');
  for (const name of Object.keys(files).sort()) h.update(`${name}\0${files[name]}\0`);
  return h.digest('hex');
}

export function markerSection(objectName: string, hash: string): string {
  return `[${markerCategory(objectName)}]\n${MARKER_KEY} = ${hash}\n\n`;
}
