// The dialplan. Agents' calls enter through AGENT_CALLS_CONTEXT (call-event.ts),
// which names each call's linkedid in an AMI event, and go on in
// AGENT_CONTEXT (where trunks and guests send theirs): the hotline queues the
// caller; each agent's extension (in its shard's context, included from
// AGENT_CONTEXT) dials the agent for dialTimeoutSeconds through one
// subroutine, which ends every outcome with a hangup cause the caller's
// browser sees as a SIP status (after a busy or unavailable tone); anything else is refused with "unallocated
// number" (404) instead of silence. The subroutine holds the timeout, so a new
// dialTimeoutSeconds rewrites only the main ConfigMap, not every shard.
// Every queue number (the hotline, CallQueues' numbers) queues the caller for
// the queue's max wait, then the overflow: Goto another queue's number, Goto
// an agent's extension (which dials it through the subroutine), or Hangup.
import type { QueueOverflow, WebRTCConfigSpec } from '../../crds/types.ts';
import { drainContexts, drainGate } from '../drain.ts';
import type { AcceptedAgent } from './agents.ts';
import { callEventContext } from './call-event.ts';
import { CALL_HEADER_OPTION, callHeaderSubroutine } from './call-header.ts';
import { QUEUE_GOSUB, queueRecordingStep, recordSubroutine } from './recording.ts';
import type { QueueRoute } from './routes.ts';
import { SHARDS, shardSuffix } from './shards.ts';
import { SUPERVISE_CODES } from './supervise-codes.ts';

export { SUPERVISE_CODES, type SuperviseMode } from './supervise-codes.ts';

export const AGENT_CONTEXT = 'switchboard-agents';
export const REJECT_CONTEXT = 'switchboard-reject';
export const DIAL_SUBROUTINE = 'switchboard-dial-agent';
/**
 * Where an agent's blind transfer (REFER) looks its target up and sends the
 * caller (the endpoints' TRANSFER_CONTEXT, render/pjsip.ts): the queue
 * numbers and the agents' extensions only. Without the catch-all refusal, a
 * target that does not exist is refused to the agent (404) while the caller
 * stays with it, instead of the caller being hung up; without feature codes
 * (echo test, listening in) and outside numbers (the dial-out permission is
 * the agent's, not the caller's).
 */
export const TRANSFER_CONTEXT = 'switchboard-transfer';
/**
 * The transfer context of agents who may call out (pjsip.ts sets it where it
 * sets their dial-out permission): TRANSFER_CONTEXT, then outside numbers
 * (outbound.ts TRANSFER_OUTSIDE_CONTEXT). Asterisk looks a REFER's target up
 * in the transferring agent's context before it moves the caller, so an
 * outside number is refused (404, the agent keeps the caller) unless the
 * agent, not the caller, may dial out.
 */
export const TRANSFER_OUT_CONTEXT = 'switchboard-transfer-out';
/** Outside numbers an agent with the dial-out permission may transfer to (outbound.ts). */
export const TRANSFER_OUTSIDE_CONTEXT = 'switchboard-transfer-outside';
export const shardContext = (shard: number) => `${AGENT_CONTEXT}-${shardSuffix(shard)}`;

/**
 * The echo test an agent dials to check microphone and speaker (FreePBX's
 * number; `*` keeps it out of every extension range).
 */
export const ECHO_TEST_NUMBER = '*43';

/**
 * The channel variable "yes" on the endpoints of SipAgents with
 * spec.supervisor (pjsip.ts): a SIP request cannot set it, so Asterisk alone
 * decides who may listen in.
 */
export const SUPERVISOR_VARIABLE = 'SWITCHBOARD_SUPERVISOR';
/** AMI UserEvent of every supervisor action and refusal (operator: monitoring/supervision.ts). */
export const SUPERVISE_EVENT = 'SwitchboardSupervise';
export const SUPERVISE_CONTEXT = 'switchboard-supervise';
/** Only the agents' extensions (the shards): where a supervisor's target is looked up. */
export const AGENT_LOOKUP_CONTEXT = 'switchboard-agent-lookup';

