// Turns what a person typed on the dial pad into a SIP URI string: extensions
// and phone numbers (spaces, dashes, dots, slashes and parentheses are
// dropped: a SIP user part cannot hold them; Asterisk turns the rest into
// E.164 and decides whether it may be called), a SIP user name, or a full
// sip: URI.

export type DialTarget = { ok: true; uri: string; display: string } | { ok: false; error: string };

export function dialTarget(input: string, domain: string): DialTarget {
  const typed = input.trim();
  if (typed === '') return { ok: false, error: 'Enter an extension or number to call.' };
  if (/^sips?:/i.test(typed)) {
    if (!/^sips?:[^@\s]+@[^@\s]+$/i.test(typed)) {
      return { ok: false, error: `"${typed}" is not a valid SIP address.` };
    }
    return { ok: true, uri: typed, display: typed.replace(/^sips?:/i, '') };
  }
  const digits = typed.replace(/[\s().\-/]/g, '');
  if (/^\+?[0-9*#]+$/.test(digits)) {
    return { ok: true, uri: `sip:${digits}@${domain}`, display: digits };
  }
  if (/^[A-Za-z0-9_.!~*'-]+$/.test(typed)) {
    return { ok: true, uri: `sip:${typed}@${domain}`, display: typed };
  }
  return { ok: false, error: `"${typed}" is not an extension, number or SIP user.` };
}

/** RFC 4733 events a DTMF keypad can send. */
export function isDtmfTone(key: string): boolean {
  return /^[0-9*#A-Da-d]$/.test(key);
}
