// Supervisors' listen/whisper/barge, as Asterisk reports them: the dialplan
// (asterisk/render/dialplan.ts SUPERVISE_CODES) raises one AMI UserEvent per
// use and per refusal. The operator logs each as a structured line (who,
// whom, mode; pino stamps when) and records it as a Kubernetes Event on the
// supervisor's SipAgent and, when it started, one on the agent's (operator.ts).
import type { AmiEvent } from '../asterisk/ami/messages.ts';
import { SUPERVISE_EVENT, type SuperviseMode } from '../asterisk/render/dialplan.ts';

const MODES: ReadonlySet<string> = new Set<SuperviseMode>(['listen', 'whisper', 'barge']);

export interface SupervisionRecord {
  readonly result: 'started' | 'refused';
  /** Only "not-supervisor" or "no-such-agent" when refused. */
  readonly reason?: 'not-supervisor' | 'no-such-agent';
  readonly mode: SuperviseMode;
  /** The PJSIP endpoint (SIP username) that dialled the code. */
  readonly supervisor: string;
  /** The spied-on agent's SIP username (only when started). */
  readonly agent?: string;
  /** The dialled extension, digits only ("" when none were). */
  readonly extension: string;
}

/** The UserEvent as a record, or undefined for any other event or a malformed one. */
export function supervisionRecord(e: AmiEvent): SupervisionRecord | undefined {
  if (e.event !== 'UserEvent' || !('fields' in e)) return undefined;
  const f = (key: string): string => {
    const v = e.fields[key];
    return (Array.isArray(v) ? v[0] : v)?.trim() ?? '';
  };
  if (f('userevent') !== SUPERVISE_EVENT) return undefined;
  const result = f('result');
  const mode = f('mode');
  const supervisor = f('supervisor');
  const extension = f('extension');
  if (!MODES.has(mode) || !supervisor || !/^[0-9]*$/.test(extension)) return undefined;
  if (result === 'started') {
    const agent = f('agent');
    if (!agent) return undefined;
    return { result, mode: mode as SuperviseMode, supervisor, agent, extension };
  }
  const reason = f('reason');
  if (result !== 'refused' || (reason !== 'not-supervisor' && reason !== 'no-such-agent'))
    return undefined;
  return { result, reason, mode: mode as SuperviseMode, supervisor, extension };
}

const VERB: Record<SuperviseMode, string> = {
  listen: 'listens to',
  whisper: 'whispers to',
  barge: 'barges into the call of',
};

/** The Event's reason (CamelCase, like the agent state Events). */
export function supervisionReason(r: SupervisionRecord): string {
  if (r.result === 'refused') return 'SupervisionRefused';
  return { listen: 'Listening', whisper: 'Whispering', barge: 'Barging' }[r.mode];
}

/** The Event's note; `agentName`: the spied-on SipAgent's name when known. */
export function supervisionNote(r: SupervisionRecord, agentName?: string): string {
  const target = agentName ? `${agentName} (extension ${r.extension})` : `extension ${r.extension}`;
  if (r.result === 'started') return `${r.supervisor} ${VERB[r.mode]} ${target}`;
  const why =
    r.reason === 'not-supervisor' ? 'the agent is not a supervisor' : 'no agent has that extension';
  return `${r.mode} ${target} refused: ${why}`;
}

/** The Event on the spied-on agent's SipAgent (only for a started one). */
export function supervisedReason(mode: SuperviseMode): string {
  return {
    listen: 'SupervisorListening',
    whisper: 'SupervisorWhispering',
    barge: 'SupervisorBarging',
  }[mode];
}

export function supervisedNote(r: SupervisionRecord, supervisorName?: string): string {
  const who = supervisorName ? `supervisor ${supervisorName} (${r.supervisor})` : r.supervisor;
  return `${who} ${VERB[r.mode]} this agent's call (extension ${r.extension})`;
}

/** The log line's fields: the record with both people's SipAgent names when known. */
export function supervisionLog(
  r: SupervisionRecord,
  names: { supervisor?: string; agent?: string },
): Record<string, unknown> {
  return {
    ...r,
    ...(names.supervisor ? { supervisorAgent: names.supervisor } : {}),
    ...(names.agent ? { agentName: names.agent } : {}),
  };
}
