// Answered/abandoned calls per queue "today" for the wallboard. The counts
// are app_queue's own (queue-model.ts QueueCounts): they live in Asterisk,
// so an operator restart or a leader fail-over reads the same numbers back,
// where counts held in the operator's memory would start again from zero.
// app_queue counts since its last QueueReset or Asterisk's start: the leader
// resets them at midnight in the operator's time zone (stats-day.ts), and
// `since` tells the page from when they count. Pure.
import type { QueueCounts } from './queue-model.ts';

export interface DayCounts {
  /** Local date the counts are for (YYYY-MM-DD). */
  readonly day: string;
  /** Epoch milliseconds counting started (midnight, or later when Asterisk started later). */
  readonly since: number;
  readonly answered: number;
  readonly answeredWithinServiceLevel: number;
  readonly abandoned: number;
}

/** The local date of `at` and the epoch milliseconds of its midnight. */
export function localDay(at: number): { key: string; start: number } {
  const d = new Date(at);
  const start = new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const key = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  return { key, start };
}

export function dayCounts(c: QueueCounts, since: number): DayCounts {
  return {
    day: localDay(since).key,
    since,
    answered: c.answered,
    answeredWithinServiceLevel: c.answeredWithinServiceLevel,
    abandoned: c.abandoned,
  };
}

/** What the leader stored when it last reset app_queue's counters ("<day> <epoch ms>"). */
export interface StatsMark {
  readonly day: string;
  readonly since: number;
}

export function parseMark(value: string | undefined): StatsMark | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d+)$/.exec(value?.trim() ?? '');
  return m?.[1] && m[2] ? { day: m[1], since: Number(m[2]) } : undefined;
}

export const formatMark = (m: StatsMark): string => `${m.day} ${m.since}`;

/**
 * Whether app_queue's counters must be reset now, and from when they count.
 * They count since the stored mark or Asterisk's start, whichever is later
 * (a restart of Asterisk lost them); when that is not today, a new day began
 * since: reset, counting from now. No mark yet (first run): counting since
 * Asterisk started, if that was today.
 */
export function statsDecision(
  mark: StatsMark | undefined,
  asteriskStartedAt: number,
  now: number,
): { reset: boolean; since: number; write: StatsMark | undefined } {
  const today = localDay(now).key;
  const since = Math.max(mark?.since ?? 0, asteriskStartedAt);
  if (localDay(since).key !== today) {
    const m = { day: today, since: now };
    return { reset: true, since: now, write: m };
  }
  return { reset: false, since, write: mark ? undefined : { day: today, since } };
}
