// Recall: a caller an agent blind-transferred to an outside number goes back
// to that agent when the number is refused (deny list, allow list, not a
// number) or the call out fails (busy, no answer, the carrier's refusal,
// unreachable, the trunk's call limit), instead of being hung up. Pure.
//
// Only a blind transfer reaches TRANSFER_OUTSIDE_CONTEXT (outbound.ts); it
// remembers on the caller's channel who transferred (BLINDTRANSFER: Asterisk
// sets it there to the transferring channel's name, main/bridge.c
// set_transfer_variables_all; bridge_basic's TRANSFERERNAME is only for
// attended transfers through a Local channel), the number, filtered to
// digits and "+", and the caller ID (DIAL_CONTEXT replaces it with the
// trunk's). Every refusal on the way out runs recallStep(cause) before its
// Hangup(cause): a channel that remembers a transferer jumps to
// RECALL_CONTEXT with the cause as extension; any other call (an agent's
// own call out) goes on to the Hangup as before.
//
// RECALL_CONTEXT forgets the transferer first, so a recall is never recalled
// (its own outcome is a normal hangup); a transfer the agent makes after
// answering the recall is a new transfer. Then it rings the agent's endpoint
// for the ring time with RECALL_HEADER "cause=<Q.850 cause> number=<dialled
// number>" and the call's linkedid (call-header.ts); unanswered, a normal
// hangup. The caller hears ringing (Dial's r): that audio is also what makes
// Asterisk send the agent's REFER its final NOTIFY 200 (res_pjsip_refer
// refer_progress_framehook, refer_blind_progress=yes), after which the
// agent's phone hangs up its old leg (RFC 5589). Seen on Asterisk 22.10.1:
// the INVITE of the recall goes out before that NOTIFY (the agent's channel
// is gone as soon as it leaves the bridge, only its SIP dialog waits for the
// BYE, so the dialplan has nothing to wait for); the softphone holds an
// INVITE that comes while its transfer is pending until the transfer settles
// (webui/src/sip/sip-phone-controller.ts).
import { CALL_HEADER_SUBROUTINE } from './call-header.ts';
import { CAUSE } from './dialplan.ts';

export const RECALL_CONTEXT = 'switchboard-transfer-recall';
/** The header of the INVITE that brings the caller back (webui/src/sip/call-recall.ts reads it). */
export const RECALL_HEADER = 'X-Switchboard-Recall';
/** The transferring agent's channel name while a recall is possible (the caller's channel only). */
export const RECALL_VARIABLE = 'SWITCHBOARD_RECALL';
const NUMBER_VARIABLE = 'SWITCHBOARD_RECALL_NUMBER';
const CALLER_VARIABLE = 'SWITCHBOARD_RECALL_CALLER';
const FROM_VARIABLE = 'SWITCHBOARD_RECALL_FROM';
const TO_VARIABLE = 'SWITCHBOARD_RECALL_TO';
/** The extension of the pre-dial subroutine in RECALL_CONTEXT (not a cause: no digit). */
const HEADER_EXTENSION = 'header';

// Asterisk variables, built without `${` inside JS template literals.
const v = (name: string) => `$${'{'}${name}}`;

/**
 * The steps of TRANSFER_OUTSIDE_CONTEXT that remember the transfer, after
 * its BLINDTRANSFER check. The number is filtered: it goes into Dial()'s
 * arguments, where a "," or ")" would be syntax.
 */
export function rememberTransfer(): string[] {
  return [
    `Set(${RECALL_VARIABLE}=${v('BLINDTRANSFER')})`,
    `Set(${NUMBER_VARIABLE}=${v(`FILTER(0123456789+,${v('EXTEN')})`)})`,
    `Set(${CALLER_VARIABLE}=${v('CALLERID(all)')})`,
  ];
}

/** The step before Hangup(`cause`) where a transferred caller may be refused; `cause`: digits or a variable holding them. */
export function recallStep(cause: number | string): string {
  return `GotoIf($["${v(RECALL_VARIABLE)}" != ""]?${RECALL_CONTEXT},${cause},1)`;
}

/** RECALL_CONTEXT: the extension is the cause; `ringSeconds`: how long the agent's phone rings. */
export function dialplanRecall(ringSeconds: number): string {
  if (!Number.isInteger(ringSeconds) || ringSeconds < 1)
    throw new Error('cannot render Asterisk configuration: bad recall ring time');
  const header = `${RECALL_CONTEXT}^${HEADER_EXTENSION}^1(${v('EXTEN')}^${v(NUMBER_VARIABLE)})`;
  const steps = [
    `GotoIf($["${v(RECALL_VARIABLE)}" = ""]?refused)`,
    `Set(${FROM_VARIABLE}=${v(RECALL_VARIABLE)})`,
    // never again for this caller: a recall that fails is not recalled
    `Set(${RECALL_VARIABLE}=)`,
    // "PJSIP/<username>-<sequence>": usernames have no "-" (agents.ts)
    `Set(${TO_VARIABLE}=${v(`CUT(${FROM_VARIABLE},-,1)`)})`,
    `GotoIf($["${v(`${TO_VARIABLE}:0:6`)}" != "PJSIP/"]?refused)`,
    `Set(CALLERID(all)=${v(CALLER_VARIABLE)})`,
    // r: ringing to the caller, whose audio also ends the agent's REFER (NOTIFY 200)
    `Dial(${v(TO_VARIABLE)},${ringSeconds},rb(${header}))`,
    // answered and over, or not answered in time: the caller is not sent anywhere else
    `Hangup(${CAUSE.normal})`,
  ];
  return [
    `[${RECALL_CONTEXT}]`,
    // "!": zero or more characters, so one-digit causes (1, 3) match too
    ...steps.map((step, i) => (i === 0 ? `exten => _X!,1,${step}` : ` same => n,${step}`)),
    // no transfer (an agent's own call out), or the recall already happened
    ` same => n(refused),Hangup(${v('EXTEN')})`,
    // Dial()'s pre-dial handler, on the agent's new channel: ARG1 the cause, ARG2 the number
    `exten => ${HEADER_EXTENSION},1,Set(PJSIP_HEADER(add,${RECALL_HEADER})=cause=${v('ARG1')} number=${v('ARG2')})`,
    ` same => n,Gosub(${CALL_HEADER_SUBROUTINE},s,1)`,
    ' same => n,Return()',
    '',
  ].join('\n');
}
