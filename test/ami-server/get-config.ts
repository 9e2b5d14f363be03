// GetConfig and GetConfigJSON answers (transcripts main_07..13, main_40,
// main_44, main_48, config-behaviour *.ami_getconfig): one `Category-NNNNNN`
// per matching category and one `Line-NNNNNN-MMMMMM: key=value` per line,
// inherited template lines first; templates themselves are not listed.
// Filtering is supported only as recorded: `Category:` is an exact name and
// `Filter:` one `name=value` pair (see GAPS.md).
import type { ConfigCategory } from './config-reader.ts';
import type { AmiField } from './framing.ts';

const pad = (n: number) => String(n).padStart(6, '0');

export function selectCategories(
  categories: readonly ConfigCategory[],
  name: string | undefined,
  filter: string | undefined,
): ConfigCategory[] {
  const eq = filter?.indexOf('=') ?? -1;
  const wantKey = filter !== undefined && eq >= 0 ? filter.slice(0, eq) : filter;
  const wantValue = filter !== undefined && eq >= 0 ? filter.slice(eq + 1) : undefined;
  return categories.filter(
    (c) =>
      !c.template &&
      (name === undefined || c.name === name) &&
      (filter === undefined || c.lines.some((l) => l.key === wantKey && l.value === wantValue)),
  );
}

/** GetConfig's lines after Response/ActionID; empty when nothing matched. */
export function getConfigFields(categories: readonly ConfigCategory[]): AmiField[] {
  const fields: AmiField[] = [];
  categories.forEach((c, i) => {
    fields.push([`Category-${pad(i)}`, c.name]);
    // Asterisk names a category's templates on a line of their own (not recorded: GAPS.md).
    if (c.templates.length > 0) fields.push([`Templates-${pad(i)}`, c.templates.join(',')]);
    c.lines.forEach((l, j) => {
      fields.push([`Line-${pad(i)}-${pad(j)}`, `${l.key}=${l.value}`]);
    });
  });
  return fields;
}

/** Asterisk's json_escape: only `"` and `\` are escaped. */
const jsonText = (s: string) => s.replace(/["\\]/g, (c) => `\\${c}`);

/** GetConfigJSON's one-line JSON; duplicate category names stay duplicate keys, as recorded. */
export function configJson(categories: readonly ConfigCategory[]): string {
  const parts = categories.map((c) => {
    const members: string[] = [];
    if (c.templates.length > 0) members.push(`"templates":"${jsonText(c.templates.join(','))}"`);
    for (const l of c.lines) members.push(`"${jsonText(l.key)}":"${jsonText(l.value)}"`);
    return `"${jsonText(c.name)}":{${members.join(',')}}`;
  });
  return `{${parts.join(',')}}`;
}