/** Hangup causes, as chan_pjsip maps them to SIP responses. */
export const CAUSE = {
  unallocated: 1, // 404 Not Found
  normal: 16,
  busy: 17, // 486 Busy Here
  noAnswer: 19, // 480 Temporarily Unavailable
  absent: 20, // 480: the agent has no registered browser
  rejected: 21, // 403 Forbidden: an outside number that may not be called
  invalidNumber: 28, // 484 Address Incomplete: no phone number
  congestion: 34, // 503
  notAuthorised: 57, // 603 Decline: the agent may not call outside numbers
  codecsUnsupported: 58, // 488 Not Acceptable Here: the call needs other codecs (G.711)
} as const;

// Asterisk variables, built without `${` inside JS template literals.
const v = (name: string) => `$${'{'}${name}}`;

/** The step after Queue() returned (timeout, full, nobody there). */
export function overflowStep(overflow: QueueOverflow, routes: readonly QueueRoute[]): string {
  if (overflow.queue !== undefined) {
    // Its first number: the caller then meets exactly what a direct caller meets.
    const target = routes.find((r) => r.queue === overflow.queue);
    return target ? `Goto(${AGENT_CONTEXT},${target.number},1)` : `Hangup(${CAUSE.normal})`;
  }
  if (overflow.extension !== undefined) return `Goto(${AGENT_CONTEXT},${overflow.extension},1)`;
  return `Hangup(${overflow.hangupCause ?? CAUSE.normal})`;
}

/** `number` queues the caller (trunks.ts routes a carrier's numbers the same way). */
export function queueExtension(
  number: string,
  route: Omit<QueueRoute, 'number'>,
  routes: readonly QueueRoute[],
  first: readonly string[] = [],
): string[] {
  const steps = [
    ...first,
    // a draining Asterisk takes no new caller (drain.ts): it would never get to stop
    drainGate(),
    'Answer()',
    queueRecordingStep(route.recording),
    // The gosub runs on the answering agent's channel: recording.ts decides there.
    `Queue(${route.queue},${CALL_HEADER_OPTION},,,${route.maxWaitSeconds},,${QUEUE_GOSUB})`,
    overflowStep(route.overflow, routes),
  ];
  return steps.map((step, i) => (i === 0 ? `exten => ${number},1,${step}` : ` same => n,${step}`));
}

/**
 * `outboundContext`: the context of outside numbers (outbound.ts), searched
 * after every extension and before the refusal; omitted without an outbound trunk.
 */
