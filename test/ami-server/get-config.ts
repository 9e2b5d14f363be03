// GetConfig and GetConfigJSON answers (transcripts main_07..13, main_40,
// main_44, main_48, config-behaviour *.ami_getconfig): one `Category-NNNNNN`
// per matching category and one `Line-NNNNNN-MMMMMM: key=value` per line,
// inherited template lines first; templates are listed only when the filter
// asks for them (`TEMPLATES=include|restrict`). Matching follows config.c's
// does_category_match (checked in agreement.test.ts): `Category:` compares
// case-insensitively; `Filter:` is a comma-separated list of `name=value`
// regular expressions (unanchored) that must all match some line.
import type { ConfigCategory } from './config-reader.ts';
import type { AmiField } from './framing.ts';

const pad = (n: number) => String(n).padStart(6, '0');

/** A POSIX extended regular expression as JavaScript reads it; undefined when it does not compile. */
function regex(source: string): RegExp | undefined {
  try {
    return new RegExp(source);
  } catch {
    return undefined;
  }
}

/** config.c's does_category_match for one category. */
function matches(c: ConfigCategory, name: string | undefined, filter: string | undefined): boolean {
  if (name !== undefined && c.name.toLowerCase() !== name.toLowerCase()) return false;
  if (filter === undefined) return !c.template;
  let expressions = 0;
  let found = 0;
  let templateOk = false;
  for (const expression of filter.split(',')) {
    expressions++;
    // name=value[=ignored]; an expression without "=" never matches
    const [rawKey = '', rawValue] = expression.split('=');
    if (rawValue === undefined) break;
    const key = rawKey.trim();
    const value = rawValue.trim();
    if (key === 'TEMPLATES') {
      if (value.toLowerCase() === 'include') {
        if (c.template) templateOk = true;
        found++;
      } else if (value.toLowerCase() === 'restrict') {
        if (!c.template) break;
        found++;
        templateOk = true;
      }
      continue;
    }
    const k = regex(key);
    const v = regex(value);
    if (!k || !v) return false;
    if (c.lines.some((l) => k.test(l.key) && v.test(l.value))) found++;
  }
  return found === expressions && (!c.template || templateOk);
}

export function selectCategories(
  categories: readonly ConfigCategory[],
  name: string | undefined,
  filter: string | undefined,
): ConfigCategory[] {
  return categories.filter((c) => matches(c, name, filter));
}

/** GetConfig's lines after Response/ActionID; empty when nothing matched. */
export function getConfigFields(categories: readonly ConfigCategory[]): AmiField[] {
  const fields: AmiField[] = [];
  categories.forEach((c, i) => {
    fields.push([`Category-${pad(i)}`, c.name]);
    if (c.template) fields.push([`IsTemplate-${pad(i)}`, '1']);
    if (c.templates.length > 0) fields.push([`Templates-${pad(i)}`, c.templates.join(',')]);
    c.lines.forEach((l, j) => {
      fields.push([`Line-${pad(i)}-${pad(j)}`, `${l.key}=${l.value}`]);
    });
  });
  return fields;
}

/** Asterisk's json_escape: only `"` and `\` are escaped. */
const jsonText = (s: string) => s.replace(/["\\]/g, (c) => `\\${c}`);

/**
 * GetConfigJSON's one-line JSON; duplicate category names stay duplicate
 * keys, as recorded. Template names are written unescaped, as Asterisk does.
 */
export function configJson(categories: readonly ConfigCategory[]): string {
  const parts = categories.map((c) => {
    const members: string[] = [];
    if (c.template) members.push('"istemplate":1');
    if (c.templates.length > 0) members.push(`"templates":"${c.templates.join(',')}"`);
    for (const l of c.lines) members.push(`"${jsonText(l.key)}":"${jsonText(l.value)}"`);
    return `"${jsonText(c.name)}":{${members.join(',')}}`;
  });
  return `{${parts.join(',')}}`;
}
