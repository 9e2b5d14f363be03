// Which agents may call out when the outbound trunk names some of them
// (spec.outbound.agents.selector): their endpoints carry the permission
// (render/pjsip.ts DIALOUT_VARIABLE), so Asterisk refuses everyone else.
// Pure: the WebRTCConfig controller marks the agents it renders with it.
import { matchesSelector } from '../callqueue/selector.ts';
import type { SipAgent, SipTrunk } from '../crds/types.ts';
import type { ResolvedTrunk } from './resolve.ts';

/**
 * Names of the agents allowed to call out one by one; undefined when no
 * agent needs a mark of its own (no outbound trunk, or every agent may: the
 * endpoint template carries the permission then).
 */
export function dialOutAgents(
  trunks: readonly SipTrunk[],
  resolved: ReadonlyMap<string, ResolvedTrunk>,
  agents: readonly SipAgent[],
): ReadonlySet<string> | undefined {
  const trunk = trunks.find((t) => resolved.get(t.metadata.name)?.outbound === 'active');
  const selector = trunk?.spec.outbound?.agents?.selector;
  if (selector === undefined) return undefined;
  return new Set(
    agents.filter((a) => matchesSelector(selector, a.metadata.labels)).map((a) => a.metadata.name),
  );
}
