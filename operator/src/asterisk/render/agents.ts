// Which agents can be written into Asterisk, normalised and in a stable order.
// The caller already left out suspended and conflicting agents; this is the
// last line of defence for what ends up inside config text: the username and
// password come from a Secret anyone with access can edit, and a newline, ";"
// or "]" there would inject or cut configuration. Such agents are left out
// (and reported), never escaped into something Asterisk might read otherwise.
import type { Codec, WebRTCConfigSpec } from '../../crds/types.ts';
import { queueRoutes } from './routes.ts';
import { safeName } from './syntax.ts';
import type { RenderAgent, RenderQueue } from './types.ts';

/** A normalised agent: codecs and queues deduplicated, queues only valid ones. */
export interface AcceptedAgent extends RenderAgent {
  readonly codecs: readonly Codec[];
  readonly queues: readonly string[];
  /** The display name made safe for config values (caller ID, queue member name). */
  readonly label: string;
  /**
   * Calls may be recorded (recording.ts recordingInUse): the endpoint offers
   * G.711 before opus, which Asterisk cannot decode to record.
   */
  readonly recorded?: boolean;
}

export interface RenderProblem {
  /** SipAgent name. */
  readonly agent: string;
  /** Never contains the password. */
  readonly message: string;
}

export interface CheckedAgents {
  /** Sorted by extension, then name: the order every file lists agents in. */
  readonly accepted: readonly AcceptedAgent[];
  readonly problems: readonly RenderProblem[];
}

/**
 * PJSIP id, section name, dial string (PJSIP/<id>) and Gosub argument. No "-":
 * every name we generate ourselves contains one, so an agent can never collide
 * with a template, transport or marker section.
 */
const USERNAME = /^[A-Za-z0-9_.]{1,64}$/;
/** Printable ASCII without space, ";" (comment) and "\" (escape). */
const PASSWORD = /^[\x21-\x3a\x3c-\x5b\x5d-\x7e]{8,128}$/;
const CODECS: ReadonlySet<string> = new Set<Codec>(['opus', 'g722', 'ulaw', 'alaw']);
/** The CRD's queue name; "general" is queues.conf's settings section, never a queue. */
const QUEUE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function isQueueName(name: string): boolean {
  return QUEUE.test(name) && name !== 'general';
}

function compare(a: RenderAgent, b: RenderAgent): number {
  if (a.extension !== b.extension) return a.extension - b.extension;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.sipUsername !== b.sipUsername) return a.sipUsername < b.sipUsername ? -1 : 1;
  // Only identical-looking duplicates get here: any total order keeps the output stable.
  const ja = JSON.stringify(a);
  const jb = JSON.stringify(b);
  return ja < jb ? -1 : ja > jb ? 1 : 0;
}

function problemOf(a: RenderAgent, routed: ReadonlyMap<string, string>): string | undefined {
  if (!USERNAME.test(a.sipUsername)) return 'sipUsername must be 1-64 letters, digits, "_" or "."';
  if (!PASSWORD.test(a.sipPassword))
    return 'sipPassword must be 8-128 printable ASCII characters without space, ";" or "\\"';
  if (!Number.isSafeInteger(a.extension) || a.extension < 1 || a.extension > 99_999_999)
    return 'extension must be a positive integer';
  const queue = routed.get(String(a.extension));
  if (queue !== undefined)
    return `extension ${a.extension} is a number of queue ${queue} (hotline or CallQueue); the queue would shadow it`;
  if (!Number.isInteger(a.maxContacts) || a.maxContacts < 1 || a.maxContacts > 1000)
    return 'maxContacts must be an integer from 1 to 1000';
  if (!a.codecs.some((c) => CODECS.has(c))) return 'no known codec';
  return undefined;
}

export function checkAgents(
  agents: readonly RenderAgent[],
  config: Pick<WebRTCConfigSpec, 'hotline'>,
  queues: readonly RenderQueue[] = [],
): CheckedAgents {
  // Queue numbers are searched before the agents' included contexts: an agent there is unreachable.
  const routed = new Map(queueRoutes(config, queues).map((r) => [r.number, r.queue]));
  const accepted: AcceptedAgent[] = [];
  const problems: RenderProblem[] = [];
  const usernames = new Map<string, string>();
  const extensions = new Map<number, string>();
  for (const a of [...agents].sort(compare)) {
    const problem = problemOf(a, routed);
    if (problem) {
      problems.push({ agent: a.name, message: problem });
      continue;
    }
    const sameUser = usernames.get(a.sipUsername);
    const sameExt = extensions.get(a.extension);
    if (sameUser !== undefined || sameExt !== undefined) {
      problems.push({
        agent: a.name,
        message:
          sameUser !== undefined
            ? `sipUsername ${a.sipUsername} is already used by ${sameUser}`
            : `extension ${a.extension} is already used by ${sameExt}`,
      });
      continue;
    }
    usernames.set(a.sipUsername, a.name);
    extensions.set(a.extension, a.name);
    const queues: string[] = [];
    for (const q of new Set(a.queues)) {
      if (isQueueName(q)) queues.push(q);
      else problems.push({ agent: a.name, message: `queue "${q}" is not a valid queue name` });
    }
    const codecs = [...new Set(a.codecs)].filter((c) => CODECS.has(c));
    accepted.push({ ...a, codecs, queues, label: safeName(a.displayName, a.sipUsername) });
  }
  return { accepted, problems };
}
