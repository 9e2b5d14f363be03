// Delay before each reconnect attempt after the WebSocket dropped: the first
// at once (a blip), then quickly rising to a 1 s cap so a returning server is
// found within a second or two, with jitter so a call center's hundreds of
// browsers do not reconnect in lockstep after a PBX restart.

const STEPS_MS = [0, 250, 500, 1000] as const;
export const MAX_RECONNECT_DELAY_MS = 1000;

/** attempt counts from 0; random is injectable for tests. */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = STEPS_MS[Math.min(attempt, STEPS_MS.length - 1)] ?? MAX_RECONNECT_DELAY_MS;
  if (base === 0) return 0;
  // ±20 %, never above the cap
  const jittered = base * (0.8 + 0.4 * random());
  return Math.min(MAX_RECONNECT_DELAY_MS, Math.round(jittered));
}
