// Citizens calling from the public page (WebRTCConfig spec.publicAccess,
// issue 15). One fixed PJSIP endpoint serves every guest: its password is
// handed to every visitor by POST /public/guest-calls, so it is a door sign,
// not a lock (it keeps SIP scanners that never asked the API out). The lock
// is a single-use token the API writes into AstDB over AMI (no reload per
// guest); the guest context checks it itself, so a page that skips the API,
// replays a token or invents one is refused by Asterisk:
//   0. outside the opening hours (GotoIfTime in their time zone) → 20 (480);
//   1. the concurrent-guest cap (GROUP_COUNT) → 34 "all lines busy" (503);
//   2. the X-Switchboard-Guest header must be exactly TOKEN_HEX_LENGTH
//      lowercase hex characters (checked before the value is used anywhere);
//   3. DB_DELETE reads and removes the key under a LOCK, so of two calls with
//      the same token only one finds it (single use);
//   4. the stored value (epoch seconds) must lie in the future;
//   5. TIMEOUT(absolute) caps the call, then Goto the public number in the
//      agents' context: the guest meets exactly what any caller of it meets.
// Anything else the guest dials falls through to the refusal context (404).
// Each refusal raises an AMI UserEvent with its reason (never the token).

import { PAGE_LABEL_PREFIX, PAGE_LABEL_SEPARATOR } from '../../api/guest/page-label.ts';
import type { PublicAccessSpec, WebRTCConfigSpec } from '../../crds/types.ts';
import { AGENT_CONTEXT, CAUSE, REJECT_CONTEXT } from './dialplan.ts';
import { openingSteps } from './opening-hours.ts';
import { ENDPOINT_TEMPLATE } from './pjsip.ts';
import type { QueueRoute } from './routes.ts';
import { type Line, section } from './syntax.ts';

export const GUEST_ENDPOINT = 'switchboard-guest';
export const GUEST_CONTEXT = 'switchboard-guests';
export const GUEST_GATE = 'switchboard-guest-gate';
/** The SIP header the page puts its token in. */
export const GUEST_HEADER = 'X-Switchboard-Guest';
/** AstDB family of the tokens: key = token, value = expiry in epoch seconds, then `~label` when the page named itself. */
export const GUEST_DB_FAMILY = 'switchboard-guest';
/** GROUP() category and name that count guest channels. */
export const GUEST_GROUP = 'guests';
export const GUEST_GROUP_CATEGORY = 'switchboard';
/** 32 random bytes as hex: the only shape the gate accepts. */
export const TOKEN_HEX_LENGTH = 64;
/** AMI UserEvent name of the gate's verdicts. */
export const GUEST_EVENT = 'SwitchboardGuest';
/** What the agent's phone shows for a guest: a web call, not a fake number. */
export const GUEST_CALLER_NAME = 'Web caller';
export const GUEST_CALLER_NUMBER = 'web';

/** Why the gate refused (the UserEvent's Result), with the cause the guest's browser sees. */
export const GUEST_REFUSALS = {
  closed: CAUSE.absent, // 480: outside the opening hours
  busy: CAUSE.congestion, // 503: all lines busy
  malformed: CAUSE.rejected, // 403: no token, or not a token at all
  unknown: CAUSE.rejected, // 403: never minted, or already used
  expired: CAUSE.rejected, // 403
} as const;

// Asterisk variables, built without `${` inside JS template literals.
const v = (name: string) => `$${'{'}${name}}`;

/** Whether guests can call at all (the controller supplies the password when enabled). */
export function guestsEnabled(spec: WebRTCConfigSpec): spec is WebRTCConfigSpec & {
  publicAccess: PublicAccessSpec;
} {
  return spec.publicAccess?.enabled === true;
}

/**
 * The public numbers in force: the configured ones (empty: the hotline) that
 * reach a queue; `dropped` lists the others (an extension, a number nobody
 * routes), which guests can never reach.
 */
export function guestNumbers(
  spec: Pick<WebRTCConfigSpec, 'hotline' | 'publicAccess'>,
  routes: readonly QueueRoute[],
): { allowed: string[]; dropped: string[] } {
  const wanted = spec.publicAccess?.numbers.length
    ? spec.publicAccess.numbers
    : [spec.hotline.number];
  const routed = new Set(routes.map((r) => r.number));
  const unique = [...new Set(wanted)].sort();
  return {
    allowed: unique.filter((n) => routed.has(n)),
    dropped: unique.filter((n) => !routed.has(n)),
  };
}

/**
 * The guest endpoint (ConfigMap): the agents' WebRTC template, the guest
 * context, no transfers; G.711 first when calls may be recorded (recording.ts).
 */
export function pjsipGuest(recorded = false): string {
  const lines: Line[] = [
    ['auth', GUEST_ENDPOINT],
    ['context', GUEST_CONTEXT],
    ['callerid', `"${GUEST_CALLER_NAME}" <${GUEST_CALLER_NUMBER}>`],
    ['allow', recorded ? 'ulaw,alaw,opus' : 'opus,ulaw,alaw'],
    // A REFER would put the guest's call wherever the guest likes (the channel
    // sits in the agents' context after the gate): never.
    ['allow_transfer', 'no'],
    ['allow_subscribe', 'no'],
  ];
  // No AOR: nobody calls a guest, and a REGISTER finds nothing to bind to.
  return section(GUEST_ENDPOINT, lines, ENDPOINT_TEMPLATE);
}

/** The guest endpoint's auth section: Secret output only. */
export function pjsipGuestAuth(password: string): string {
  if (!/^[0-9a-f]{32,64}$/.test(password))
    throw new Error('cannot render Asterisk configuration: the guest password must be hex');
  return `\n${section(GUEST_ENDPOINT, [
    ['type', 'auth'],
    ['auth_type', 'userpass'],
    ['username', GUEST_ENDPOINT],
    ['password', password],
  ])}`;
}

