// Lets a test watch what a real Asterisk (scripts/lib/asterisk-process.ts) does
// with calls, without widening the operator's AMI user: a second, read-only
// AMI user with the event classes the test asks for (e.g. dtmf, call), and
// Asterisk's DTMF log level in a file of its own. Both are written into the
// test's Asterisk folder before it starts.
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RawMessage } from 'asterisk-manager';
import pino from 'pino';
import { AmiClient } from '../../operator/src/asterisk/ami/client.ts';
import type { AsteriskProcess } from '../../scripts/lib/asterisk-process.ts';

export interface AmiObserver {
  readonly client: AmiClient;
  /** Every event of the given name seen so far (fields as asterisk-manager gives them: lowercase keys). */
  events(name: string): RawMessage[];
  stop(): Promise<void>;
}

/**
 * Adds an AMI user that may read `readClasses` and write nothing (call before
 * Asterisk starts), and returns a connected client collecting its events.
 * It reconnects by itself after an Asterisk restart.
 */
export function addAmiObserver(
  asterisk: AsteriskProcess,
  readClasses: readonly string[],
  username = 'test-observer',
): { connect(): Promise<AmiObserver> } {
  const secret = randomBytes(16).toString('hex');
  appendFileSync(
    join(asterisk.etcDir, 'ami', 'manager_user.conf'),
    `\n[${username}]\nsecret = ${secret}\nread = ${readClasses.join(',')}\nwrite =\n`,
  );
  return {
    async connect() {
      const client = new AmiClient({
        host: '127.0.0.1',
        port: asterisk.amiPort,
        username,
        secret,
        logger: pino({ level: 'silent' }),
      });
      const seen: RawMessage[] = [];
      client.onEvent((e) => {
        if ('fields' in e) seen.push(e.fields);
      });
      client.start();
      await client.ready(10_000);
      return {
        client,
        events: (name) => seen.filter((m) => String(m.event).toLowerCase() === name.toLowerCase()),
        stop: () => client.stop(),
      };
    },
  };
}

/** Sends Asterisk's "dtmf" log level to <logDir>/dtmf.log (call before start); returns its reader. */
export function logDtmf(asterisk: AsteriskProcess): () => string[] {
  const loggerConf = join(asterisk.etcDir, 'logger.conf');
  const text = readFileSync(loggerConf, 'utf8');
  if (!/^\[logfiles\]$/m.test(text)) throw new Error('logger.conf has no [logfiles] section');
  writeFileSync(loggerConf, text.replace(/^\[logfiles\]$/m, '[logfiles]\ndtmf.log => dtmf'));
  const path = join(asterisk.logDir, 'dtmf.log');
  return () => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : []);
}
