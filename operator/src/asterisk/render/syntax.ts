// Asterisk configuration text: `[name]` / `[name](!)` / `[name](template)`
// headers and `key = value` lines. Asterisk's parser treats ";" as a comment
// start and a newline as the end of a value, so free text (display names) is
// reduced to characters that cannot end, comment out or split a value.

export type Line = readonly [key: string, value: string | number];

/** `template`: '!' defines a template, '+' appends to an existing category, anything else inherits. */
export function section(name: string, lines: readonly Line[], template?: string): string {
  const head = template ? `[${name}](${template})` : `[${name}]`;
  let out = `${head}\n`;
  for (const [k, v] of lines) out += `${k} = ${v}\n`;
  return out;
}

/**
 * Asterisk copies a caller ID name (res_pjsip's callerid handler) and a queue
 * member name (app_queue's membername) into 80-byte buffers, cutting by bytes:
 * a longer UTF-8 name would end in half a character.
 */
export const NAME_MAX_BYTES = 79;

/** The longest prefix of `text` within `maxBytes` UTF-8 bytes, cut between code points. */
export function truncateUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let out = '';
  for (const ch of text) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > maxBytes) break;
    bytes += n;
    out += ch;
  }
  return out;
}

/**
 * A display name as safe text: letters, marks and digits of any script, spaces
 * and a little punctuation. Quotes become apostrophes; everything else that a
 * config value, a caller ID (`"name" <ext>`) or an app argument list (`,()[]`)
 * would misread — `;`, `\`, `"`, `<>`, `,`, brackets, control characters,
 * newlines — becomes a space. At most NAME_MAX_BYTES. Empty result: `fallback`.
 */
export function safeName(text: string, fallback: string): string {
  const cleaned = text
    .normalize('NFC')
    .replace(/"/g, "'")
    .replace(/[^\p{L}\p{M}\p{N} .'_&@!?/:#*+-]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return truncateUtf8(cleaned, NAME_MAX_BYTES).trimEnd() || fallback;
}

/** `"Name" <1000>` for PJSIP `callerid`; `name` already passed through safeName. */
export function callerId(name: string, extension: number): string {
  return `"${name}" <${extension}>`;
}
