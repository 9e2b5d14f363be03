// Where the operator finds recordings: RECORDINGS_DIR, the directory Asterisk
// records into (its monitor directory; in the chart the shared recordings
// volume), and how often retention runs. Unset: recording routes answer 503.
export interface RecordingSettings {
  readonly dir: string;
  readonly retentionIntervalMs: number | undefined;
}

export function loadRecordingSettings(
  env: NodeJS.ProcessEnv = process.env,
): RecordingSettings | undefined {
  const dir = env.RECORDINGS_DIR?.trim();
  if (!dir) return undefined;
  if (!dir.startsWith('/'))
    throw new Error(`RECORDINGS_DIR must be an absolute path, got "${dir}"`);
  const text = env.RECORDINGS_RETENTION_INTERVAL_SECONDS?.trim();
  if (text === undefined || text === '') return { dir, retentionIntervalMs: undefined };
  const seconds = Number(text);
  if (!Number.isInteger(seconds) || seconds < 1)
    throw new Error(
      `RECORDINGS_RETENTION_INTERVAL_SECONDS must be a whole number of seconds above 0, got "${text}"`,
    );
  return { dir, retentionIntervalMs: seconds * 1000 };
}
