// The page a citizen called from, as the embedding site names it (issue 15):
// it travels API → AstDB → the guest gate's CALLERID(name) → the agent's phone.
// The API never lets a character through that means something to AMI (CR/LF),
// to Asterisk's dialplan ($ { } [ ] , ; ( ) ? : |) or to a SIP display name
// (" \ < >): only letters, marks, digits, space and . ' / & + -.
// Pure and without imports: the embed bundle uses the same rule.

export const PAGE_LABEL_MAX = 60;
/** Separates the expiry from the label in the AstDB value (never in a label). */
export const PAGE_LABEL_SEPARATOR = '~';
/** How the gate names a guest with a page: `Web caller - <label>` (CALLERID(name)). */
export const PAGE_LABEL_PREFIX = ' - ';

const ALLOWED = /^[\p{L}\p{M}\p{N} .'/&+-]*$/u;
const DISALLOWED = /[^\p{L}\p{M}\p{N} .'/&+-]+/gu;

/** Why `label` cannot be used as it is, or undefined when it can. */
export function pageLabelProblem(label: string): string | undefined {
  if ([...label].length > PAGE_LABEL_MAX)
    return `pageLabel must be at most ${PAGE_LABEL_MAX} characters`;
  if (!ALLOWED.test(label))
    return "pageLabel may hold only letters, digits, spaces and . ' / & + -";
  if (label !== label.trim() || /\s{2}/.test(label))
    return 'pageLabel must not start or end with spaces or hold two in a row';
  return undefined;
}

/** Turns any text (a page title) into an acceptable label: other characters become spaces, cut at the limit. */
export function cleanPageLabel(text: string): string {
  const plain = text.replace(DISALLOWED, ' ').replace(/\s+/g, ' ').trim();
  return [...plain].slice(0, PAGE_LABEL_MAX).join('').trim();
}
