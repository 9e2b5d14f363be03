// AMI framing as Asterisk 22 writes and reads it: "Key: Value" lines ended
// by CRLF, a message ended by an empty line. Requests may use bare LF.
// Some Asterisk messages carry a stray bare LF before the final CRLF (the
// transcripts show it); `strayLf` reproduces that byte for byte.

export type Fields = readonly (readonly [string, string])[];

export function formatMessage(
  fields: Fields,
  options: { strayLfAfterLast?: boolean } = {},
): string {
  const lines = fields.map(([k, v]) => `${k}: ${v}`);
  if (options.strayLfAfterLast && lines.length) {
    const last = lines.pop() as string;
    return `${lines.map((l) => `${l}\r\n`).join('')}${last}\n\r\n\r\n`;
  }
  return `${lines.map((l) => `${l}\r\n`).join('')}\r\n`;
}

/** A bare line (no "Key:"), as GetConfig's "No categories found". */
export function formatWithBareLine(fields: Fields, bare: string): string {
  return `${fields.map(([k, v]) => `${k}: ${v}\r\n`).join('')}${bare}\r\n\r\n`;
}

/** Splits complete requests off a buffer; returns them and what is left. */
export function parseRequests(buffer: string): { requests: Fields[]; rest: string } {
  const requests: Fields[] = [];
  let rest = buffer;
  for (;;) {
    const match = /\r?\n\r?\n/.exec(rest);
    if (!match) break;
    const block = rest.slice(0, match.index);
    rest = rest.slice(match.index + match[0].length);
    const fields: [string, string][] = [];
    for (const line of block.split(/\r?\n/)) {
      const i = line.indexOf(':');
      if (i <= 0) continue;
      fields.push([line.slice(0, i).trim(), line.slice(i + 1).trim()]);
    }
    if (fields.length) requests.push(fields);
  }
  return { requests, rest };
}

/** A header's value, case-insensitively, as Asterisk's astman_get_header. */
export function header(fields: Fields, name: string): string | undefined {
  const lower = name.toLowerCase();
  return fields.find(([k]) => k.toLowerCase() === lower)?.[1];
}
