// Owns the wallboard's EventSource for as long as its page is on screen
// (a Lit ReactiveController): "snapshot" replaces the page's copy, "change"
// updates it. EventSource reconnects by itself after a drop (the server asks
// for 1 s) and the server starts each connection with a fresh snapshot. A
// refused connection (401, 403, 503: no leader right now) closes the
// EventSource for good, so this asks the API why (GET /monitor/queues: a
// 401 there signs the page out), shows it, and tries again with a backoff.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ApiError, request } from '../api/client.ts';
import { applyChange, EMPTY_STATE, fromSnapshot, type WallboardState } from './wallboard-state.ts';
import type { WallboardChange, WallboardSnapshot } from './wallboard-types.ts';

export const EVENTS_PATH = '/monitor/events';
const RETRY_MS = [1_000, 2_000, 5_000, 10_000];

export type FeedStatus = 'connecting' | 'open' | 'reconnecting' | 'refused';

export class WallboardFeed implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #url: string;
  #source: EventSource | undefined;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #failures = 0;
  #connected = false;

  state: WallboardState = EMPTY_STATE;
  status: FeedStatus = 'connecting';
  /** Why the stream was refused (the API's message). */
  problem: string | undefined;
  /** Messages received (snapshots and changes): a figure for tests and the curious. */
  messages = 0;

  constructor(host: ReactiveControllerHost, url = EVENTS_PATH) {
    this.#host = host;
    this.#url = url;
    host.addController(this);
  }

  hostConnected(): void {
    this.#connected = true;
    this.#open();
  }

  hostDisconnected(): void {
    this.#connected = false;
    clearTimeout(this.#retry);
    this.#retry = undefined;
    this.#source?.close();
    this.#source = undefined;
  }

  #open(): void {
    if (!this.#connected || this.#source || typeof EventSource === 'undefined') return;
    const source = new EventSource(this.#url);
    this.#source = source;
    source.addEventListener('snapshot', (e) => {
      const data = parse<WallboardSnapshot>(e);
      if (!data) return;
      this.messages++;
      this.#failures = 0;
      this.problem = undefined;
      this.status = 'open';
      this.state = fromSnapshot(data, Date.now());
      this.#host.requestUpdate();
    });
    source.addEventListener('change', (e) => {
      const data = parse<WallboardChange>(e);
      if (!data || !this.state.loaded) return;
      this.messages++;
      this.state = applyChange(this.state, data, Date.now());
      this.#host.requestUpdate();
    });
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) void this.#refused(source);
      else if (this.status !== 'reconnecting') {
        // EventSource retries by itself; the next snapshot brings everything back.
        this.status = 'reconnecting';
        this.#host.requestUpdate();
      }
    });
  }

  async #refused(source: EventSource): Promise<void> {
    if (this.#source !== source) return;
    this.#source = undefined;
    this.status = 'refused';
    try {
      await request('GET', '/monitor/queues');
      this.problem = 'The live feed was interrupted; connecting again…';
    } catch (err) {
      this.problem = err instanceof ApiError ? err.message : String(err);
      if (err instanceof ApiError && err.status === 401) {
        this.#host.requestUpdate();
        return; // signed out: the app shows the sign-in page
      }
    }
    this.#host.requestUpdate();
    const delay = RETRY_MS[Math.min(this.#failures++, RETRY_MS.length - 1)] ?? 10_000;
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => this.#open(), delay);
  }
}

function parse<T>(e: Event): T | undefined {
  try {
    return e instanceof MessageEvent ? (JSON.parse(e.data as string) as T) : undefined;
  } catch {
    return undefined;
  }
}
