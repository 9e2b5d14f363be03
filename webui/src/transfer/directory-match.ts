// Finding a transfer target as the agent types: by any word of a name
// ("bil" finds "billing", "lee" finds "Ann Lee", accents ignored) or by the
// start of a number. Pure.

/** One row of GET /softphone/directory (operator api/softphone/directory.ts). */
export interface DirectoryEntry {
  readonly kind: 'agent' | 'queue';
  readonly name: string;
  readonly number: string;
}

const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();

export function matchDirectory(
  entries: readonly DirectoryEntry[],
  query: string,
  limit = 6,
): DirectoryEntry[] {
  const q = fold(query.trim());
  if (q === '') return entries.slice(0, limit);
  const digits = q.replace(/[\s().\-/]/g, '');
  return entries
    .filter(
      (e) =>
        fold(e.name)
          .split(/[\s_.-]+/)
          .some((word) => word.startsWith(q)) ||
        fold(e.name).startsWith(q) ||
        (digits !== '' && e.number.startsWith(digits)),
    )
    .slice(0, limit);
}
