// Which queues each rendered agent may serve, at what penalty (the same
// memberships the static configuration used to list), and each queue's
// wrap-up. Pure: the WebRTCConfig controller computes it with every render.
import type { AcceptedAgent } from '../asterisk/render/agents.ts';
import { memberships } from '../asterisk/render/queues.ts';
import type { RenderQueue } from '../asterisk/render/types.ts';
import type { DesiredMember } from './types.ts';

export function desiredMembers(
  accepted: readonly AcceptedAgent[],
  queues: readonly RenderQueue[],
): DesiredMember[] {
  const of = memberships(accepted, queues);
  const out: DesiredMember[] = [];
  for (const a of accepted)
    for (const m of of.get(a.name) ?? [])
      out.push({
        agent: a.name,
        queue: m.queue,
        iface: `PJSIP/${a.sipUsername}`,
        memberName: a.label,
        penalty: m.penalty,
      });
  return out;
}

/** Wrap-up seconds of every CallQueue that has some (the built-in queues have none). */
export function wrapUpSeconds(queues: readonly RenderQueue[]): Map<string, number> {
  return new Map(
    queues
      .filter((q) => q.settings.wrapUpSeconds > 0)
      .map((q) => [q.name, q.settings.wrapUpSeconds]),
  );
}
