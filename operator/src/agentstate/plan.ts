// The AMI actions that make app_queue's members what they should be: every
// queue an agent may serve holds the agent unless the agent signed out, at
// the computed penalty, paused exactly when the agent is paused (with the
// reason). Everything else in a queue goes: the operator owns membership.
// Pure.
import type { AgentIntent, DesiredMember, LiveMember, MemberAction } from './types.ts';

export const memberKey = (queue: string, iface: string) => `${queue}\n${iface}`;

export function planMembers(
  desired: readonly DesiredMember[],
  live: ReadonlyMap<string, LiveMember>,
  intentOf: (agent: string) => AgentIntent,
): MemberAction[] {
  const adds: MemberAction[] = [];
  const changes: MemberAction[] = [];
  const wanted = new Set<string>();
  for (const d of desired) {
    const intent = intentOf(d.agent);
    if (intent.presence === 'signed-out') continue;
    const key = memberKey(d.queue, d.iface);
    wanted.add(key);
    const paused = intent.presence === 'paused';
    const reason = paused ? (intent.reason ?? '') : '';
    const now = live.get(key);
    if (!now) {
      adds.push({
        action: 'QueueAdd',
        queue: d.queue,
        iface: d.iface,
        memberName: d.memberName,
        penalty: d.penalty,
        paused,
        reason,
      });
      continue;
    }
    if (now.penalty !== d.penalty)
      changes.push({ action: 'QueuePenalty', queue: d.queue, iface: d.iface, penalty: d.penalty });
    if (now.paused !== paused || (paused && now.pausedReason !== reason))
      changes.push({ action: 'QueuePause', queue: d.queue, iface: d.iface, paused, reason });
  }
  const removes: MemberAction[] = [];
  for (const [key, m] of live)
    if (!wanted.has(key)) removes.push({ action: 'QueueRemove', queue: m.queue, iface: m.iface });
  // Leaving first: a renamed agent (new interface) never sits in a queue twice.
  return [...removes, ...adds, ...changes];
}

/** The AMI fields of one action (QueueAdd's StateInterface: the device tells app_queue "in use"). */
export function actionFields(a: MemberAction): Record<string, string> {
  switch (a.action) {
    case 'QueueAdd':
      return {
        action: 'QueueAdd',
        queue: a.queue,
        interface: a.iface,
        penalty: String(a.penalty),
        paused: a.paused ? 'true' : 'false',
        ...(a.paused && a.reason ? { reason: a.reason } : {}),
        membername: a.memberName,
        stateinterface: a.iface,
      };
    case 'QueueRemove':
      return { action: 'QueueRemove', queue: a.queue, interface: a.iface };
    case 'QueuePenalty':
      return {
        action: 'QueuePenalty',
        queue: a.queue,
        interface: a.iface,
        penalty: String(a.penalty),
      };
    case 'QueuePause':
      return {
        action: 'QueuePause',
        queue: a.queue,
        interface: a.iface,
        paused: a.paused ? 'true' : 'false',
        ...(a.paused && a.reason ? { reason: a.reason } : {}),
      };
  }
}
