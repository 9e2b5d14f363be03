// Content-hash markers. AMI GetConfig shows categories and key=value lines,
// never comments (NOTES.md), so each generated file starts with a category
// carrying sha256(rest of the file), in a place its module ignores:
//
// - pjsip files: `[switchboard-hash]` with `<file> = <sha>`. A PJSIP section
//   without `type=` is ignored silently by res_pjsip (config-behaviour case H:
//   no log line, no object). All pjsip files share the category name, so ONE
//   `GetConfig pjsip.conf Category: switchboard-hash` returns every marker.
// - extensions files: a context `[switchboard-hash]` with
//   `exten => <file stem>,1,NoOp(<sha>)`. pbx_config merges same-named
//   contexts, so again one category holds them all; nothing includes the
//   context and no endpoint lands in it, so it can never run; NoOp does
//   nothing even if it did. (An unknown key in a context logs "Unknown
//   directive" at every reload, and `[globals]` is read only from the first
//   such category and would set channel variables — both rejected.)
// - queues and rtp files: `[general]` with `switchboard-hash-<file> = <sha>`.
//   app_queue never treats a category named general as a queue (a marker
//   queue would show up in QueueStatus), and both modules read only the keys
//   they know, from the FIRST [general]. So our files are #included at the
//   END of the base file, after its own [general] (LAYOUT.md); then our
//   [general] categories are never read, and if the base has none, ours holds
//   no known key and the defaults apply.
import { createHash } from 'node:crypto';
import type { GeneratedObject, HashMarker } from './types.ts';

export const PJSIP_MARKER_CATEGORY = 'switchboard-hash';
export const DIALPLAN_MARKER_CONTEXT = 'switchboard-hash';
const GENERAL = 'general';

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

type Family = Pick<HashMarker, 'configFile' | 'module'>;

function family(fileName: string): Family {
  if (fileName.startsWith('pjsip')) return { configFile: 'pjsip.conf', module: 'res_pjsip.so' };
  if (fileName.startsWith('extensions'))
    return { configFile: 'extensions.conf', module: 'pbx_config.so' };
  if (fileName.startsWith('queues')) return { configFile: 'queues.conf', module: 'app_queue.so' };
  if (fileName.startsWith('rtp')) return { configFile: 'rtp.conf', module: 'res_rtp_asterisk.so' };
  throw new Error(`no marker style for generated file ${fileName}`);
}

/** Extension names are letters, digits and "_" here: "-" would be dropped by pbx.c, "." is a pattern char. */
function stem(fileName: string): string {
  return fileName.replace(/\.conf$/, '').replace(/[^A-Za-z0-9_]/g, '_');
}

function markerFor(fileName: string, hash: string): HashMarker {
  const f = family(fileName);
  if (f.module === 'res_pjsip.so')
    return { ...f, category: PJSIP_MARKER_CATEGORY, key: fileName, value: hash };
  if (f.module === 'pbx_config.so')
    return {
      ...f,
      category: DIALPLAN_MARKER_CONTEXT,
      key: 'exten',
      value: `${stem(fileName)},1,NoOp(${hash})`,
    };
  return { ...f, category: GENERAL, key: `switchboard-hash-${fileName}`, value: hash };
}

function markerText(m: HashMarker): string {
  return `[${m.category}]\n${m.key} ${m.key === 'exten' ? '=>' : '='} ${m.value}\n`;
}

/** The file as written: marker first, then `body`. */
export function withMarker(fileName: string, body: string): string {
  return markerText(markerFor(fileName, sha256(body))) + body;
}

/**
 * Reads the marker back out of a generated file (its first two lines) — what
 * the apply loop looks for in GetConfig output, as `key=value` under
 * `Category: category`. Undefined when the content does not start with one.
 */
export function hashMarker(fileName: string, content: string): HashMarker | undefined {
  const nl = content.indexOf('\n');
  const nl2 = content.indexOf('\n', nl + 1);
  if (nl < 0 || nl2 < 0) return undefined;
  const body = content.slice(nl2 + 1);
  const expected = markerFor(fileName, sha256(body));
  return content.slice(0, nl2 + 1) === markerText(expected) ? expected : undefined;
}

/** Every marker of an object, in file-name order. */
export function objectMarkers(object: GeneratedObject): HashMarker[] {
  return Object.keys(object.files)
    .sort()
    .filter((f) => f.endsWith('.conf'))
    .flatMap((f) => hashMarker(f, object.files[f] ?? '') ?? []);
}

/** sha256 over file names and contents, in name order (NUL-separated so boundaries are unambiguous). */
export function objectHash(files: Readonly<Record<string, string>>): string {
  const h = createHash('sha256');
  for (const name of Object.keys(files).sort()) h.update(`${name}\0${files[name]}\0`);
  return h.digest('hex');
}
