// queues.conf: the main file declares every queue (the hotline queue and each
// queue any agent serves) with its settings; each shard file appends its
// agents as static members with `[queue](+)`. app_queue skips a second
// category of the same name ("already defined! Skipping!"), while `(+)` merges
// at parse time — but fails the whole file if the queue was not declared
// before, which is why the main file declares them all and #includes the
// shard files after the declarations. A queue with a CallQueue gets its
// settings; any other (the hotline's without a CallQueue, names agents list)
// keeps the built-in defaults below, byte for byte as before CallQueues.
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

/**
 * `member => PJSIP/<id>,<penalty>,<member name>,<state interface>` (queues.conf.sample:
 * interface[,penalty][,membername][,state_interface][,ringinuse][,wrapuptime][,paused]).
 * The member name is split on "," and honours ( ) [ ] quoting: the label (safeName) has none.
 */
function member(a: AcceptedAgent, penalty: number): string {
  const iface = `PJSIP/${a.sipUsername}`;
  return `${iface},${penalty},${a.label},${iface}`;
}

/** One shard's memberships, grouped by queue (byte order), agents in input order. */
export function queuesShard(
  agents: readonly AcceptedAgent[],
  of: (agent: AcceptedAgent) => readonly Membership[] = (a) =>
    a.queues.map((queue) => ({ queue, penalty: 0 })),
): string {
  const byQueue = new Map<string, string[]>();
  for (const a of agents) {
    for (const { queue, penalty } of of(a)) {
      const list = byQueue.get(queue) ?? [];
      if (list.length === 0) byQueue.set(queue, list);
      list.push(member(a, penalty));
    }
  }
  let out = '';
  for (const q of [...byQueue.keys()].sort()) {
    out += `\n[${q}](+)\n`;
    for (const m of byQueue.get(q) ?? []) out += `member => ${m}\n`;
  }
  return out;
}
