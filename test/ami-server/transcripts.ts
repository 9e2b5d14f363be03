// Reads the recorded Asterisk 22 material in test/ami-server/recorded/ for the
// data-driven tests: sessions step by step (order and "SOCKET CLOSED BY
// SERVER" from session_*.log, bytes from the .req/.resp files), the
// request/response pairs of the other recordings, and the config-behaviour
// cases.
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../cluster/tools.ts';

/** Recordings of a real Asterisk 22 (copied from the team's shared/asterisk so a clean clone has them). */
export const SHARED = join(repoRoot, 'test', 'ami-server', 'recorded');
export const TRANSCRIPTS = join(SHARED, 'transcripts');
export const CONFIG_BEHAVIOUR = join(SHARED, 'config-behaviour');
export const MINIMAL_CONFIG = join(SHARED, 'minimal-config');

/** The AMI user of the recordings (minimal-config/manager.conf). */
export const RECORDED_USER = { username: 'admin', secret: 'verifysecret123' } as const;

export interface Step {
  /** e.g. "main_20_EVENTS_during_ws_register". */
  readonly id: string;
  readonly session: string;
  /** The bytes sent, if the step sent any. */
  readonly request: string | undefined;
  readonly response: string;
  /** The server closed the connection after answering. */
  readonly closedByServer: boolean;
}

const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');

/** Every session_<name>.log, as steps in recorded order. */
export function sessions(): Map<string, Step[]> {
  const out = new Map<string, Step[]>();
  for (const file of readdirSync(TRANSCRIPTS).sort()) {
    const session = /^session_(\w+)\.log$/.exec(file)?.[1];
    if (session === undefined) continue;
    const steps: Step[] = [];
    const log = read(TRANSCRIPTS, file);
    const files = readdirSync(TRANSCRIPTS);
    for (const m of log.matchAll(/^### \S+ S->C (\S+) \(([^)]*)\)$/gm)) {
      const id = `${session}_${m[1]}`;
      steps.push({
        id,
        session,
        request: files.includes(`${id}.req`) ? read(TRANSCRIPTS, `${id}.req`) : undefined,
        response: read(TRANSCRIPTS, `${id}.resp`),
        closedByServer: (m[2] ?? '').includes('SOCKET CLOSED BY SERVER'),
      });
    }
    out.set(session, steps);
  }
  return out;
}

export interface Pair {
  readonly name: string;
  readonly request: string;
  readonly response: string;
}

/** A recording holding "<request>--RESPONSE--\r\n<response>". */
export function pair(dir: string, file: string): Pair {
  const [request = '', response = ''] = read(dir, file).split('--RESPONSE--\r\n');
  return { name: file, request, response };
}

/** transcripts/*.txt: single request/response recordings outside the sessions. */
export function standalonePairs(): Pair[] {
  return readdirSync(TRANSCRIPTS)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => pair(TRANSCRIPTS, f));
}

export interface BehaviourCase {
  readonly name: string;
  /** pjsip_extra.conf as the case wrote it. */
  readonly extraFile: string;
  /** What Asterisk logged on the reload: "LEVEL file.c: text". */
  readonly log: readonly string[];
  /** `pjsip show endpoints` count afterwards, when recorded. */
  readonly endpointCount: number | undefined;
  /** The endpoint the case shows, and whether it existed afterwards. */
  readonly endpoint: { readonly name: string; readonly exists: boolean } | undefined;
  /** `allow` of that endpoint afterwards, e.g. "(opus|ulaw)". */
  readonly allow: string | undefined;
  /** The max contacts of its AOR afterwards. */
  readonly maxContacts: string | undefined;
  readonly reload: Pair | undefined;
  readonly getConfig: Pair | undefined;
  /** When it was recorded: cases ran one after the other on one Asterisk. */
  readonly recordedAt: string;
}

export function behaviourCases(): BehaviourCase[] {
  const files = readdirSync(CONFIG_BEHAVIOUR);
  return files
    .filter((f) => f.endsWith('.txt'))
    .map((f): BehaviourCase => {
      const name = f.replace(/\.txt$/, '');
      const text = read(CONFIG_BEHAVIOUR, f);
      const extra = /^== extra( file)?:\n([\s\S]*?)^== /m.exec(text)?.[2] ?? '';
      const logLines = [...text.matchAll(/^\[([^\]]+)\] (\w+)\[\d+\] (\S+): (.*)$/gm)];
      const log = logLines.map((m) => `${m[2]} ${m[3]}: ${m[4]}`);
      const shown = /^ Endpoint: {2}([^<\s]\S*) /m.exec(text)?.[1];
      const missing = /^Unable to find object (\S+)\.$/m.exec(text)?.[1];
      const has = (ext: string) => files.includes(`${name}.${ext}`);
      const count = /^== pjsip show endpoints \(count\):\n(\d+)$/m.exec(text)?.[1];
      return {
        name,
        extraFile: extra,
        log,
        endpointCount: count === undefined ? undefined : Number(count),
        endpoint:
          shown !== undefined
            ? { name: shown, exists: true }
            : missing !== undefined
              ? { name: missing, exists: false }
              : undefined,
        allow: /^ allow +: (\S+)$/m.exec(text)?.[1],
        maxContacts: /^ {8}Aor: {2}[^<\s]\S* +(\d+)$/m.exec(text)?.[1],
        reload: has('ami_reload') ? pair(CONFIG_BEHAVIOUR, `${name}.ami_reload`) : undefined,
        getConfig: has('ami_getconfig')
          ? pair(CONFIG_BEHAVIOUR, `${name}.ami_getconfig`)
          : undefined,
        recordedAt: logLines[0]?.[1] ?? '',
      };
    })
    .sort((a, b) => a.recordedAt.localeCompare(b.recordedAt));
}

/** A fresh copy of the recordings' configuration directory (plus `extra` files). */
export function configDir(extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'ami-config-'));
  cpSync(MINIMAL_CONFIG, dir, { recursive: true });
  for (const [file, text] of Object.entries(extra)) writeFileSync(join(dir, file), text);
  return dir;
}

/**
 * Values that differ from run to run, replaced when they have the recorded
 * format (so a wrong format still shows): clock readings, uptimes, dates.
 */
export function normalise(text: string): string {
  return text
    .replace(/^(Timestamp): \d+\.\d{6}\r$/gm, '$1: <epoch.usec>\r')
    .replace(/^(Uptime|LastReload): \d+\r$/gm, '$1: <seconds>\r')
    .replace(/^(CoreStartupDate|CoreReloadDate): \d{4}-\d{2}-\d{2}\r$/gm, '$1: <date>\r')
    .replace(/^(CoreStartupTime|CoreReloadTime): \d{2}:\d{2}:\d{2}\r$/gm, '$1: <time>\r')
    .replace(/^(LoginTime|LastPause|ExpirationTime|RegExpire): \d{10}\r$/gm, '$1: <epoch>\r');
}
