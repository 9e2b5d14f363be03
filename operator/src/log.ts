// Structured JSON logs (pino). Secrets never reach a log line: the redact
// paths are a backstop; the code does not log credential values at all.
import { type Logger, pino } from 'pino';

export type { Logger };

export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { app: 'switchboard-operator' },
    redact: {
      paths: ['password', 'secret', '*.password', '*.secret', 'sipPassword', '*.sipPassword'],
      censor: '[redacted]',
    },
  });
}

/** A logger that writes nothing (unit tests). */
export const silentLogger: Logger = pino({ level: 'silent' });
