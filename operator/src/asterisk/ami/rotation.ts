// AMI credential rotation, the pure parts: what to do after a refused login
// with the new secret, and how two sessions' event streams are spliced into
// one at the hand-over. The client (client.ts) and the loop (rotate.ts)
// do the I/O.
import { reconnectDelay } from './client.ts';

/** Warn when Asterisk still refuses the new secret after this long (the kubelet takes about a minute). */
export const WARN_AFTER_MS = 300_000;

export interface RotationStepOptions {
  /** First wait after a second refusal (default 500 ms), doubling… */
  readonly minWaitMs?: number;
  /** …up to this (default 5 s: the kubelet projects within about a minute). */
  readonly maxWaitMs?: number;
  /** Warn once when Asterisk still refuses after this long (default 5 min). */
  readonly warnAfterMs?: number;
  readonly random?: () => number;
}

export interface RotationStep {
  /** Wait this long before the next attempt… */
  readonly waitMs: number;
  /** …then ask Asterisk to re-read its AMI users (Reload manager) first. */
  readonly reload: boolean;
  /** The new secret is still refused after warnAfterMs (the caller warns once). */
  readonly overdue: boolean;
}

/**
 * After attempt `attempt` (1 = the first) with the new secret failed.
 * Refused: the file Asterisk reads may be new already, so reload the AMI users
 * and retry at once the first time, then back off (the kubelet has not
 * projected the new file yet). Any other failure (timeout, connection lost):
 * back off, no reload (it would not help).
 */
export function rotationStep(
  attempt: number,
  outcome: 'refused' | 'failed',
  elapsedMs: number,
  options: RotationStepOptions = {},
): RotationStep {
  const min = options.minWaitMs ?? 500;
  const max = options.maxWaitMs ?? 5_000;
  const warnAfter = options.warnAfterMs ?? WARN_AFTER_MS;
  const waitMs =
    outcome === 'refused' && attempt === 1
      ? 0
      : reconnectDelay(outcome === 'refused' ? attempt - 1 : attempt, min, max, options.random);
  return {
    waitMs,
    reload: outcome === 'refused',
    overdue: elapsedMs >= warnAfter,
  };
}

/**
 * Splices the events of the old session and of the new one so that each
 * event is delivered exactly once, in Asterisk's order. Asterisk queues every
 * event once for all sessions and each session reads that queue in order, so
 * a marker event (a UserEvent the new session sends, seen by both) falls at
 * the same place in both streams: deliver the old stream up to the marker,
 * then the new stream after it. What the new session sees before its marker
 * (its own FullyBooted, events the old one delivers anyway) is dropped.
 */
export class EventSplice<T> {
  readonly #isMarker: (e: T) => boolean;
  #oldDone = false;
  #newStarted = false;
  #buffer: T[] = [];

  constructor(isMarker: (e: T) => boolean) {
    this.#isMarker = isMarker;
  }

  /** The old stream reached the marker: from now on only the new session serves. */
  get switched(): boolean {
    return this.#oldDone;
  }

  /** Both streams reached the marker: the splice has nothing left to do. */
  get complete(): boolean {
    return this.#oldDone && this.#newStarted;
  }

  /** An event of the old session: the events to deliver now. */
  fromOld(e: T): T[] {
    if (this.#oldDone) return [];
    if (!this.#isMarker(e)) return [e];
    this.#oldDone = true;
    const out = this.#buffer;
    this.#buffer = [];
    return out;
  }

  /** An event of the new session: the events to deliver now. */
  fromNew(e: T): T[] {
    if (!this.#newStarted) {
      if (this.#isMarker(e)) this.#newStarted = true;
      return [];
    }
    if (this.#oldDone) return [e];
    this.#buffer.push(e);
    return [];
  }

  /**
   * Switch without the marker (it was refused or never came): from now on the
   * new stream as it comes. Events around this moment may be missed or seen twice.
   */
  force(): T[] {
    this.#newStarted = true;
    if (this.#oldDone) return [];
    this.#oldDone = true;
    const out = this.#buffer;
    this.#buffer = [];
    return out;
  }
}