function refusal(reason: keyof typeof GUEST_REFUSALS): string[] {
  return [
    `exten => ${reason},1,UserEvent(${GUEST_EVENT},Result: ${reason})`,
    ` same => n,Hangup(${GUEST_REFUSALS[reason]})`,
  ];
}

/** The guest context and the gate subroutine (main ConfigMap). */
export function dialplanGuests(access: PublicAccessSpec, numbers: readonly string[]): string {
  const token = v('GUEST_TOKEN');
  const checked = `${v(`LEN(${v(`FILTER(0-9a-f,${token})`)})`)}`;
  return [
    `[${GUEST_CONTEXT}]`,
    ...numbers.flatMap((n) => [
      `exten => ${n},1,Gosub(${GUEST_GATE},s,1)`,
      ` same => n,Goto(${AGENT_CONTEXT},${n},1)`,
    ]),
    // Extensions, outside numbers, anything: "no such number".
    `include => ${REJECT_CONTEXT}`,
    '',
    `[${GUEST_GATE}]`,
    // Closed first: outside the hours a permission is neither counted nor used.
    ...(access.openingHours
      ? [
          ...openingSteps(access.openingHours, 'open').map(
            (step, i) => `${i ? ' same => n' : 'exten => s,1'},${step}`,
          ),
          ' same => n,Goto(closed,1)',
          ` same => n(open),Set(GROUP(${GUEST_GROUP_CATEGORY})=${GUEST_GROUP})`,
        ]
      : [`exten => s,1,Set(GROUP(${GUEST_GROUP_CATEGORY})=${GUEST_GROUP})`]),
    ` same => n,GotoIf($[${v(`GROUP_COUNT(${GUEST_GROUP}@${GUEST_GROUP_CATEGORY})`)} > ${access.maxConcurrentGuests}]?busy,1)`,
    // The header is read once into a variable; only its length and its
    // filtered copy's length enter expressions, never the raw text.
    ` same => n,Set(GUEST_TOKEN=${v(`PJSIP_HEADER(read,${GUEST_HEADER})`)})`,
    ` same => n,GotoIf($[${v(`LEN(${token})`)} != ${TOKEN_HEX_LENGTH}]?malformed,1)`,
    ` same => n,GotoIf($[${checked} != ${TOKEN_HEX_LENGTH}]?malformed,1)`,
    // Read and delete as one step: of two calls racing with one token, one wins.
    ` same => n,Set(GUEST_LOCKED=${v(`LOCK(${GUEST_DB_FAMILY})`)})`,
    ` same => n,Set(GUEST_VALUE=${v(`DB_DELETE(${GUEST_DB_FAMILY}/${token})`)})`,
    ` same => n,Set(GUEST_UNLOCKED=${v(`UNLOCK(${GUEST_DB_FAMILY})`)})`,
    ` same => n,Set(GUEST_TOKEN=)`,
    // CUT takes the variable's name: the stored label never enters its arguments.
    ` same => n,Set(GUEST_EXPIRES=${v(`CUT(GUEST_VALUE,${PAGE_LABEL_SEPARATOR},1)`)})`,
    ` same => n,Set(GUEST_PAGE=${v(`CUT(GUEST_VALUE,${PAGE_LABEL_SEPARATOR},2)`)})`,
    ` same => n,GotoIf($[${v(`LEN(${v('GUEST_EXPIRES')})`)} = 0]?unknown,1)`,
    ` same => n,GotoIf($[${v('GUEST_EXPIRES')} <= ${v('EPOCH')}]?expired,1)`,
    ` same => n,Set(TIMEOUT(absolute)=${access.maxCallSeconds})`,
    // A guest never carries the agents' permission to call out (pjsip.ts DIALOUT_VARIABLE).
    ' same => n,Set(SWITCHBOARD_DIALOUT=)',
    // The label was checked by the API (api/guest/page-label.ts) before it
    // went into AstDB; no SIP header of the guest's reaches the caller ID.
    ` same => n,Set(CALLERID(name)=${GUEST_CALLER_NAME})`,
    ` same => n,GotoIf($[${v(`LEN(${v('GUEST_PAGE')})`)} = 0]?named)`,
    ` same => n,Set(CALLERID(name)=${GUEST_CALLER_NAME}${PAGE_LABEL_PREFIX}${v('GUEST_PAGE')})`,
    ` same => n(named),Set(CALLERID(num)=${GUEST_CALLER_NUMBER})`,
    ` same => n,UserEvent(${GUEST_EVENT},Result: admitted)`,
    ' same => n,Return()',
    ...(access.openingHours ? refusal('closed') : []),
    ...refusal('busy'),
    ...refusal('malformed'),
    ...refusal('unknown'),
    ...refusal('expired'),
    '',
  ].join('\n');
}

/** The guests' parts of the generated files; all '' when public access is off. */
export interface GuestParts {
  readonly pjsip: string;
  readonly dialplan: string;
  /** Goes into the Secret shard of shardOf(GUEST_ENDPOINT). */
  readonly auth: string;
}

export const NO_GUESTS: GuestParts = { pjsip: '', dialplan: '', auth: '' };

export function renderGuests(
  spec: WebRTCConfigSpec,
  routes: readonly QueueRoute[],
  password: string | undefined,
  recorded = false,
): GuestParts {
  if (!guestsEnabled(spec) || password === undefined) return NO_GUESTS;
  const { allowed } = guestNumbers(spec, routes);
  return {
    pjsip: pjsipGuest(recorded),
    dialplan: dialplanGuests(spec.publicAccess, allowed),
    auth: pjsipGuestAuth(password),
  };
}
