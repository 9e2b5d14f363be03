// Calls out to the phone network: the dialplan that makes Asterisk the
// authority over what an agent may dial. Pure. The same rules, as plain
// functions, are siptrunk/numbers.ts; the steps below follow them one by one.
//
// AGENT_CONTEXT includes OUTBOUND_CONTEXT after the agents' shards and
// before the catch-all refusal, so the hotline, queue numbers, the echo test
// and every extension win over an outside number. Then:
//   OUTBOUND_CONTEXT  emergency numbers (exact extensions, which beat the
//                     pattern) go straight to DIAL_CONTEXT as dialled; any
//                     other number is turned into E.164 by its first
//                     characters, in the order numbers.ts takes them (a
//                     number without "+" or a prefix is no outside number:
//                     refused as unallocated, like any unknown number), and
//                     needs the agent's permission: the channel variable its
//                     endpoint sets (a SIP request cannot set it);
//   CHECK_CONTEXT     E.164 shape, deny prefixes, then allow; each refusal
//                     has its own cause, which the softphone shows in words;
//   DIAL_CONTEXT      a browser call whose audio is Opus is refused with
//                     cause 58 (488 Not Acceptable Here) when the trunk has
//                     no Opus: Asterisk has no Opus transcoder, and its SDP
//                     answer was fixed when the INVITE came, so Dial could
//                     not match the two (it gives up at once); the
//                     softphone then calls again offering G.711 only
//                     (webui/src/sip/call-session.ts). Then the trunk's
//                     caller ID replaces the agent's (name and extension
//                     never leave), the trunk's call limit counts the call,
//                     and Dial sends it to the carrier (a transferred caller
//                     for the ring time only: unanswered, it is recalled).
// Only OUTBOUND_CONTEXT is included anywhere; the other two are reached by
// Goto from it, so no agent and no carrier can skip a step.
// Every refusal and failure on the way passes recallStep (recall.ts) before
// its hangup: a caller an agent blind-transferred goes back to that agent.

import { drainGate } from '../drain.ts';
import { CAUSE, TRANSFER_OUTSIDE_CONTEXT } from './dialplan.ts';
import { DIALOUT_VARIABLE } from './pjsip.ts';
import { RECALL_VARIABLE, recallStep, rememberTransfer } from './recall.ts';
import { TRUNK_LIMIT_SUBROUTINE, trunkCodecs, trunkId } from './trunks.ts';
import type { RenderOutbound, RenderTrunk } from './types.ts';

export const OUTBOUND_CONTEXT = 'switchboard-outbound';
export const CHECK_CONTEXT = 'switchboard-outbound-check';
export const DIAL_CONTEXT = 'switchboard-outbound-dial';

/** Holds the normalised number between the steps (the channel's own: never inherited). */
export const E164_VARIABLE = 'SWITCHBOARD_E164';

const E164 = /^\+[1-9][0-9]{6,14}$/;
const PREFIX = /^\+[0-9]{1,15}$/;
const ALLOW = /^(national|international|emergency|\+[0-9]{1,15})$/;
const EMERGENCY = /^[0-9]{2,6}$/;

// Asterisk variables, built without `${` inside JS template literals.
const v = (name: string) => `$${'{'}${name}}`;

/** The carrier gave a cause of its own: not empty (0) and not normal clearing. */
const carrierCause = `0${v('HANGUPCAUSE')} > 0 & 0${v('HANGUPCAUSE')} != ${CAUSE.normal}`;
/** The cause of a failed call out, between its steps. */
const CAUSE_VARIABLE = 'SWITCHBOARD_CAUSE';

/**
 * A refusal or failure a transferred caller may meet: back to the agent who
 * transferred (recall.ts), else the hangup.
 */
const refuse = (cause: number | string) => [recallStep(cause), `Hangup(${cause})`];

/** The trunk that carries outbound calls, if any (resolution lets at most one through). */
export function outboundTrunk(
  trunks: readonly RenderTrunk[],
): (RenderTrunk & { outbound: RenderOutbound }) | undefined {
  const carrying = trunks.filter((t) => t.outbound !== undefined);
  if (carrying.length > 1)
    throw new Error(
      `cannot render Asterisk configuration: ${carrying.length} trunks carry outbound calls; one may`,
    );
  return carrying[0] as (RenderTrunk & { outbound: RenderOutbound }) | undefined;
}

