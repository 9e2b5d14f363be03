// Asterisk configuration text: sections of `key = value` lines. Values are
// cleaned of what the config parser would misread (";" starts a comment, a
// newline ends the line).

export type Line =
  | readonly [key: string, value: string | number]
  | readonly [key: string, value: string | number, op: '=>'];

export function section(name: string, lines: readonly Line[], template?: string): string {
  const head =
    template === '!' ? `[${name}](!)` : template ? `[${name}](${template})` : `[${name}]`;
  const body = lines.map(([k, v, op]) => `${k} ${op ?? '='} ${v}`);
  return `${[head, ...body].join('\n')}\n`;
}

/** Text safe inside a value: no comment starts, no line breaks, no control characters. */
export function clean(text: string): string {
  return text
    .replace(/[;\r\n\t\p{Cc}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A caller ID `"Name" <ext>`: quotes and angle brackets in the name would break it. */
export function callerId(displayName: string, extension: number): string {
  const name = clean(displayName).replace(/["<>\\]/g, '');
  return `"${name}" <${extension}>`;
}
