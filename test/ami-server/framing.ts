// The AMI wire format as Asterisk 22 reads and writes it
// (test/ami-server/recorded/transcripts): "Name: value" lines ended by CRLF, a
// message ended by an empty line. Requests may end lines with a bare LF, as
// Asterisk reads up to LF and drops a trailing CR. Some Asterisk messages
// carry a stray bare LF (their text ends with "\n" before the CRLF that
// closes the line), and GetConfig can answer a bare line without "Name:".

/** A "Name: value" line. */
export type AmiField = readonly [name: string, value: string];
/** A line without "Name:", as GetConfig's "No categories found". */
export interface AmiBareLine {
  readonly bare: string;
}
export type AmiLine = AmiField | AmiBareLine;

/** A response or an event, lines in the order they go on the wire. */
export interface AmiMessage {
  readonly lines: readonly AmiLine[];
}

/** A request as the client sent it: its header lines in order. */
export interface AmiRequest {
  readonly headers: readonly AmiField[];
}

export const BANNER = 'Asterisk Call Manager/11.0.0\r\n';

export function isBare(line: AmiLine): line is AmiBareLine {
  return !Array.isArray(line);
}

/** Bytes of one message exactly as Asterisk writes them. */
export function serialize(m: AmiMessage): string {
  let out = '';
  for (const line of m.lines) {
    out += isBare(line) ? `${line.bare}\r\n` : `${line[0]}: ${line[1]}\r\n`;
  }
  return `${out}\r\n`;
}

/**
 * A header's value as Asterisk's astman_get_header finds it: the first line
 * whose name matches case-insensitively, blanks after the colon skipped.
 * An empty value counts as absent, as Asterisk's callers test ast_strlen_zero.
 */
export function header(req: AmiRequest, name: string): string | undefined {
  const lower = name.toLowerCase();
  const found = req.headers.find(([k]) => k.toLowerCase() === lower);
  return found && found[1] !== '' ? found[1] : undefined;
}

function parseHeader(line: string): AmiField | undefined {
  const colon = line.indexOf(':');
  if (colon < 0) return undefined; // Asterisk keeps it, but no header lookup can ever match it
  return [line.slice(0, colon), line.slice(colon + 1).replace(/^[ \t]+/, '')];
}

/**
 * Splits a request stream into requests, chunk by chunk. An empty line ends
 * a request; an empty line with no header before it is an empty request too
 * (Asterisk answers it "Missing action in request").
 */
export function createRequestParser(): { push(chunk: string): AmiRequest[] } {
  let pending = '';
  let headers: AmiField[] = [];
  return {
    push(chunk) {
      pending += chunk;
      const out: AmiRequest[] = [];
      for (;;) {
        const lf = pending.indexOf('\n');
        if (lf < 0) break;
        const line = pending.slice(0, lf).replace(/\r$/, '');
        pending = pending.slice(lf + 1);
        if (line === '') {
          out.push({ headers });
          headers = [];
          continue;
        }
        const field = parseHeader(line);
        if (field) headers.push(field);
      }
      return out;
    },
  };
}

/**
 * Parses what an AMI server sent (after the banner) into messages, for
 * clients and tests. Tolerates the stray bare LF: blank lines with no message
 * pending are skipped. `rest` is an incomplete tail.
 */
export function parseMessages(text: string): { messages: AmiMessage[]; rest: string } {
  const messages: AmiMessage[] = [];
  let lines: AmiLine[] = [];
  let consumed = 0;
  let start = 0;
  for (;;) {
    const lf = text.indexOf('\n', start);
    if (lf < 0) break;
    const line = text.slice(start, lf).replace(/\r$/, '');
    start = lf + 1;
    if (line === '') {
      if (lines.length > 0) messages.push({ lines });
      lines = [];
      consumed = start;
      continue;
    }
    lines.push(parseHeader(line) ?? { bare: line });
  }
  return { messages, rest: text.slice(consumed) };
}

/** A field's value in a parsed message (first match, exact name). */
export function field(m: AmiMessage, name: string): string | undefined {
  for (const line of m.lines) if (!isBare(line) && line[0] === name) return line[1];
  return undefined;
}