/** The CRD enforces all of it; numbers and prefixes end up verbatim in dialplan text. */
export function outboundProblems(o: RenderOutbound): string[] {
  const bad: string[] = [];
  if (!E164.test(o.callerId)) bad.push('outbound callerId must be E.164');
  if (!/^[1-9][0-9]{0,2}$/.test(o.countryCode)) bad.push('outbound countryCode must be digits');
  if (!/^[0-9]{0,3}$/.test(o.nationalPrefix)) bad.push('outbound nationalPrefix must be digits');
  if (!/^[0-9]{1,4}$/.test(o.internationalPrefix))
    bad.push('outbound internationalPrefix must be digits');
  if (o.nationalPrefix.startsWith(o.internationalPrefix))
    bad.push('outbound nationalPrefix must not start with internationalPrefix');
  if (!o.allow.every((a) => ALLOW.test(a))) bad.push('outbound allow has a bad pattern');
  if (!o.deny.every((d) => PREFIX.test(d))) bad.push('outbound deny has a bad prefix');
  if (!o.emergencyNumbers.every((n) => EMERGENCY.test(n)))
    bad.push('outbound emergency numbers must be digits');
  return bad;
}

const steps = (exten: string, list: readonly string[]) =>
  list.map((step, i) => (i === 0 ? `exten => ${exten},1,${step}` : ` same => n,${step}`));
/** `list` as further steps of the extension above, the first one labelled. */
const labelled = (label: string, list: readonly string[]) =>
  list.map((step, i) => (i === 0 ? ` same => n(${label}),${step}` : ` same => n,${step}`));

/** An expression: EXTEN starts (`=`) or does not start (`!=`) with `prefix`. */
const startsWith = (prefix: string, op: '=' | '!=' = '=') =>
  `"${v(`EXTEN:0:${prefix.length}`)}" ${op} "${prefix}"`;

/**
 * The three outbound contexts; '' without an outbound trunk. A transferred
 * caller rings the outside number for at most `transferRingSeconds` (then
 * NOANSWER: recalled to the agent); an agent's own call rings until the
 * agent or the carrier gives up.
 */
