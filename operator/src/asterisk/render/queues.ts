// queues.conf: the main file declares every queue (the hotline queue and each
// queue any agent serves) with its settings, and no members: the operator
// adds agents as dynamic members over AMI (agentstate/), so signing in,
// pausing and leaving need no reload and a reload changes none of them.
// A queue with a CallQueue gets its settings; any other (the hotline's
// without a CallQueue, names agents list) keeps the built-in defaults below.
import type { WebRTCConfigSpec } from '../../crds/types.ts';
import type { AcceptedAgent } from './agents.ts';
import { isQueueName } from './agents.ts';
import { type Line, section } from './syntax.ts';
import type { RenderQueue, RenderQueueSettings } from './types.ts';

/** How long one member's browser rings before the next member is tried. */
export const MEMBER_RING_SECONDS = 20;

/** A queue an agent serves: its name and app_queue penalty (lower rings first). */
export interface Membership {
  readonly queue: string;
  readonly penalty: number;
}

/** Queue names in byte order: the hotline queue, every CallQueue and every queue an agent serves. */
export function queueNames(
  spec: WebRTCConfigSpec,
  agents: readonly AcceptedAgent[],
  queues: readonly RenderQueue[] = [],
): string[] {
  const names = new Set<string>();
  if (isQueueName(spec.hotline.queue)) names.add(spec.hotline.queue);
  for (const q of queues) names.add(q.name);
  for (const a of agents) for (const q of a.queues) names.add(q);
  return [...names].sort();
}

/**
 * Every agent's memberships: spec.queues at penalty 0, plus what the operator
 * computed for CallQueues; an agent in a queue both ways gets the lower penalty.
 */
export function memberships(
  agents: readonly AcceptedAgent[],
  queues: readonly RenderQueue[],
): Map<string, Membership[]> {
  const byAgent = new Map<string, Map<string, number>>();
  for (const a of agents) byAgent.set(a.name, new Map(a.queues.map((q) => [q, 0])));
  for (const q of queues)
    for (const m of q.members) {
      const mine = byAgent.get(m.agent);
      if (!mine) continue; // not rendered (suspended, conflicting, no credentials yet)
      const before = mine.get(q.name);
      if (before === undefined || m.penalty < before) mine.set(q.name, m.penalty);
    }
  const out = new Map<string, Membership[]>();
  for (const [agent, mine] of byAgent)
    out.set(
      agent,
      [...mine.entries()].map(([queue, penalty]) => ({ queue, penalty })),
    );
  return out;
}

const yesNo = (b: boolean) => (b ? 'yes' : 'no');

/** A CallQueue's settings; only sounds tools/asterisk/sounds.sh provides are ever named. */
function callQueueLines(s: RenderQueueSettings): Line[] {
  const lines: Line[] = [
    ['strategy', s.strategy],
    ['timeout', s.ringSeconds],
    ['retry', s.retrySeconds],
    ['ringinuse', 'no'],
    ['joinempty', yesNo(s.joinWithoutAgents)],
    ['leavewhenempty', yesNo(!s.stayWithoutAgents)],
    ['maxlen', s.maxCallers],
    ['wrapuptime', s.wrapUpSeconds],
    ['servicelevel', s.serviceLevelSeconds],
    ['musicclass', s.musicOnHold],
  ];
  const a = s.announcements;
  const announcing = a !== undefined && (a.position || a.holdTime) && a.frequencySeconds > 0;
  lines.push(['announce-position', yesNo(announcing && (a?.position ?? false))]);
  lines.push(['announce-holdtime', yesNo(announcing && (a?.holdTime ?? false))]);
  if (announcing) {
    lines.push(['announce-frequency', a?.frequencySeconds ?? 0]);
    // app_queue says "queue-minute" for a one-minute hold time; the build has only the plural.
    lines.push(['queue-minute', 'queue-minutes']);
  }
  return lines;
}

export function queuesMain(names: readonly string[], queues: readonly RenderQueue[] = []): string {
  const settings = new Map(queues.map((q) => [q.name, q.settings]));
  return names
    .map((name) => {
      const own = settings.get(name);
      if (own) return section(name, callQueueLines(own));
      return section(name, [
        // Round robin that remembers where it stopped: load spreads across agents.
        ['strategy', 'rrmemory'],
        ['timeout', MEMBER_RING_SECONDS],
        ['retry', 5],
        // An agent already on a call is skipped (PJSIP reports in-use device state).
        ['ringinuse', 'no'],
        // Callers wait even while no agent is registered (browsers reconnect in seconds);
        // the Queue() timeout in the dialplan bounds the wait.
        ['joinempty', 'yes'],
        ['leavewhenempty', 'no'],
      ]);
    })
    .join('\n');
}
