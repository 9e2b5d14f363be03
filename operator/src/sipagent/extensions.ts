// Extension allocation and conflict resolution: pure functions over the
// namespace's agents, so the controller and the renderer agree on who owns
// which extension.

export interface ExtensionRange {
  readonly start: number;
  readonly end: number;
}

/**
 * The next extension to hand out: one after the highest taken inside the
 * range; gaps are reused only once the end of the range is reached; null when
 * the range is full.
 */
export function allocateExtension(
  taken: ReadonlySet<number>,
  range: ExtensionRange,
): number | null {
  let highest = range.start - 1;
  for (const ext of taken)
    if (ext >= range.start && ext <= range.end && ext > highest) highest = ext;
  if (highest < range.end) return highest + 1;
  for (let ext = range.start; ext <= range.end; ext++) if (!taken.has(ext)) return ext;
  return null;
}

export interface AgentExtension {
  readonly name: string;
  readonly creationTimestamp: string;
  /** The extension the agent wants: spec.extension, else the one allocated to it; undefined when none yet. */
  readonly extension: number | undefined;
  /** Whether the agent already holds this extension (its status shows it, without a conflict). */
  readonly incumbent?: boolean;
}

export type ExtensionOwnership = ReadonlyMap<
  string,
  { readonly extension: number; readonly conflictWith?: string }
>;

/**
 * Who keeps each contested extension: the older agent. Creation times have
 * one-second resolution, so ties go to the agent already holding it, then by
 * name. The others are marked with the agent they conflict with.
 */
export function resolveExtensions(agents: readonly AgentExtension[]): ExtensionOwnership {
  const byExtension = new Map<number, AgentExtension[]>();
  for (const a of agents) {
    if (a.extension === undefined) continue;
    const list = byExtension.get(a.extension) ?? [];
    list.push(a);
    byExtension.set(a.extension, list);
  }
  const result = new Map<string, { extension: number; conflictWith?: string }>();
  for (const [extension, list] of byExtension) {
    list.sort(olderFirst);
    const [owner, ...others] = list;
    if (!owner) continue;
    result.set(owner.name, { extension });
    for (const other of others) result.set(other.name, { extension, conflictWith: owner.name });
  }
  return result;
}

function olderFirst(a: AgentExtension, b: AgentExtension): number {
  if (a.creationTimestamp !== b.creationTimestamp)
    return a.creationTimestamp < b.creationTimestamp ? -1 : 1;
  if (Boolean(a.incumbent) !== Boolean(b.incumbent)) return a.incumbent ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
