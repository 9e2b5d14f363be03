// A small reader of Asterisk configuration text, for tests and for comparing
// what Asterisk would see: sections with their template and key/value lines.
// Comments and #include lines are skipped (GetConfig never shows comments).

export interface ParsedSection {
  readonly name: string;
  readonly template: string | undefined;
  readonly lines: [string, string][];
}

export function parseConfig(text: string): ParsedSection[] {
  const sections: ParsedSection[] = [];
  let current: ParsedSection | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/;.*$/, '').trim();
    if (!line || line.startsWith('#')) continue;
    const head = /^\[([^\]]+)\](?:\(([^)]*)\))?$/.exec(line);
    if (head) {
      current = { name: head[1] ?? '', template: head[2], lines: [] };
      sections.push(current);
      continue;
    }
    const kv = /^([^=]+?)\s*=>?\s*(.*)$/.exec(line);
    if (!kv || !current) throw new Error(`unparsable line: ${raw}`);
    current.lines.push([kv[1] ?? '', kv[2] ?? '']);
  }
  return sections;
}

export function value(section: ParsedSection | undefined, key: string): string | undefined {
  return section?.lines.find(([k]) => k === key)?.[1];
}
