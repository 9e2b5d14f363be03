// Pure helpers of the reports page: the API's query string from the choices,
// and figures in words (durations, percentages, pause reasons).
import type { ReportChoice } from './report-types.ts';

/** The query string for /reports/queues(.csv); custom dates only with a custom period. */
export function reportQuery(c: ReportChoice, table?: string): string {
  const q = new URLSearchParams({ period: c.period, tz: c.timeZone });
  if (c.period === 'custom') {
    q.set('from', c.from);
    q.set('to', c.to);
  }
  if (c.queue) q.set('queue', c.queue);
  if (table) q.set('table', table);
  return q.toString();
}

/** Seconds as h:mm:ss or m:ss; "—" when there is no figure. */
export function seconds(s: number | null | undefined): string {
  if (s === null || s === undefined) return '—';
  const total = Math.max(0, Math.round(s));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

export function percent(p: number | null | undefined): string {
  return p === null || p === undefined ? '—' : `${p}%`;
}

/** "lunch 0:30:00, training 15:00"; a pause without a reason is "no reason". */
export function pausesText(paused: Record<string, number>): string {
  const entries = Object.entries(paused).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return '—';
  return entries.map(([reason, s]) => `${reason || 'no reason'} ${seconds(s)}`).join(', ');
}

/** A local date (YYYY-MM-DD) n days before today in the zone, for the custom pickers' defaults. */
export function localDay(now: Date, timeZone: string, daysBack = 0): string {
  const shifted = new Date(now.getTime() - daysBack * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(shifted);
}

/** The period's bounds in the viewer's words, e.g. "10 Nov 2026 00:00 – 11 Nov 2026 00:00 (Europe/Berlin)". */
export function periodText(from: string, to: string, timeZone: string, locale?: string): string {
  const f = new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'medium', timeStyle: 'short' });
  return `${f.format(new Date(from))} – ${f.format(new Date(to))} (${timeZone})`;
}
