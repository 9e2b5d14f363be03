// A small reader of Asterisk configuration that follows main/config.c closely
// enough to check what we generate: `;` comments (`\;` escapes), `[name]`,
// `[name](!)` templates, `[name](tpl,…)` inheritance (template lines first),
// `[name](+)` appends (error if the category does not exist yet), `#include`
// (a missing file makes the whole load fail, NOTES.md) and `#tryinclude`
// (skipped), paths relative to the config directory. getConfig() shows what
// AMI GetConfig answers: categories in order, templates left out, no comments.

export interface ConfigLine {
  readonly key: string;
  readonly value: string;
  /** Written with `=>`. */
  readonly object: boolean;
  readonly file: string;
}

export interface ConfigCategory {
  readonly name: string;
  readonly file: string;
  readonly template: boolean;
  readonly inherits: readonly string[];
  readonly lines: ConfigLine[];
}

export interface LoadedConfig {
  readonly categories: readonly ConfigCategory[];
  /** Every file read, in load order. */
  readonly files: readonly string[];
  /** What config.c only warns about (a line without "="). */
  readonly warnings: readonly string[];
}

export class ConfigError extends Error {}

const MAX_INCLUDE_DEPTH = 10;

function stripComment(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === ';') {
      if (out.endsWith('\\')) out = `${out.slice(0, -1)};`;
      else break;
    } else out += c;
  }
  return out.trim();
}

/**
 * Loads `file` as Asterisk would, reading it and its includes through `read`
 * (undefined: no such file). Throws ConfigError where Asterisk rejects the file.
 */
export function loadConfig(file: string, read: (path: string) => string | undefined): LoadedConfig {
  const categories: ConfigCategory[] = [];
  const files: string[] = [];
  const warnings: string[] = [];
  let current: ConfigCategory | undefined;

  const find = (name: string) => categories.find((c) => c.name === name);

  function load(path: string, depth: number): void {
    const text = read(path);
    if (text === undefined) throw new ConfigError(`the file '${path}' does not exist`);
    files.push(path);
    // Like config.c: a file continues the category current when it was included.
    let cat = current;
    text.split('\n').forEach((raw, index) => {
      const where = `line ${index + 1} of ${path}`;
      const line = stripComment(raw);
      if (!line) return;
      if (line.startsWith('[')) {
        const m = /^\[([^\]]+)\](?:\(([^)]*)\))?$/.exec(line);
        if (!m?.[1]) throw new ConfigError(`parse error: bad category header, ${where}`);
        const options = (m[2] ?? '')
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean);
        if (options.includes('+')) {
          const existing = find(m[1]);
          if (!existing)
            throw new ConfigError(
              `Category addition requested, but category '${m[1]}' does not exist, ${where}`,
            );
          cat = existing;
          return;
        }
        const created: ConfigCategory = {
          name: m[1],
          file: path,
          template: options.includes('!'),
          inherits: options.filter((o) => o !== '!'),
          lines: [],
        };
        for (const base of created.inherits) {
          const from = find(base);
          if (!from)
            throw new ConfigError(
              `Inheritance requested, but category '${base}' does not exist, ${where}`,
            );
          created.lines.push(...from.lines);
        }
        categories.push(created);
        cat = current = created;
        return;
      }
      if (line.startsWith('#')) {
        const d = /^#(include|tryinclude)\s+["<]?([^">]+)[">]?$/.exec(line);
        if (!d?.[2]) throw new ConfigError(`unknown directive, ${where}`);
        if (depth >= MAX_INCLUDE_DEPTH) throw new ConfigError(`includes nest too deep, ${where}`);
        const target = d[2].trim();
        if (d[1] === 'tryinclude' && read(target) === undefined) return;
        load(target, depth + 1);
        return;
      }
      const eq = line.indexOf('=');
      if (eq < 0) {
        warnings.push(`No '=' (equal sign) in ${where}`);
        return;
      }
      if (!cat) throw new ConfigError(`parse error: No category context for ${where}`);
      const object = line[eq + 1] === '>';
      cat.lines.push({
        key: line.slice(0, eq).trim(),
        value: line.slice(eq + (object ? 2 : 1)).trim(),
        object,
        file: path,
      });
    });
  }

  load(file, 0);
  return { categories, files, warnings };
}

/** What AMI GetConfig returns: non-template categories (optionally one name), lines as `key=value`. */
export function getConfig(
  config: LoadedConfig,
  category?: string,
): { category: string; lines: string[] }[] {
  return config.categories
    .filter((c) => !c.template && (category === undefined || c.name === category))
    .map((c) => ({ category: c.name, lines: c.lines.map((l) => `${l.key}=${l.value}`) }));
}

/** The last value of `key` in a category (later lines override template ones). */
export function optionValue(category: ConfigCategory | undefined, key: string): string | undefined {
  return category?.lines.findLast((l) => l.key === key)?.value;
}

/** All values of `key` in a category, in order. */
export function optionValues(category: ConfigCategory | undefined, key: string): string[] {
  return category?.lines.filter((l) => l.key === key).map((l) => l.value) ?? [];
}
