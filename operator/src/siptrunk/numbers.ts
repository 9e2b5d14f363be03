// What an outside number an agent dials becomes, and whether it may be
// called: the rules Asterisk applies (render/outbound.ts renders them into
// the dialplan, which is the authority at call time), written once as plain
// functions so they can be read, tested and shown. Pure.
//
// A number as a person writes it ("076 123 456", "+232 76-123-456",
// "(076) 123456", "00232 76 123 456") loses its formatting (the softphone
// already sends only digits, "+", "*" and "#"), then:
//   1. an emergency number is sent exactly as dialled;
//   2. "+..." is E.164 already; "<internationalPrefix>..." becomes "+...";
//      "<nationalPrefix>..." becomes "+<countryCode>..." (with no national
//      prefix, any other number is national); a number with none of these
//      is no outside number (e.g. an extension that does not exist);
//   3. the result must be E.164: "+", no leading 0, 7 to 15 digits;
//   4. a deny prefix refuses it; "national", "international" or an allow
//      prefix lets it through; anything else is refused.
import type { TrunkOutbound } from '../crds/types.ts';

export type NumberingPlan = Pick<
  TrunkOutbound,
  'countryCode' | 'nationalPrefix' | 'internationalPrefix' | 'emergencyNumbers'
>;

export type Dialled =
  | { readonly kind: 'emergency'; readonly number: string }
  | { readonly kind: 'national' | 'international'; readonly e164: string }
  /** No "+" and no prefix: not an outside number (Asterisk: cause 1, unallocated). */
  | { readonly kind: 'unknown' }
  /** Not a number the plan can turn into E.164 (Asterisk: cause 28, invalid number format). */
  | { readonly kind: 'invalid' };

/** Formatting people put into numbers; the softphone drops the same characters. */
const FORMATTING = /[\s().\-/]/g;
const E164 = /^\+[1-9][0-9]{6,14}$/;

/** The number without its formatting: what the softphone puts into the SIP URI. */
export function dialledDigits(typed: string): string {
  return typed.replace(FORMATTING, '');
}

/** The E.164 form of an already stripped number, before any check; undefined when none applies. */
export function toE164(digits: string, plan: NumberingPlan): string | undefined {
  if (digits.startsWith('+')) return digits;
  if (digits.startsWith(plan.internationalPrefix))
    return `+${digits.slice(plan.internationalPrefix.length)}`;
  if (digits.startsWith(plan.nationalPrefix))
    return `+${plan.countryCode}${digits.slice(plan.nationalPrefix.length)}`;
  return undefined;
}

export function normaliseNumber(typed: string, plan: NumberingPlan): Dialled {
  const digits = dialledDigits(typed);
  if (plan.emergencyNumbers.includes(digits)) return { kind: 'emergency', number: digits };
  const e164 = toE164(digits, plan);
  if (e164 === undefined) return { kind: 'unknown' };
  if (!E164.test(e164)) return { kind: 'invalid' };
  return {
    kind: e164.startsWith(`+${plan.countryCode}`) ? 'national' : 'international',
    e164,
  };
}

export type Verdict =
  | { readonly call: string }
  | { readonly refused: 'unknown' | 'invalid' | 'denied' | 'not-allowed' };

/** Whether `dialled` may be called under `rules`, and the number sent to the carrier. */
export function outboundVerdict(
  dialled: Dialled,
  rules: Pick<TrunkOutbound, 'allow' | 'deny'>,
): Verdict {
  if (dialled.kind === 'emergency') return { call: dialled.number };
  if (dialled.kind === 'unknown' || dialled.kind === 'invalid') return { refused: dialled.kind };
  const n = dialled.e164;
  if (rules.deny.some((p) => n.startsWith(p))) return { refused: 'denied' };
  const allowed = rules.allow.some((a) =>
    a === 'national' || a === 'international' ? a === dialled.kind : n.startsWith(a),
  );
  return allowed ? { call: n } : { refused: 'not-allowed' };
}
