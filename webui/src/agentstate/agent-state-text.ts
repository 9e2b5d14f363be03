// What the agent state control and the HR table say about an agent's queue
// state, and the text of an API refusal. Pure: the components render it.
import { ApiError } from '../api/client.ts';
import type { AgentStateChange, AgentStateView } from '../api/types.ts';

type View = Pick<AgentStateView, 'presence' | 'reason'>;

/** "Available", "Paused: lunch", "Signed out". */
export function presenceLabel(view: View): string {
  if (view.presence === 'available') return 'Available';
  if (view.presence === 'signed-out') return 'Signed out';
  return view.reason ? `Paused: ${view.reason}` : 'Paused';
}

/** The local time of day of an ISO time as hh:mm (24 h), '' when there is none. */
export function clockTime(iso: string | undefined): string {
  if (!iso) return '';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  return `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
}

/** Milliseconds of wrap-up left at `now` (0: none, or it is over). */
export function wrapUpLeftMs(view: Pick<AgentStateView, 'wrapUpUntil'>, now: number): number {
  if (!view.wrapUpUntil) return 0;
  const until = Date.parse(view.wrapUpUntil);
  return Number.isNaN(until) ? 0 : Math.max(0, until - now);
}

/**
 * A countdown as m:ss, rounded up: it reads 0:01 in the last second and is
 * gone (0 ms left) rather than showing 0:00 while time is still left.
 */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

/** Which queues the agent serves now, or may serve once it signs in again. */
export function queuesText(view: Pick<AgentStateView, 'queues' | 'eligibleQueues'>): string {
  if (view.queues.length > 0) return `In ${plural(view.queues.length)}: ${view.queues.join(', ')}`;
  if (view.eligibleQueues.length > 0)
    return `Not in any queue now; may serve: ${view.eligibleQueues.join(', ')}`;
  return 'No queue to serve';
}

const plural = (n: number) => (n === 1 ? 'queue' : 'queues');

/** What a successful change says (the notice on the HR page). */
export function changedText(name: string, change: AgentStateChange): string {
  if (change.presence === 'available') return `${name} is available for queue calls.`;
  if (change.presence === 'signed-out') return `${name} was signed out of the queues.`;
  return `${name} is paused (${change.reason ?? ''}).`;
}

/** The API's message, with its field errors ("reason: …"); anything else as text. */
export function errorText(err: unknown): string {
  if (!(err instanceof ApiError)) return err instanceof Error ? err.message : String(err);
  const fields = err.errors.map((e) => `${e.field}: ${e.message}`);
  const extra = fields.filter((f) => !err.message.includes(f));
  return extra.length ? `${err.message} (${extra.join('; ')})` : err.message;
}

/** Errors worth a "Try again": the server or Asterisk could not take it now, or no connection. */
export function retryable(err: unknown): boolean {
  return err instanceof ApiError && (err.status === 0 || err.status >= 500);
}
