// The reports API's query string, checked at the edge: every problem names
// its parameter (period, from, to, tz, queue) and nothing reaches SQL
// unchecked. Pure: the known queues and the clock are arguments.
import type { FieldError } from '../schema/errors.ts';
import {
  daysBetween,
  formatLocalDate,
  type LocalDate,
  type PeriodName,
  periodDays,
  type UtcRange,
  utcRange,
} from './period.ts';

/** The longest period a report covers (a year and a bit: last year's same month compares). */
export const MAX_PERIOD_DAYS = 400;

export interface ReportParams {
  readonly period: PeriodName;
  /** First and last local day, both included (YYYY-MM-DD). */
  readonly firstDay: string;
  readonly lastDay: string;
  readonly timeZone: string;
  /** undefined: every queue. */
  readonly queue: string | undefined;
  readonly range: UtcRange;
}

export type ParamsResult =
  | { readonly ok: true; readonly params: ReportParams }
  | { readonly ok: false; readonly errors: FieldError[] };

const PERIODS: readonly PeriodName[] = ['today', '7d', '30d', 'custom'];

/** Whether Intl (and so the viewer's browser) knows the IANA zone. */
export function isTimeZone(name: string): boolean {
  if (name.length === 0 || name.length > 64 || !/^[A-Za-z0-9_+\-/]+$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** A strict YYYY-MM-DD calendar date (2026-02-30 is not one). */
export function parseLocalDate(text: string): LocalDate | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const d = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day));
  if (d.year < 1970 || t.getUTCMonth() !== d.month - 1 || t.getUTCDate() !== d.day)
    return undefined;
  return d;
}

const one = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;

export function parseReportParams(
  query: Record<string, unknown>,
  knownQueues: ReadonlySet<string>,
  now: Date,
): ParamsResult {
  const errors: FieldError[] = [];
  const period = (one(query.period) ?? 'today') as PeriodName;
  if (!PERIODS.includes(period))
    errors.push({ field: 'period', message: `must be one of ${PERIODS.join(', ')}` });
  const timeZone = one(query.tz) ?? 'UTC';
  if (!isTimeZone(timeZone))
    errors.push({ field: 'tz', message: 'must be an IANA time zone name, e.g. Africa/Freetown' });
  const queueText = one(query.queue);
  const queue =
    queueText === undefined || queueText === '' || queueText === '*' ? undefined : queueText;
  if (queue !== undefined && !knownQueues.has(queue))
    errors.push({
      field: 'queue',
      message: `no queue named "${queue.slice(0, 64)}" (known: ${[...knownQueues].sort().join(', ') || 'none'})`,
    });

  let first: LocalDate | undefined;
  let last: LocalDate | undefined;
  if (period === 'custom') {
    const fromText = one(query.from);
    const toText = one(query.to);
    first = fromText === undefined ? undefined : parseLocalDate(fromText);
    last = toText === undefined ? undefined : parseLocalDate(toText);
    if (!first)
      errors.push({
        field: 'from',
        message: 'must be a date YYYY-MM-DD (the first day, included)',
      });
    if (!last)
      errors.push({ field: 'to', message: 'must be a date YYYY-MM-DD (the last day, included)' });
    if (first && last) {
      const days = daysBetween(first, last) + 1;
      if (days < 1) errors.push({ field: 'to', message: 'must not be before from' });
      else if (days > MAX_PERIOD_DAYS)
        errors.push({
          field: 'to',
          message: `the period is ${days} days; at most ${MAX_PERIOD_DAYS} days fit in one report`,
        });
    }
  } else if (one(query.from) !== undefined || one(query.to) !== undefined) {
    errors.push({ field: 'from', message: 'from and to go with period=custom only' });
  }
  if (errors.length > 0) return { ok: false, errors };
  if (period !== 'custom') ({ first, last } = periodDays(period, now, timeZone));
  if (!first || !last) return { ok: false, errors: [{ field: 'period', message: 'is invalid' }] };
  return {
    ok: true,
    params: {
      period,
      firstDay: formatLocalDate(first),
      lastDay: formatLocalDate(last),
      timeZone,
      queue,
      range: utcRange(first, last, timeZone),
    },
  };
}
