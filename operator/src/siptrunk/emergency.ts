// Emergency numbers an agent could not reach: the agents' dialplan tries the
// hotline, queue numbers and extensions before the outbound context (inside
// numbers always win), so an emergency number that is also one of those
// rings inside the call center instead of going to the carrier. Pure; the
// SipTrunk carrying calls out reports what it finds (condition and Event).
import type { CallQueue, SipAgent, WebRTCConfigSpec } from '../crds/types.ts';

export interface ShadowedNumber {
  readonly number: string;
  /** What answers it instead, in words. */
  readonly by: string;
}

export function shadowedEmergencyNumbers(
  emergencyNumbers: readonly string[],
  config: Pick<WebRTCConfigSpec, 'hotline'> | undefined,
  queues: readonly CallQueue[],
  agents: readonly SipAgent[],
): ShadowedNumber[] {
  const inside = new Map<string, string>();
  const claim = (number: string | number | undefined, by: string) => {
    if (number !== undefined && !inside.has(String(number))) inside.set(String(number), by);
  };
  if (config) claim(config.hotline.number, 'the hotline number');
  for (const q of queues) {
    if (q.metadata.deletionTimestamp) continue;
    for (const n of q.status?.numbers ?? q.spec.numbers ?? [])
      claim(n, `a number of CallQueue "${q.metadata.name}"`);
  }
  for (const a of agents) {
    if (a.metadata.deletionTimestamp || a.spec.suspended) continue;
    claim(
      a.status?.extension ?? a.spec.extension,
      `the extension of SipAgent "${a.metadata.name}"`,
    );
  }
  return [...new Set(emergencyNumbers)].sort().flatMap((number) => {
    const by = inside.get(number);
    return by === undefined ? [] : [{ number, by }];
  });
}
