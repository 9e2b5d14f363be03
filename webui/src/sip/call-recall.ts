// A caller coming back: an agent blind-transferred them to an outside number
// and the number was refused or the call out failed, so Asterisk rings the
// agent again with X-Switchboard-Recall: "cause=<Q.850 cause> number=<number
// dialled>" (operator asterisk/render/recall.ts). The softphone says why, in
// the words it uses for a call of its own that ended so. Pure.
import { causeWords } from './call-refusal.ts';

export const RECALL_HEADER = 'X-Switchboard-Recall';

export interface Recall {
  readonly cause: number;
  /** Digits and "+" as the agent dialled them; '' when none were left. */
  readonly number: string;
}

/** The header's value; undefined when absent or not ours. */
export function parseRecall(value: string | undefined): Recall | undefined {
  const m = /^\s*cause=(\d{1,3})\s+number=(\+?[0-9]{0,32})\s*$/.exec(value ?? '');
  if (!m) return undefined;
  return { cause: Number(m[1]), number: m[2] ?? '' };
}

/** "Transfer to <number> failed: <reason> — caller returned". */
export function recallNotice(recall: Recall): string {
  const words = causeWords(recall.cause);
  const reason = words
    ? `${words.charAt(0).toLowerCase()}${words.slice(1)}`
    : `the call failed (cause ${recall.cause})`;
  const to = recall.number === '' ? 'an outside number' : recall.number;
  return `Transfer to ${to} failed: ${reason} — caller returned`;
}
