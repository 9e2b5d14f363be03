// Who and where an agent can transfer a call to, by name: the other agents
// with an extension (suspended ones cannot take calls) and every number of
// the hotline and the CallQueues in force. Names and numbers only — nothing
// an agent could not already dial. Pure.
import type { CallQueue, SipAgent, WebRTCConfig } from '../../crds/types.ts';

export interface DirectoryEntry {
  readonly kind: 'agent' | 'queue';
  /** Shown to the agent: the display name or the queue's name. */
  readonly name: string;
  /** What the transfer dials. */
  readonly number: string;
}

export function directoryOf(
  agents: readonly SipAgent[],
  queues: readonly CallQueue[],
  config: WebRTCConfig | undefined,
  self: string | undefined,
): DirectoryEntry[] {
  const people: DirectoryEntry[] = agents
    .filter((a) => a.metadata.name !== self && !a.spec.suspended)
    .filter((a) => a.status?.extension !== undefined && !a.metadata.deletionTimestamp)
    .map((a) => ({ kind: 'agent', name: a.spec.displayName, number: String(a.status?.extension) }));
  const lines: DirectoryEntry[] = [];
  if (config) lines.push({ kind: 'queue', name: 'Hotline', number: config.spec.hotline.number });
  for (const q of queues) {
    if (q.metadata.deletionTimestamp) continue;
    for (const number of q.status?.numbers ?? [])
      lines.push({ kind: 'queue', name: q.metadata.name ?? '', number });
  }
  const byName = (a: DirectoryEntry, b: DirectoryEntry) =>
    a.name.localeCompare(b.name) || a.number.localeCompare(b.number);
  // a number claimed twice (a NumberConflict the queue's status reports) is listed once
  const seen = new Set<string>();
  const unique = lines.filter((l) => !seen.has(l.number) && seen.add(l.number));
  return [...unique.sort(byName), ...people.sort(byName)];
}
