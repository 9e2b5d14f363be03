// Capped exponential backoff shared by the work queue and the informers.

/**
 * The delay before retry number `failures` (1 = first retry): base * 2^(failures-1),
 * plus up to `jitter` (a fraction) so that many keys failing together do not retry
 * in lockstep, never above `maxMs`.
 */
export function backoffDelay(
  failures: number,
  baseMs: number,
  maxMs: number,
  jitter = 0.1,
): number {
  const exponent = Math.max(0, failures - 1);
  // 2 ** 1100 is Infinity, and min() turns that into maxMs: no overflow to worry about.
  const raw = Math.min(baseMs * 2 ** exponent, maxMs);
  return Math.min(Math.round(raw * (1 + Math.random() * jitter)), maxMs);
}