export function dialplanMain(
  spec: WebRTCConfigSpec,
  routes: readonly QueueRoute[],
  outboundContext?: string,
): string {
  return [
    // agents' own calls enter through it (call-event.ts), then run AGENT_CONTEXT
    ...callEventContext(AGENT_CONTEXT),
    `[${AGENT_CONTEXT}]`,
    ...routes.flatMap((r) => queueExtension(r.number, r, routes)),
    `exten => ${ECHO_TEST_NUMBER},1,${drainGate()}`,
    ' same => n,Answer()',
    ' same => n,Playback(demo-echotest)',
    ' same => n,Echo()',
    ` same => n,Hangup(${CAUSE.normal})`,
    ...superviseCodes(),
    // A context's own extensions are searched before its includes: agents'
    // extensions live only in included contexts, and the catch-all is included
    // last, so it can never shadow an agent.
    ...SHARDS.map((i) => `include => ${shardContext(i)}`),
    ...(outboundContext === undefined ? [] : [`include => ${outboundContext}`]),
    `include => ${REJECT_CONTEXT}`,
    '',
    `[${REJECT_CONTEXT}]`,
    // Digits, *, # and + of any length; `_X.` alone would miss one-digit numbers.
    // No `_.`: it also matches h/i/s/t and Asterisk warns about it at load.
    `exten => _[0-9*#+],1,Hangup(${CAUSE.unallocated})`,
    `exten => _[0-9*#+].,1,Hangup(${CAUSE.unallocated})`,
    // Jumps to an extension that does not exist (e.g. a transfer target).
    `exten => i,1,Hangup(${CAUSE.unallocated})`,
    '',
    `[${TRANSFER_CONTEXT}]`,
    ...routes.map((r) => `exten => ${r.number},1,Goto(${AGENT_CONTEXT},${r.number},1)`),
    ...SHARDS.map((i) => `include => ${shardContext(i)}`),
    '',
    `[${TRANSFER_OUT_CONTEXT}]`,
    `include => ${TRANSFER_CONTEXT}`,
    ...(outboundContext === undefined ? [] : [`include => ${TRANSFER_OUTSIDE_CONTEXT}`]),
    '',
    ...superviseContexts(),
    ...recordSubroutine(),
    ...callHeaderSubroutine(),
    ...drainContexts(),
    `[${DIAL_SUBROUTINE}]`,
    // A supervisor's *51/*52/*53 reaches the agent's extension like a call
    // (superviseContexts) and spies on the agent instead of ringing it.
    // every call to an agent (and every listen-in) passes here: none while draining
    `exten => s,1,${drainGate()}`,
    ` same => n,GotoIf($["${v('SWITCHBOARD_SPY')}" != ""]?spy,1)`,
    // Call waiting off (ARG2 empty): an agent on a call (or whose phone
    // already rings) is busy, decided here from the endpoint's device state,
    // not left to the browser. Queues never get here (ringinuse=no).
    ` same => n,GotoIf($["${v('ARG2')}" = "${CALL_WAITING}"]?dial)`,
    ` same => n,GotoIf(${v(`REGEX("^(${ON_A_CALL.join('|')})$" ${v(`DEVICE_STATE(PJSIP/${v('ARG1')})`)})`)}?s-BUSY,1)`,
    ` same => n(dial),Dial(PJSIP/${v('ARG1')},${spec.dialTimeoutSeconds},${CALL_HEADER_OPTION})`,
    ` same => n,Goto(s-${v('DIALSTATUS')},1)`,
    ...toneThenHangup('s-BUSY', 'busy', CAUSE.busy),
    ...toneThenHangup('s-NOANSWER', 'congestion', CAUSE.noAnswer),
    ...toneThenHangup('s-CHANUNAVAIL', 'congestion', CAUSE.absent),
    `exten => s-CONGESTION,1,Hangup(${CAUSE.congestion})`,
    // ANSWER (the call happened), CANCEL (the caller gave up) and anything new.
    `exten => _s-.,1,Hangup(${CAUSE.normal})`,
    // Checked again here: only the supervise context sets SWITCHBOARD_SPY, after its check.
    `exten => spy,1,GotoIf($["${v(SUPERVISOR_VARIABLE)}" != "yes"]?refused)`,
    ` same => n,UserEvent(${SUPERVISE_EVENT},Result: started,Mode: ${v('SWITCHBOARD_SPY')},Supervisor: ${v('CHANNEL(endpoint)')},Agent: ${v('ARG1')},Extension: ${v('SWITCHBOARD_SPY_EXTENSION')})`,
    // "-": usernames contain none (agents.ts), so the prefix names exactly this agent's channels.
    ` same => n,ChanSpy(PJSIP/${v('ARG1')}-,${v('SWITCHBOARD_SPY_OPTIONS')})`,
    ` same => n,Hangup(${CAUSE.normal})`,
    ` same => n(refused),Hangup(${CAUSE.rejected})`,
    `exten => i,1,Hangup(${CAUSE.normal})`,
    '',
  ].join('\n');
}

/** How long the caller hears the busy or unavailable tone before the hangup. */
export const END_TONE_SECONDS = 3;

/**
 * The caller hears why nobody answers, as a telephone does: the busy tone,
 * or the fast "unavailable" tone (indications.conf), as early media (no
 * answer, so nothing is billed), then the hangup whose cause the caller's
 * softphone puts in words.
 */
