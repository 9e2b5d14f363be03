// Whether the hotline is open for guests now, and when it opens next, by
// the WebRTCConfig's opening hours in their time zone (the same periods the
// Asterisk gate checks with GotoIfTime: asterisk/render/opening-hours.ts).
// Pure: the clock is an argument; time zones come from the ICU data of Node.
import type { OpeningHours, Weekday } from '../crds/types.ts';

const DAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface Local {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly minutes: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();
function format(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formats.set(timeZone, f);
  }
  return f;
}

/** Whether Node knows the zone (the CRD pattern cannot tell). */
export function knownTimeZone(timeZone: string): boolean {
  try {
    format(timeZone);
    return true;
  } catch {
    return false;
  }
}

function local(ms: number, timeZone: string): Local {
  const p = Object.fromEntries(
    format(timeZone)
      .formatToParts(ms)
      .map((x) => [x.type, x.value]),
  );
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    minutes: Number(p.hour) * 60 + Number(p.minute),
  };
}

const toMinutes = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
};

/** The weekday of a local calendar date. */
const weekday = (l: Local) => DAYS[new Date(Date.UTC(l.year, l.month - 1, l.day)).getUTCDay()];

/** The instant a local wall-clock time in `timeZone` stands for (the later one around a DST jump). */
function instant(year: number, month: number, day: number, minutes: number, timeZone: string) {
  const wanted = Date.UTC(year, month - 1, day, 0, minutes);
  let t = wanted;
  for (let i = 0; i < 2; i++) {
    const l = local(t, timeZone);
    t += wanted - Date.UTC(l.year, l.month - 1, l.day, 0, l.minutes);
  }
  return t;
}

export function isOpen(hours: OpeningHours, nowMs: number): boolean {
  const now = local(nowMs, hours.timeZone);
  const day = weekday(now);
  return hours.windows.some(
    (w) =>
      day !== undefined &&
      w.days.includes(day) &&
      toMinutes(w.from) <= now.minutes &&
      now.minutes < toMinutes(w.to),
  );
}

/** The next opening after `nowMs` within a week (undefined: never). */
export function nextOpening(hours: OpeningHours, nowMs: number): number | undefined {
  const today = local(nowMs, hours.timeZone);
  let best: number | undefined;
  for (let offset = 0; offset <= 7; offset++) {
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + offset));
    const l = {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
    };
    const day = DAYS[date.getUTCDay()];
    for (const w of hours.windows) {
      if (day === undefined || !w.days.includes(day)) continue;
      const at = instant(l.year, l.month, l.day, toMinutes(w.from), hours.timeZone);
      if (at > nowMs && (best === undefined || at < best)) best = at;
    }
    if (best !== undefined) return best;
  }
  return best;
}

/** What the page and a refused mint say while closed. */
export function closedMessage(hours: OpeningHours, nowMs: number): string {
  const next = nextOpening(hours, nowMs);
  if (next === undefined) return 'The hotline is closed.';
  const when = new Intl.DateTimeFormat('en-GB', {
    timeZone: hours.timeZone,
    weekday: 'long',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(next);
  return `The hotline is closed. It opens again ${when} (${hours.timeZone} time).`;
}

/** The hours in one line for the PublicAccess condition, e.g. "mon,tue 08:00-17:00; sat 09:00-13:00 (Africa/Freetown)". */
export function describeHours(hours: OpeningHours): string {
  const periods = hours.windows.map((w) => `${w.days.join(',')} ${w.from}-${w.to}`);
  return `${periods.join('; ')} (${hours.timeZone})`;
}

/** The configured zone when Node knows no zone of that name (the status says so). */
export function unknownTimeZone(access: {
  openingHours?: OpeningHours;
}): { unknownTimeZone: string } | Record<string, never> {
  const zone = access.openingHours?.timeZone;
  return zone !== undefined && !knownTimeZone(zone) ? { unknownTimeZone: zone } : {};
}

/** What the status says of the hours: their summary, or the zone nobody knows. */
export function hoursFacts(access: { openingHours?: OpeningHours }): {
  hours?: string;
  unknownTimeZone?: string;
} {
  const hours = access.openingHours;
  if (!hours) return {};
  return { hours: describeHours(hours), ...unknownTimeZone(access) };
}

/** Why guests cannot call now by the hours (undefined: open or no hours), with the next opening. */
export function closedNow(
  access: { openingHours?: OpeningHours },
  nowMs: number,
): { message: string; opensAt?: string } | undefined {
  const hours = access.openingHours;
  if (!hours) return undefined;
  if (!knownTimeZone(hours.timeZone))
    return { message: 'The hotline is closed: its opening hours cannot be read.' };
  if (isOpen(hours, nowMs)) return undefined;
  const next = nextOpening(hours, nowMs);
  return {
    message: closedMessage(hours, nowMs),
    ...(next !== undefined ? { opensAt: new Date(next).toISOString() } : {}),
  };
}
