// Every INVITE Asterisk sends to an agent carries the call's linkedid (the id
// the call records share, cdr.linkedid) in CALL_HEADER, so the softphone can
// attach the agent's note and disposition to the call (api/softphone/notes).
// A pre-dial handler runs on the new agent channel before it is dialled:
// Dial()'s b() for direct calls (dialplan.ts), Queue()'s b() for queue and
// hotline calls; guests reach agents through both. The new channel inherits
// the caller's linkedid when Asterisk creates it, so CHANNEL(linkedid) there
// is the call's. A member that is not a PJSIP channel (a Local channel, say)
// has no SIP headers to carry: the handler returns without touching it, as
// PJSIP_HEADER would log an ERROR there.

export const CALL_HEADER = 'X-Switchboard-Call';
export const CALL_HEADER_SUBROUTINE = 'switchboard-call-header';
/** The b() option value for Dial() and Queue() ('^' separates Gosub's parts there). */
export const CALL_HEADER_OPTION = `b(${CALL_HEADER_SUBROUTINE}^s^1)`;

export function callHeaderSubroutine(): string[] {
  return [
    `[${CALL_HEADER_SUBROUTINE}]`,
    `exten => s,1,GotoIf($["\${CHANNEL(channeltype)}" != "PJSIP"]?done)`,
    ` same => n,Set(PJSIP_HEADER(add,${CALL_HEADER})=\${CHANNEL(linkedid)})`,
    ' same => n(done),Return()',
    '',
  ];
}
