// Call recording in the dialplan. A queue call is recorded when the agent who
// answers it says so (SipAgent spec.recording, an endpoint variable the SIP
// side cannot set) or, without that, the queue does (CallQueue
// spec.recording). Only then is it known who answered, so the decision runs
// in the subroutine app_queue calls on the agent's channel after the answer
// and before the bridge (Queue()'s gosub argument): MixMonitor on that
// channel, option b (only while bridged), records both parties into
// Asterisk's monitor directory (<astspooldir>/monitor, the recordings
// volume). The file is named from the call, never from anything a caller or
// agent sends: <linkedid>-<the agent leg's uniqueid>.<extension>, filtered to
// letters, digits, ".", "_" and "-" (FILTER's list starts with "-": anywhere
// else a "-" reads as a range); the CDR row gets the name in its
// `recording` column and the retention in `recording_retention_days`
// (cdr_pgsql fills columns by name). Pure.
import type { QueueRecording, RecordingFormat } from '../../crds/types.ts';
import type { RenderQueue } from './types.ts';

export const RECORD_SUBROUTINE = 'switchboard-record';
/**
 * Set on the caller's channel before Queue() and inherited (`__`) by the agent
 * channels app_queue dials: "<extension>:<retention days>" when the queue
 * records, empty when it does not (set either way: a caller moved on by an
 * overflow must not carry the first queue's setting).
 */
export const QUEUE_RECORDING_VARIABLE = 'SWITCHBOARD_QUEUE_RECORDING';
/** On an agent's endpoint (pjsip.ts set_var) when its SipAgent has spec.recording. */
export const AGENT_RECORDING_VARIABLE = 'SWITCHBOARD_AGENT_RECORDING';
/** AMI UserEvent when a recording starts (tests and logs see the file name). */
export const RECORDING_EVENT = 'SwitchboardRecording';

/** The file extension Asterisk writes each format under (file.c writes wav49 as .WAV). */
export const RECORDING_EXTENSION: Record<RecordingFormat, string> = {
  wav: 'wav',
  wav49: 'WAV',
  gsm: 'gsm',
  ulaw: 'ulaw',
  alaw: 'alaw',
};

/** Used when the agent records but the queue says nothing (off, or no CallQueue). */
export const DEFAULT_RECORDING: QueueRecording = {
  enabled: false,
  format: 'wav',
  retentionDays: 90,
};

const v = (name: string) => `$${'{'}${name}}`;

/** The step on the caller's channel before Queue(): what the queue says. */
export function queueRecordingStep(r: QueueRecording | undefined): string {
  return `Set(__${QUEUE_RECORDING_VARIABLE}=${r?.enabled ? `${RECORDING_EXTENSION[r.format]}:${r.retentionDays}` : ''})`;
}

/** The Queue() gosub argument (run on the agent's channel after it answered). */
export const QUEUE_GOSUB = RECORD_SUBROUTINE;

/** The subroutine's context. */
export function recordSubroutine(): string[] {
  const agent = v(AGENT_RECORDING_VARIABLE);
  const queue = v(QUEUE_RECORDING_VARIABLE);
  const file = v('SWITCHBOARD_RECORDING_FILE');
  const fallback = `${RECORDING_EXTENSION[DEFAULT_RECORDING.format]}:${DEFAULT_RECORDING.retentionDays}`;
  return [
    `[${RECORD_SUBROUTINE}]`,
    // The agent's own setting wins (no: never; yes: the queue's format, else the default); without one, the queue's.
    `exten => s,1,GotoIf($["${agent}" = "no"]?done)`,
    ` same => n,Set(LOCAL(how)=${queue})`,
    ` same => n,GotoIf($["${agent}" != "yes" | "${v('how')}" != ""]?decided)`,
    ` same => n,Set(LOCAL(how)=${fallback})`,
    ` same => n(decided),GotoIf($["${v('how')}" = ""]?done)`,
    ` same => n,Set(SWITCHBOARD_RECORDING_FILE=${v(`FILTER(-.0-9A-Z_a-z,${v('CHANNEL(linkedid)')}-${v('UNIQUEID')})`)}.${v('CUT(how,:,1)')})`,
    ` same => n,MixMonitor(${file},b)`,
    ` same => n,Set(CDR(recording)=${file})`,
    ` same => n,Set(CDR(recording_retention_days)=${v('CUT(how,:,2)')})`,
    ` same => n,UserEvent(${RECORDING_EVENT},File: ${file},Linkedid: ${v('CHANNEL(linkedid)')},Agent: ${v('CHANNEL(endpoint)')})`,
    ' same => n(done),Return()',
    '',
  ];
}

/**
 * Whether any call may be recorded: a queue records, or an agent does.
 * Then every browser endpoint (agents, guests) offers G.711 before opus:
 * MixMonitor records decoded audio, this Asterisk has no opus decoder, and
 * the codec of a call is settled when Asterisk answers the caller, before
 * anyone knows who will answer. Two browsers on opus would be recorded as
 * silence (measured: test/integration/call-recording.test.ts).
 */
export function recordingInUse(
  agents: readonly { recording?: boolean }[],
  queues: readonly RenderQueue[],
): boolean {
  return (
    queues.some((q) => q.settings.recording?.enabled === true) ||
    agents.some((a) => a.recording === true)
  );
}
