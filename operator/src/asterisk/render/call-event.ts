// Every call an agent places starts here (the agent endpoints' context,
// pjsip.ts): one AMI UserEvent names the call's linkedid (cdr.linkedid) by
// the INVITE's SIP Call-ID, which the softphone knows, so it can fetch the
// linkedid and show the note form on calls it placed too (incoming calls
// carry it in a header instead, call-header.ts). The operator keeps the
// pairs (monitoring/sip-calls.ts); GET /softphone/calls/by-sip-call-id/:callId
// answers from them. The agent's channel is the call's first, so its
// linkedid is the call's. Then the call goes on in `target` exactly as
// before (its extensions, queue numbers, feature codes, outside numbers).
//
// The patterns are the refusal context's (dialplan.ts REJECT_CONTEXT): every
// number the target context knows is digits, "*", "#" or "+", and the
// target refuses what it does not know; anything else (a SIP name) is
// refused by chan_pjsip with 404 here as it was there. Blind transfers are
// looked up in TRANSFER_CONTEXT (the endpoints' variable), never here.

export const AGENT_CALLS_CONTEXT = 'switchboard-agent-calls';
/** The UserEvent's name (operator: monitoring/sip-calls.ts). */
export const CALL_EVENT = 'SwitchboardCall';

const v = (name: string) => `$${'{'}${name}}`;

/** The entry context; `target`: where agents' calls were dialled before (AGENT_CONTEXT). */
export function callEventContext(target: string): string[] {
  const steps = [
    `UserEvent(${CALL_EVENT},SipCallId: ${v('CHANNEL(pjsip,call-id)')},AgentChannel: ${v('CHANNEL')},CallLinkedid: ${v('CHANNEL(linkedid)')})`,
    `Goto(${target},${v('EXTEN')},1)`,
  ];
  return [
    `[${AGENT_CALLS_CONTEXT}]`,
    // `_[0-9*#+].` alone would miss one-character numbers; no `_.` (it matches h/i/s/t too)
    ...['_[0-9*#+]', '_[0-9*#+].'].flatMap((pattern) => [
      `exten => ${pattern},1,${steps[0]}`,
      ` same => n,${steps[1]}`,
    ]),
    '',
  ];
}
