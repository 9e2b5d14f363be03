// Delay before sending a REGISTER again after one failed on a live socket
// (rejected, not refreshed, not sent): backing off to 30 s so a server that
// keeps refusing is not hammered. A dropped socket is reconnect-delay.ts's.

const STEPS_MS = [1000, 2000, 5000, 10_000, 30_000] as const;

/** retries counts the failed attempts since the last success, from 0. */
export function registerRetryDelayMs(retries: number): number {
  return STEPS_MS[Math.min(retries, STEPS_MS.length - 1)] ?? 30_000;
}
