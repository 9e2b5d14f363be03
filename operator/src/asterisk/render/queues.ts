// queues.conf: the main file declares every queue (the hotline queue and each
// queue any agent serves) with its settings; each shard file appends its
// agents as static members with `[queue](+)`. app_queue skips a second
// category of the same name ("already defined! Skipping!"), while `(+)` merges
// at parse time — but fails the whole file if the queue was not declared
// before, which is why the main file declares them all and #includes the
// shard files after the declarations.
import type { WebRTCConfigSpec } from '../../crds/types.ts';
import type { AcceptedAgent } from './agents.ts';
import { isQueueName } from './agents.ts';
import { section } from './syntax.ts';

/** How long one member's browser rings before the next member is tried. */
export const MEMBER_RING_SECONDS = 20;

/** Queue names in byte order: the hotline queue plus every queue an agent serves. */
export function queueNames(spec: WebRTCConfigSpec, agents: readonly AcceptedAgent[]): string[] {
  const names = new Set<string>();
  if (isQueueName(spec.hotline.queue)) names.add(spec.hotline.queue);
  for (const a of agents) for (const q of a.queues) names.add(q);
  return [...names].sort();
}

export function queuesMain(names: readonly string[]): string {
  return names
    .map((name) =>
      section(name, [
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
      ]),
    )
    .join('\n');
}

/**
 * `member => PJSIP/<id>,<penalty>,<member name>,<state interface>` (queues.conf.sample:
 * interface[,penalty][,membername][,state_interface][,ringinuse][,wrapuptime][,paused]).
 * The member name is split on "," and honours ( ) [ ] quoting: the label (safeName) has none.
 */
function member(a: AcceptedAgent): string {
  const iface = `PJSIP/${a.sipUsername}`;
  return `${iface},0,${a.label},${iface}`;
}

/** One shard's memberships, grouped by queue (byte order), agents in input order. */
export function queuesShard(agents: readonly AcceptedAgent[]): string {
  const byQueue = new Map<string, string[]>();
  for (const a of agents) {
    for (const q of a.queues) {
      const list = byQueue.get(q) ?? [];
      if (list.length === 0) byQueue.set(q, list);
      list.push(member(a));
    }
  }
  let out = '';
  for (const q of [...byQueue.keys()].sort()) {
    out += `\n[${q}](+)\n`;
    for (const m of byQueue.get(q) ?? []) out += `member => ${m}\n`;
  }
  return out;
}