function toneThenHangup(exten: string, tone: 'busy' | 'congestion', cause: number): string[] {
  return [
    `exten => ${exten},1,Progress()`,
    ` same => n,Playtones(${tone})`,
    ` same => n,Wait(${END_TONE_SECONDS})`,
    ` same => n,Hangup(${cause})`,
  ];
}

/** `*51<ext>` etc.: the mode and the dialled digits, then the checks (superviseContexts). */
function superviseCodes(): string[] {
  return Object.entries(SUPERVISE_CODES).flatMap(([mode, { prefix, options }]) => [
    `exten => _${prefix}X.,1,Set(SWITCHBOARD_SPY=${mode})`,
    ` same => n,Set(SWITCHBOARD_SPY_OPTIONS=${options})`,
    ` same => n,Set(SWITCHBOARD_SPY_TARGET=${v(`EXTEN:${prefix.length}`)})`,
    ` same => n,Goto(${SUPERVISE_CONTEXT},s,1)`,
  ]);
}

/**
 * The supervise checks: the caller's endpoint carries SUPERVISOR_VARIABLE
 * (else 403), the target is an agent's extension, digits only (else 404);
 * then the agent's own extension runs, whose subroutine spies. Each refusal
 * raises the UserEvent with its reason.
 */
function superviseContexts(): string[] {
  const ext = v('SWITCHBOARD_SPY_EXTENSION');
  const refused = (reason: string) =>
    `UserEvent(${SUPERVISE_EVENT},Result: refused,Reason: ${reason},Mode: ${v('SWITCHBOARD_SPY')},Supervisor: ${v('CHANNEL(endpoint)')},Extension: ${ext})`;
  return [
    `[${SUPERVISE_CONTEXT}]`,
    `exten => s,1,Set(SWITCHBOARD_SPY_EXTENSION=${v(`FILTER(0-9,${v('SWITCHBOARD_SPY_TARGET')})`)})`,
    ` same => n,GotoIf($["${v(SUPERVISOR_VARIABLE)}" = "yes"]?supervisor)`,
    ` same => n,${refused('not-supervisor')}`,
    ` same => n,Hangup(${CAUSE.rejected})`,
    // Anything but digits ("*5110,00") is no extension, not a filtered one.
    ` same => n(supervisor),GotoIf($[${v(`LEN(${ext})`)} != ${v(`LEN(${v('SWITCHBOARD_SPY_TARGET')})`)}]?unknown)`,
    ` same => n,GotoIf(${v(`DIALPLAN_EXISTS(${AGENT_LOOKUP_CONTEXT},${ext},1)`)}?${AGENT_LOOKUP_CONTEXT},${ext},1)`,
    ` same => n(unknown),${refused('no-such-agent')}`,
    ` same => n,Hangup(${CAUSE.unallocated})`,
    '',
    `[${AGENT_LOOKUP_CONTEXT}]`,
    ...SHARDS.map((i) => `include => ${shardContext(i)}`),
    '',
  ];
}

/** DIAL_SUBROUTINE's second argument for an agent with spec.callWaiting. */
export const CALL_WAITING = 'waiting';
/** Device states of an endpoint that is on a call or already ringing (Asterisk's DEVICE_STATE words). */
export const ON_A_CALL = ['INUSE', 'BUSY', 'RINGING', 'RINGINUSE', 'ONHOLD'] as const;

/** One shard's context; it always exists (AGENT_CONTEXT includes it), even without agents. */
export function dialplanShard(shard: number, agents: readonly AcceptedAgent[]): string {
  let out = `[${shardContext(shard)}]\n`;
  for (const a of agents) {
    const args = a.callWaiting ? `${a.sipUsername},${CALL_WAITING}` : a.sipUsername;
    out += `exten => ${a.extension},1,Gosub(${DIAL_SUBROUTINE},s,1(${args}))\n`;
  }
  return out;
}

export { QUEUE_MAX_WAIT_SECONDS } from './routes.ts';
