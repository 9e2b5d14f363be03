// Delay before sending a REGISTER again after one failed on a live socket
// (rejected, not refreshed, not sent): backing off to 30 s so a server that
// keeps refusing is not hammered. A dropped socket is reconnect-delay.ts's.

const STEPS_MS = [1000, 2000, 5000, 10_000, 30_000] as const;

/** retries counts the failed attempts since the last success, from 0. */
export function registerRetryDelayMs(retries: number): number {
  return STEPS_MS[Math.min(retries, STEPS_MS.length - 1)] ?? 30_000;
}

/**
 * How long a REGISTER may wait for its final answer (the 401 challenge and
 * the authenticated retry included; ~0.1 s on loopback, a few round trips
 * anywhere) before it counts as lost and is sent again. Nothing retransmits
 * over a WebSocket, and Asterisk drops every request until fully booted.
 */
export const REGISTER_ANSWER_MS = 3000;
