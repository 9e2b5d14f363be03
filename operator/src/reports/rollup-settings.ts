// How often the leader rebuilds the reports' stale buckets:
// REPORT_ROLLUP_INTERVAL_SECONDS (default 30). Pure.
export const DEFAULT_ROLLUP_INTERVAL_MS = 30_000;

export function loadRollupIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.REPORT_ROLLUP_INTERVAL_SECONDS?.trim();
  if (text === undefined || text === '') return DEFAULT_ROLLUP_INTERVAL_MS;
  const seconds = Number(text);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 86_400)
    throw new Error(
      `REPORT_ROLLUP_INTERVAL_SECONDS must be a whole number of seconds from 1 to 86400, got "${text}"`,
    );
  return seconds * 1000;
}
