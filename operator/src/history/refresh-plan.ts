// When Asterisk's history modules must re-read the tables (issue 14).
// cdr_pgsql and cel_pgsql read the tables' columns only when they load: an Asterisk that started while PostgreSQL was
// down, before the tables existed, or before a migration added a column,
// records nothing (or not that column) until they are refreshed. The leader
// refreshes them once per Asterisk boot and database generation: a new
// generation starts whenever the database turns ready or a migration applied
// versions. Pure: the AMI and the database are at the edge
// (asterisk-refresh.ts).
import type { HistoryState } from './database.ts';

/**
 * What is refreshed (ModuleLoad refresh), in this order. Not the logger: it
 * decides once whether queue_log has data1..data5 ("adaptive"), but
 * ast_realtime_require_field takes the first engine that has them, and the
 * SQLite spool (priority 2) always has: tested with PostgreSQL down at start.
 */
export const HISTORY_MODULES = ['cdr_pgsql.so', 'cel_pgsql.so'] as const;

/**
 * Ready and migrated (the leader knows the schema version): only then do the
 * tables exist. Refreshing cdr_pgsql while its table is missing crashes
 * Asterisk 22.10 (config_module's "No columns found" path frees the settings,
 * then load_module frees them again: a double free).
 */
export function tablesReady(
  s: HistoryState | undefined,
): s is Extract<HistoryState, { state: 'ready' }> {
  return s?.state === 'ready' && s.schemaVersion !== undefined;
}

/**
 * The database generation after `next`: a new one when the database turns
 * ready and migrated, or stays so with another schema version (a migration).
 */
export function nextGeneration(
  generation: number,
  previous: HistoryState | undefined,
  next: HistoryState,
): number {
  if (!tablesReady(next)) return generation;
  if (!tablesReady(previous)) return generation + 1;
  return previous.schemaVersion === next.schemaVersion ? generation : generation + 1;
}

/**
 * What the modules must be refreshed for now (a key to remember once done),
 * or undefined: nothing to do (the boot is not known yet, the database is not
 * ready, or this boot was refreshed for this generation already).
 */
export function refreshDue(s: {
  readonly boot: string | undefined;
  readonly ready: boolean;
  readonly generation: number;
  readonly done: string | undefined;
}): string | undefined {
  if (s.boot === undefined || !s.ready || s.generation === 0) return undefined;
  const key = `${s.boot}#${s.generation}`;
  return key === s.done ? undefined : key;
}

/**
 * How long to wait before trying a refused refresh again, after `refusals`
 * refusals in a row: `firstMs` (5 s) doubling up to `maxMs` (60 s). A long
 * call keeps refusing (cdr_pgsql cannot unload with active CDRs, two WARNING
 * lines in Asterisk's log per try): the backoff keeps that log short. The
 * count starts again after a success.
 */
export function retryDelay(refusals: number, firstMs = 5_000, maxMs = 60_000): number {
  const n = Math.max(1, Math.floor(refusals));
  return Math.min(maxMs, firstMs * 2 ** Math.min(n - 1, 30));
}