export function dialplanOutbound(
  trunks: readonly RenderTrunk[],
  transferRingSeconds: number,
): string {
  const t = outboundTrunk(trunks);
  if (!t) return '';
  const o = t.outbound;
  const cc = o.countryCode;
  const intl = o.internationalPrefix;
  const national = o.nationalPrefix;

  // Normalisation, in numbers.ts's order: "+", the international prefix, the
  // national one; a number with none of them is no outside number (cause 1, as
  // any unknown number). Then the permission: the endpoint's variable, which
  // only the agents allowed to call out have.
  const e164 = (value: string) => `Set(${E164_VARIABLE}=${value})`;
  const normalise = [
    // no new outside call while Asterisk drains (emergency numbers never get here)
    drainGate(),
    `GotoIf($["${v('EXTEN:0:1')}" = "+"]?plus)`,
    `GotoIf($[${startsWith(intl)}]?international)`,
    national === '' ? 'Goto(national)' : `GotoIf($[${startsWith(national)}]?national)`,
    ...refuse(CAUSE.unallocated),
  ];
  const normaliseLabels = [
    ` same => n(plus),${e164(v('EXTEN'))}`,
    ' same => n,Goto(permitted)',
    ` same => n(international),${e164(`+${v(`EXTEN:${intl.length}`)}`)}`,
    ' same => n,Goto(permitted)',
    ` same => n(national),${e164(`+${cc}${v(`EXTEN:${national.length}`)}`)}`,
    ` same => n(permitted),GotoIf($["${v(DIALOUT_VARIABLE)}" != "yes"]?barred)`,
    ` same => n,Goto(${CHECK_CONTEXT},${v(E164_VARIABLE)},1)`,
    ...labelled('barred', refuse(CAUSE.notAuthorised)),
  ];

  const allowSteps: string[] = [];
  for (const a of [...new Set(o.allow)].sort()) {
    if (a === 'emergency') continue; // emergency numbers never get here: they are always allowed
    if (a === 'national') allowSteps.push(`GotoIf($[${startsWith(`+${cc}`)}]?allowed)`);
    else if (a === 'international')
      allowSteps.push(`GotoIf($[${startsWith(`+${cc}`, '!=')}]?allowed)`);
    else allowSteps.push(`GotoIf($[${startsWith(a)}]?allowed)`);
  }
  const digits = v('EXTEN:1');
  const length = v(`LEN(${v('EXTEN')})`);
  const checkSteps = [
    // E.164: digits only after "+", 7 to 15 of them, no leading 0.
    `GotoIf($["${v(`FILTER(0123456789,${digits})`)}" != "${digits}" | ${length} < 8 | ${length} > 16 | "${v('EXTEN:1:1')}" = "0"]?invalid)`,
    ...[...new Set(o.deny)].sort().map((d) => `GotoIf($[${startsWith(d)}]?refused)`),
    ...allowSteps,
    ...refuse(CAUSE.rejected),
  ];
  const id = trunkId(t.name);
  const needsG711 = !trunkCodecs(t).includes('opus');
  const limit = t.maxCalls > 0 ? [`Gosub(${TRUNK_LIMIT_SUBROUTINE},s,1(${id},${t.maxCalls}))`] : [];

  // A blind transfer by an agent who may call out (only their endpoints
  // name this context's includer as TRANSFER_CONTEXT, pjsip.ts): the caller's
  // channel runs the outbound steps with the transferring agent's permission,
  // which reaching this context proves (BLINDTRANSFER: only a transfer gets here).
  // It remembers who transferred: a refusal or failure on the way out sends
  // the caller back to that agent (recall.ts).
  const outside = [
    `GotoIf($["${v('BLINDTRANSFER')}" = ""]?barred)`,
    ...rememberTransfer(),
    `Set(${DIALOUT_VARIABLE}=yes)`,
    `Goto(${OUTBOUND_CONTEXT},${v('EXTEN')},1)`,
  ];
  // The shapes OUTBOUND_CONTEXT turns into E.164 (with no national prefix, every number).
  const outsidePatterns = [
    '_+X.',
    `_${intl}X.`,
    national === '' ? '_X.' : `_${national}X.`,
    ...new Set(o.emergencyNumbers),
  ];

  return [
    `[${TRANSFER_OUTSIDE_CONTEXT}]`,
    ...[...new Set(outsidePatterns)].flatMap((p) => [
      ...steps(p, outside),
      // not a transfer: nothing to recall
      ` same => n(barred),Hangup(${CAUSE.notAuthorised})`,
    ]),
    '',
    `[${OUTBOUND_CONTEXT}]`,
    // Exact extensions beat patterns: emergency numbers skip every check.
    ...[...new Set(o.emergencyNumbers)]
      .sort()
      .flatMap((n) => steps(n, [`Goto(${DIAL_CONTEXT},${n},1)`])),
    // Digits and "+" only ("*" and "#" stay inside the call center), 2 characters or more.
    ...steps('_[0-9+].', normalise),
    ...normaliseLabels,
    '',
    `[${CHECK_CONTEXT}]`,
    ...steps('_+.', checkSteps),
    ...labelled('refused', refuse(CAUSE.rejected)),
    ...labelled('invalid', refuse(CAUSE.invalidNumber)),
    ` same => n(allowed),Goto(${DIAL_CONTEXT},${v('EXTEN')},1)`,
    // "+" alone, or a jump here with nothing E.164-like.
    ...steps('i', refuse(CAUSE.invalidNumber)),
    '',
    `[${DIAL_CONTEXT}]`,
    ...steps('_[0-9+].', [
      ...(needsG711 ? [`GotoIf($["${v('CHANNEL(audioreadformat)')}" = "opus"]?codecs)`] : []),
      // The carrier shows the call center's number, never the agent's name or extension.
      'Set(CALLERID(name)=)',
      `Set(CALLERID(num)=${o.callerId})`,
      ...limit,
      `Dial(PJSIP/${v('EXTEN')}@${id},${v(`IF($["${v(RECALL_VARIABLE)}" != ""]?${transferRingSeconds}:)`)})`,
      `Goto(s-${v('DIALSTATUS')},1)`,
    ]),
    ...(needsG711 ? labelled('codecs', refuse(CAUSE.codecsUnsupported)) : []),
    // The carrier's answer, as the agent's softphone (or, recalled, the
    // transferring agent's) gets it.
    ...steps('s-BUSY', refuse(CAUSE.busy)),
    ...steps('s-NOANSWER', refuse(CAUSE.noAnswer)),
    // The carrier refused the call (CHANUNAVAIL: a 4xx/5xx/6xx; CONGESTION: its
    // 503) or was unreachable: Dial leaves its Q.850 cause in HANGUPCAUSE,
    // which goes to the agent as it is (a carrier's "unallocated number" is
    // worth more than our "congestion"); none, or normal clearing: congestion.
    ...(['CONGESTION', 'CHANUNAVAIL'] as const).flatMap((status) =>
      steps(`s-${status}`, [
        `Set(${CAUSE_VARIABLE}=${v(`IF($[${carrierCause}]?${v('HANGUPCAUSE')}:${CAUSE.congestion})`)})`,
        ...refuse(v(CAUSE_VARIABLE)),
      ]),
    ),
    // ANSWER (the call happened), CANCEL (the agent gave up) and anything new.
    `exten => _s-.,1,Hangup(${CAUSE.normal})`,
    `exten => i,1,Hangup(${CAUSE.normal})`,
    '',
  ].join('\n');
}
