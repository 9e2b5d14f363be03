// What the reports know of the call center from the caches: the queues a
// report may name (every CallQueue and the hotline's queue) with their
// service levels, and which SipAgent a queue-log member name belongs to
// (app_queue logs the member name, which the operator sets to the agent's
// display name made safe: asterisk/render/agents.ts). Pure.
import { safeName } from '../../asterisk/render/syntax.ts';
import type { CallQueue, SipAgent, WebRTCConfig } from '../../crds/types.ts';

export interface KnownQueues {
  readonly names: ReadonlySet<string>;
  /** Seconds, for queues that have a service level. */
  readonly serviceLevels: ReadonlyMap<string, number>;
}

export function knownQueues(
  queues: readonly CallQueue[],
  config: WebRTCConfig | undefined,
): KnownQueues {
  const names = new Set<string>();
  const serviceLevels = new Map<string, number>();
  for (const q of queues) {
    names.add(q.metadata.name ?? '');
    if (q.spec.serviceLevelSeconds > 0)
      serviceLevels.set(q.metadata.name ?? '', q.spec.serviceLevelSeconds);
  }
  if (config) names.add(config.spec.hotline.queue);
  names.delete('');
  return { names, serviceLevels };
}

/** member name → SipAgent name; a name two agents share maps to none. */
export function memberAgents(agents: readonly SipAgent[]): (member: string) => string | null {
  const by = new Map<string, string | null>();
  for (const a of agents) {
    const label = safeName(a.spec.displayName, a.status?.sipUsername ?? a.metadata.name ?? '');
    by.set(label, by.has(label) ? null : (a.metadata.name ?? null));
  }
  return (member) => by.get(member) ?? null;
}
