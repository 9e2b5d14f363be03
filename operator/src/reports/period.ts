// A report's period in the viewer's time zone, turned into the half-open UTC
// range [from, to) the queries select by. "today" and the last N days start
// at the viewer's local midnight and end at the next one (calls logged later
// today count as they come); a custom period names whole local days, both
// included. Local midnight is found from the zone's offset at that instant,
// checked twice, so a day that starts in a DST change is still 23 or 25 hours.
// Pure (the clock is an argument).

export type PeriodName = 'today' | '7d' | '30d' | 'custom';

export interface LocalDate {
  readonly year: number;
  readonly month: number; // 1..12
  readonly day: number;
}

export interface UtcRange {
  readonly from: Date;
  readonly to: Date;
}

const partsFormat = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormat.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormat.set(timeZone, f);
  }
  return f;
}

/** The wall-clock fields of an instant in a zone, as if they were UTC (ms). */
function wallClockMs(instant: number, timeZone: string): number {
  const p: Record<string, number> = {};
  for (const part of formatFor(timeZone).formatToParts(instant))
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(
    p.year ?? 0,
    (p.month ?? 1) - 1,
    p.day ?? 1,
    p.hour ?? 0,
    p.minute ?? 0,
    p.second ?? 0,
  );
}

/** The zone's offset from UTC at an instant (ms, east positive). */
export function zoneOffsetMs(instant: number, timeZone: string): number {
  return (
    wallClockMs(Math.floor(instant / 1000) * 1000, timeZone) - Math.floor(instant / 1000) * 1000
  );
}

/** The instant a local day starts (its midnight, or the first local time after a skipped midnight). */
export function startOfLocalDay(d: LocalDate, timeZone: string): Date {
  const wall = Date.UTC(d.year, d.month - 1, d.day);
  let utc = wall - zoneOffsetMs(wall, timeZone);
  const again = wall - zoneOffsetMs(utc, timeZone);
  if (again !== utc) {
    // Midnight fell in a gap (e.g. America/Santiago's spring change): take the later reading.
    utc = Math.max(again, utc);
  }
  return new Date(utc);
}

/** The local calendar date of an instant. */
export function localDateOf(instant: Date, timeZone: string): LocalDate {
  const wall = new Date(wallClockMs(instant.getTime(), timeZone));
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
}

export function addDays(d: LocalDate, days: number): LocalDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + days));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** Whole local days between two dates (b - a). */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return Math.round(
    (Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86_400_000,
  );
}

export function formatLocalDate(d: LocalDate): string {
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

/** The first and last local day (both included) of a named period ending today. */
export function periodDays(
  period: Exclude<PeriodName, 'custom'>,
  now: Date,
  timeZone: string,
): { first: LocalDate; last: LocalDate } {
  const today = localDateOf(now, timeZone);
  const span = period === 'today' ? 1 : period === '7d' ? 7 : 30;
  return { first: addDays(today, 1 - span), last: today };
}

/** [first local midnight, the midnight after the last day) in UTC. */
export function utcRange(first: LocalDate, last: LocalDate, timeZone: string): UtcRange {
  return {
    from: startOfLocalDay(first, timeZone),
    to: startOfLocalDay(addDays(last, 1), timeZone),
  };
}
