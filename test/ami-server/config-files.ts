// Asterisk's config reader, as far as the AMI test server needs it: files
// from a directory read at every call (GetConfig has no cache), #include and
// #tryinclude (relative to the config directory), templates, comments.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, normalize, relative } from 'node:path';

export interface Category {
  readonly name: string;
  readonly isTemplate: boolean;
  /** key=value lines, inherited template lines first. */
  readonly lines: readonly (readonly [string, string])[];
}

export type ReadResult =
  | { ok: true; categories: Category[] }
  | { ok: false; error: 'not-found' | 'invalid-format' };

export function insideDir(dir: string, file: string): boolean {
  const rel = relative(dir, isAbsolute(file) ? normalize(file) : join(dir, file));
  return !rel.startsWith('..') && !isAbsolute(rel);
}

export function readConfig(dir: string, file: string): ReadResult {
  const path = isAbsolute(file) ? file : join(dir, file);
  if (!existsSync(path)) return { ok: false, error: 'not-found' };
  const categories: { name: string; isTemplate: boolean; lines: [string, string][] }[] = [];
  let failed = false;
  const load = (p: string) => {
    let current: (typeof categories)[number] | undefined;
    for (const raw of readFileSync(p, 'utf8').split(/\r?\n/)) {
      const line = raw.replace(/(?<!\\);.*$/, '').trim();
      if (!line) continue;
      const include = /^#(try)?include\s+"?([^"]+?)"?$/.exec(line);
      if (include) {
        const target = join(dir, include[2] ?? '');
        if (existsSync(target)) load(target);
        else if (!include[1]) failed = true; // a missing #include invalidates the whole file
        continue;
      }
      const head = /^\[([^\]]+)\](?:\(([^)]*)\))?$/.exec(line);
      if (head) {
        const options = (head[2] ?? '')
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean);
        const lines: [string, string][] = [];
        for (const base of options.filter((o) => o !== '!')) {
          const tpl = [...categories].reverse().find((c) => c.name === base);
          if (tpl) lines.push(...tpl.lines);
        }
        current = { name: head[1] ?? '', isTemplate: options.includes('!'), lines };
        categories.push(current);
        continue;
      }
      const kv = /^([^=]+?)\s*=>?\s*(.*)$/.exec(line);
      if (kv && current) current.lines.push([kv[1] ?? '', kv[2] ?? '']);
      // A line without "=" is only a warning in Asterisk: ignored.
    }
  };
  load(path);
  if (failed) return { ok: false, error: 'invalid-format' };
  return { ok: true, categories };
}
