// Supervisors' feature codes: `*51<extension>` listens to the agent's call,
// `*52` whispers (only the agent hears the supervisor), `*53` barges (both
// hear). ChanSpy options: q no beep, E end with the spied call, S end when
// the agent is on no call; w whisper; B barge. No imports: the web UI's
// wallboard dials these codes too.
export const SUPERVISE_CODES = {
  listen: { prefix: '*51', options: 'qES' },
  whisper: { prefix: '*52', options: 'qESw' },
  barge: { prefix: '*53', options: 'qESB' },
} as const;
export type SuperviseMode = keyof typeof SUPERVISE_CODES;
export const SUPERVISE_MODES = Object.keys(SUPERVISE_CODES) as SuperviseMode[];
