// Asterisk's config file reader (main/config.c) as far as the AMI test server
// needs it. Files are read from disk at every call, never cached: GetConfig
// shows a new file at once, before any reload (NOTES.md). Comments never
// reach the result; #include/#tryinclude are merged in place (relative to the
// config directory); a missing #include makes the whole file invalid while a
// missing #tryinclude is skipped; a line without "=" is only a warning
// (config-behaviour I). Templates and the "parse error" cases follow
// Asterisk's source and are listed in GAPS.md.
import { existsSync, globSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/** Where config files live: `dir` stands for Asterisk's `etcDir` (/etc/asterisk). */
export interface ConfigSource {
  readonly dir: string;
  readonly etcDir: string;
}

export interface ConfigLine {
  readonly key: string;
  readonly value: string;
  /** Copied from a template (`[name](template)`); Asterisk lists these first. */
  readonly inherited: boolean;
  readonly file: string;
  readonly lineNo: number;
}

export interface ConfigCategory {
  readonly name: string;
  /** Declared with `(!)`: Asterisk hides it from GetConfig and from res_pjsip. */
  readonly template: boolean;
  /** The templates it inherits from, in order. */
  readonly templates: readonly string[];
  readonly lines: readonly ConfigLine[];
}

export type ConfigResult =
  | {
      readonly ok: true;
      readonly categories: readonly ConfigCategory[];
      /** Asterisk-style log lines ("WARNING config.c: ..."). */
      readonly log: readonly string[];
    }
  | {
      readonly ok: false;
      readonly reason: 'not-found' | 'invalid-format';
      readonly log: readonly string[];
    };

/**
 * Asterisk refuses deeper nesting ("Maximum Include level (10) exceeded"):
 * the top file and 10 levels of includes below it load, the 11th is "missing".
 */
const MAX_INCLUDE_LEVEL = 10;

/** The local path of a file Asterisk would open: absolute paths under etcDir map into dir. */
export function localPath(src: ConfigSource, filename: string): string {
  const name = filename.trim();
  if (!isAbsolute(name)) return join(src.dir, name);
  const etc = src.etcDir.replace(/\/+$/, '');
  return name.startsWith(`${etc}/`) ? join(src.dir, name.slice(etc.length + 1)) : name;
}

/** A file's path as Asterisk names it in log lines: relative names under etcDir. */
function shownPath(src: ConfigSource, filename: string): string {
  const name = filename.trim();
  return isAbsolute(name) ? name : `${src.etcDir.replace(/\/+$/, '')}/${name}`;
}

/**
 * The files an include names: Asterisk expands it with glob(3) (GLOB_NOCHECK,
 * GLOB_BRACE), matches in sorted order; only those that are files count.
 */
function includedFiles(src: ConfigSource, arg: string): { path: string; shown: string }[] {
  const target = localPath(src, arg);
  if (!/[*?[{]/.test(arg))
    return isFile(target) ? [{ path: target, shown: shownPath(src, arg) }] : [];
  const dir = src.dir.replace(/\/+$/, '');
  const etc = src.etcDir.replace(/\/+$/, '');
  return globSync(target)
    .sort()
    .filter(isFile)
    .map((path) => ({
      path,
      shown: path.startsWith(`${dir}/`) ? `${etc}${path.slice(dir.length)}` : path,
    }));
}

function realpathOrUndefined(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Asterisk's restrictedFile(): a file that exists and whose real path does not
 * start with the config directory "requires escalated privileges". A missing
 * file is not restricted (it is then "not found"). Like Asterisk, the test is
 * a plain prefix test and follows symlinks (Kubernetes volume mounts use them).
 */
export function isRestricted(src: ConfigSource, filename: string): boolean {
  const real = realpathOrUndefined(localPath(src, filename));
  if (real === undefined) return false;
  const dir = realpathOrUndefined(src.dir) ?? src.dir;
  return !real.startsWith(dir);
}

export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

interface MutableCategory {
  name: string;
  template: boolean;
  templates: string[];
  lines: ConfigLine[];
}

/** Removes `;` comments and `;-- --;` block comments; `\;` is a literal semicolon. */
function stripComments(raw: string, block: { depth: number }): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    if (block.depth > 0) {
      if (raw.startsWith('--;', i)) {
        block.depth--;
        i += 2;
      } else if (raw.startsWith(';--', i) && raw[i + 3] !== '-') {
        block.depth++;
        i += 2;
      }
      continue;
    }
    const c = raw[i];
    if (c === '\\' && raw[i + 1] === ';') {
      out += ';';
      i++;
    } else if (raw.startsWith(';--', i) && raw[i + 3] !== '-') {
      block.depth++;
      i += 2;
    } else if (c === ';') {
      break;
    } else {
      out += c;
    }
  }
  return out;
}

/** Reads `filename` (relative to the config directory, or absolute) with everything it includes. */
export function readConfig(src: ConfigSource, filename: string): ConfigResult {
  const categories: MutableCategory[] = [];
  const log: string[] = [];
  const error = (text: string) => log.push(`ERROR config.c: ${text}`);
  const warning = (text: string) => log.push(`WARNING config.c: ${text}`);
  const first = (name: string) => categories.find((c) => c.name === name);

  /**
   * Loads one file into `categories`; false when it is invalid. What an
   * invalid file added stays, and only the top file's invalidity counts:
   * config.c's includer goes on after an included file that failed
   * (checked in agreement.test.ts).
   */
  const load = (path: string, shown: string, level: number, start?: MutableCategory): boolean => {
    // An included file goes on with the includer's open category; the includer keeps its own.
    let current = start;
    const block = { depth: 0 };
    const rawLines = readFileSync(path, 'utf8').split('\n');
    for (let i = 0; i < rawLines.length; i++) {
      const lineNo = i + 1;
      const line = stripComments((rawLines[i] ?? '').replace(/\r$/, ''), block).trim();
      if (line === '') continue;

      if (line.startsWith('[')) {
        const close = line.indexOf(']');
        if (close < 0) {
          error(`parse error: no closing ']', line ${lineNo} of ${shown}`);
          return false;
        }
        const cat: MutableCategory = {
          name: line.slice(1, close),
          template: false,
          templates: [],
          lines: [],
        };
        let target: MutableCategory = cat;
        const rest = line.slice(close + 1);
        if (rest.startsWith('(')) {
          const end = rest.indexOf(')');
          if (end < 0) {
            error(`parse error: no closing ')', line ${lineNo} of ${shown}`);
            return false;
          }
          for (const option of rest.slice(1, end).split(',')) {
            if (option === '!') {
              cat.template = true;
            } else if (option === '+') {
              const existing = first(cat.name);
              if (!existing) {
                error(
                  `Category addition requested, but category '${cat.name}' does not exist, line ${lineNo} of ${shown}`,
                );
                return false;
              }
              target = existing;
            } else {
              const base = first(option);
              if (!base) {
                error(
                  `Inheritance requested, but category '${option}' does not exist, line ${lineNo} of ${shown}`,
                );
                return false;
              }
              cat.templates.push(option);
              for (const l of base.lines) cat.lines.push({ ...l, inherited: true });
            }
          }
        }
        if (target === cat) categories.push(cat);
        current = target;
        continue;
      }

      if (line.startsWith('#')) {
        const directive = /^#\s*(\S+)\s*(.*)$/.exec(line);
        const name = (directive?.[1] ?? '').toLowerCase();
        const arg = (directive?.[2] ?? '').replace(/^[<>"]+|[<>"]+$/g, '').trim();
        if (name === 'include' || name === 'tryinclude') {
          const tooDeep = level > MAX_INCLUDE_LEVEL;
          if (tooDeep) warning(`Maximum Include level (${MAX_INCLUDE_LEVEL}) exceeded`);
          const files = tooDeep ? [] : includedFiles(src, arg);
          if (files.length === 0) {
            if (name === 'include') {
              error(`The file '${arg}' was listed as a #include but it does not exist.`);
              return false;
            }
            continue; // a missing #tryinclude is skipped silently
          }
          // An invalid included file ends its glob's list; this file goes on.
          for (const f of files) if (!load(f.path, f.shown, level + 1, current)) break;
        } else if (name === 'exec') {
          warning(
            'Cannot perform #exec unless execincludes option is enabled in asterisk.conf (options section)!',
          );
        } else {
          warning(`Unknown directive '#${name}' at line ${lineNo} of ${shown}`);
        }
        continue;
      }

      if (!current) {
        error(`parse error: No category context for line ${lineNo} of ${shown}`);
        return false;
      }
      const eq = line.indexOf('=');
      if (eq < 0) {
        warning(`No '=' (equal sign) in line ${lineNo} of ${shown}`);
        continue;
      }
      const append = eq > 0 && line[eq - 1] === '+';
      const key = line.slice(0, append ? eq - 1 : eq).trim();
      const raw = line.slice(eq + 1);
      // "key => value" (an object line) reads like "key = value"
      const value = (append ? raw : raw.replace(/^>/, '')).trim();
      if (key === '') {
        warning(`No variable name in line ${lineNo} of ${shown}`);
        continue;
      }
      const previous = append ? current.lines.findLast((l) => l.key === key) : undefined;
      if (previous) {
        // "+=" appends the text after "=" as written, then trims the whole value.
        const index = current.lines.lastIndexOf(previous);
        current.lines[index] = { ...previous, value: (previous.value + raw).trim() };
      } else {
        current.lines.push({ key, value, inherited: false, file: shown, lineNo });
      }
    }
    return true;
  };

  const path = localPath(src, filename);
  if (!existsSync(path) || !isFile(path)) return { ok: false, reason: 'not-found', log };
  if (!load(path, shownPath(src, filename), 1)) return { ok: false, reason: 'invalid-format', log };
  return { ok: true, categories, log };
}
