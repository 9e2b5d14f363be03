// Resolves a namespace's CallQueues against each other, the WebRTCConfig and
// the SipAgents: which numbers are in force (the older queue keeps a number
// two claim, like extensions), which agents answer and at what penalty.
// Pure: the WebRTCConfig controller renders from it, the CallQueue
// controller writes status from it, so both always agree.
import type { RenderQueue } from '../asterisk/render/index.ts';
import { SKILL_LEVEL_MAX } from '../crds/callqueue.crd.ts';
import type { CallQueue, SipAgent, WebRTCConfigSpec } from '../crds/types.ts';
import { matchesSelector } from './selector.ts';

export interface ResolvedQueue {
  readonly name: string;
  /** Numbers that reach this queue now. */
  readonly numbers: readonly string[];
  /** Numbers an older queue holds. */
  readonly conflicts: readonly { readonly number: string; readonly queue: string }[];
  /** Numbers inside the WebRTCConfig's extension range (left out: they would shadow agents). */
  readonly inExtensionRange: readonly string[];
  /** Agents computed from the selector and skills (penalty: lower rings first). */
  readonly members: readonly { readonly agent: string; readonly penalty: number }[];
  /** Every agent answering: computed members plus agents naming the queue in spec.queues. */
  readonly memberCount: number;
  /** spec.overflow.queue when no number reaches that queue (the dialplan then hangs up). */
  readonly missingOverflowQueue?: string;
  /** The queues a caller would be passed around forever: [this, …, back to this]. */
  readonly overflowCycle?: readonly string[];
}

/** The overflow chain from `start` when it comes back to `start` (pure). */
export function overflowCycle(
  start: string,
  overflows: ReadonlyMap<string, string>,
): string[] | undefined {
  const path = [start];
  for (let at = overflows.get(start); at !== undefined; at = overflows.get(at)) {
    path.push(at);
    if (at === start) return path;
    if (path.indexOf(at) < path.length - 1) return undefined; // a loop that does not include start
  }
  return undefined;
}

const older = (a: CallQueue, b: CallQueue): number => {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
};

/**
 * The penalty from skills: SKILL_LEVEL_MAX minus the agent's lowest level
 * among the queue's skills (level 10 → 0, level 1 → 9), undefined when the
 * agent lacks one. No skills asked: 0.
 */
export function skillPenalty(
  skills: readonly string[],
  agentSkills: Readonly<Record<string, number>> | undefined,
): number | undefined {
  let lowest = SKILL_LEVEL_MAX;
  for (const s of skills) {
    const level = agentSkills?.[s];
    if (level === undefined) return undefined;
    lowest = Math.min(lowest, level);
  }
  return SKILL_LEVEL_MAX - lowest;
}

function computedMembers(queue: CallQueue, agents: readonly SipAgent[]) {
  const m = queue.spec.members;
  if (!m || (m.selector === undefined && (m.skills ?? []).length === 0)) return [];
  const out: { agent: string; penalty: number }[] = [];
  for (const a of agents) {
    if (a.metadata.deletionTimestamp || a.spec.suspended) continue;
    if (m.selector && !matchesSelector(m.selector, a.metadata.labels)) continue;
    const penalty = skillPenalty(m.skills ?? [], a.spec.skills);
    if (penalty !== undefined) out.push({ agent: a.metadata.name, penalty });
  }
  return out.sort((x, y) => (x.agent < y.agent ? -1 : x.agent > y.agent ? 1 : 0));
}

export function resolveQueues(
  queues: readonly CallQueue[],
  agents: readonly SipAgent[],
  config: Pick<WebRTCConfigSpec, 'extensions' | 'hotline'> | undefined,
): Map<string, ResolvedQueue> {
  const live = queues.filter((q) => !q.metadata.deletionTimestamp);
  const holder = new Map<string, string>();
  const out = new Map<string, ResolvedQueue>();
  const overflows = new Map<string, string>();
  for (const q of [...live].sort(older)) {
    const numbers: string[] = [];
    const conflicts: { number: string; queue: string }[] = [];
    const inExtensionRange: string[] = [];
    for (const n of q.spec.numbers ?? []) {
      const value = Number(n);
      const other = holder.get(n);
      if (config && value >= config.extensions.start && value <= config.extensions.end)
        inExtensionRange.push(n);
      else if (other !== undefined) conflicts.push({ number: n, queue: other });
      else {
        holder.set(n, q.metadata.name);
        numbers.push(n);
      }
    }
    const members = computedMembers(q, agents);
    const byList = agents.filter(
      (a) =>
        !a.metadata.deletionTimestamp &&
        !a.spec.suspended &&
        (a.spec.queues ?? (config ? [config.hotline.queue] : [])).includes(q.metadata.name),
    );
    const all = new Set([...members.map((m) => m.agent), ...byList.map((a) => a.metadata.name)]);
    const overflow = q.spec.overflow?.queue;
    if (overflow !== undefined) overflows.set(q.metadata.name, overflow);
    out.set(q.metadata.name, {
      name: q.metadata.name,
      numbers: numbers.sort(),
      conflicts,
      inExtensionRange,
      members,
      memberCount: all.size,
    });
  }
  // The hotline number reaches the hotline queue unless a CallQueue claims it
  // (routes.ts): it is one of that queue's numbers in force, shown in status.
  const reachable = new Set(holder.values());
  if (config && !holder.has(config.hotline.number)) {
    reachable.add(config.hotline.queue);
    const hotline = out.get(config.hotline.queue);
    if (hotline)
      out.set(hotline.name, {
        ...hotline,
        numbers: [...hotline.numbers, config.hotline.number].sort(),
      });
  }
  // The overflow jumps to the target's first number (dialplan.ts): a target
  // no number reaches would leave the caller nowhere, so it is reported.
  for (const [name, target] of overflows) {
    const r = out.get(name);
    if (r && !reachable.has(target)) out.set(name, { ...r, missingOverflowQueue: target });
  }
  // CEL refuses a queue overflowing to itself; a longer loop spans objects.
  for (const name of overflows.keys()) {
    const cycle = overflowCycle(name, overflows);
    const r = out.get(name);
    if (r && cycle) out.set(name, { ...r, overflowCycle: cycle });
  }
  return out;
}

/** The render input for every CallQueue: settings, numbers in force, computed members. */
export function renderQueues(
  queues: readonly CallQueue[],
  resolved: ReadonlyMap<string, ResolvedQueue>,
): RenderQueue[] {
  const out: RenderQueue[] = [];
  for (const q of queues) {
    const r = resolved.get(q.metadata.name);
    if (!r) continue;
    const { numbers: _numbers, members: _members, ...settings } = q.spec;
    out.push({ name: r.name, settings, numbers: r.numbers, members: r.members });
  }
  return out;
}
