// Opening hours in the guest gate (issue 15): one GotoIfTime per period, in
// the configured time zone, read by Asterisk from its zoneinfo files
// (main/pbx_timing.c ast_build_timing: times,weekdays,mdays,months,timezone).
// Asterisk's time range includes its end minute, so a period ending at 17:00
// is rendered 16:59 (the API's "closed from 17:00 on" and Asterisk agree).
// Pure.
import type { OpeningHours, OpeningWindow } from '../../crds/types.ts';

/** The minute before `hhmm` (exclusive end → Asterisk's inclusive end). */
function lastMinute(hhmm: string): string {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const minutes = h * 60 + m - 1;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/** GotoIfTime's condition for one period: times,weekdays,mdays,months,timezone. */
export function timeCondition(w: OpeningWindow, timeZone: string): string {
  return `${w.from}-${lastMinute(w.to)},${w.days.join('&')},*,*,${timeZone}`;
}

/** Gate steps: jump to `label` inside any period; fall through (closed) otherwise. */
export function openingSteps(hours: OpeningHours, label: string): string[] {
  return hours.windows.map((w) => `GotoIfTime(${timeCondition(w, hours.timeZone)}?${label})`);
}
