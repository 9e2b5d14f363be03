// Listens to the signed-in agent's own line (GET /softphone/events, server-
// sent events) while the softphone is on the page. EventSource reconnects by
// itself after a blip or a replica restart (the server asks for 1 s); the
// stream ends for good when the line is suspended or deleted, or the session
// ended, and then it is closed here so it does not retry against a 401.
// The same stream carries the agent's queue state (event "agent-state"):
// others on the page listen through on() instead of opening a second one.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { LineState } from '../api/types.ts';

export type LineListener = (prev: LineState | undefined, next: LineState) => void;

/** The agent's event stream as its other listeners see it (one EventSource per page). */
export interface AgentEventFeed {
  /**
   * Calls `listener` with the parsed data of every `event` ("open": each
   * connect and reconnect, without data); answers the unsubscribe.
   */
  on(event: string, listener: (data: unknown) => void): () => void;
}

export class LineWatch implements ReactiveController, AgentEventFeed {
  readonly #onLine: LineListener;
  readonly #listeners = new Map<string, Set<(data: unknown) => void>>();
  #url: string | undefined;
  #source: EventSource | undefined;
  #connected = false;
  /** The last state heard (kept across reconnects, so a change during a gap is still seen as one). */
  line: LineState | undefined;

  constructor(host: ReactiveControllerHost, onLine: LineListener) {
    this.#onLine = onLine;
    host.addController(this);
  }

  /** Listens to this URL (undefined: not at all, e.g. an admin, who has no line). */
  watch(url: string | undefined): void {
    if (url === this.#url) return;
    this.#url = url;
    this.#close();
    this.#open();
  }

  on(event: string, listener: (data: unknown) => void): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
      if (this.#source) this.#relay(this.#source, event);
    }
    set.add(listener);
    return () => void set.delete(listener);
  }

  hostConnected(): void {
    this.#connected = true;
    this.#open();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#close();
  }

  #open(): void {
    if (!this.#url || !this.#connected || this.#source || typeof EventSource === 'undefined')
      return;
    const source = new EventSource(this.#url);
    this.#source = source;
    source.addEventListener('line', (e) => {
      const next = JSON.parse((e as MessageEvent<string>).data) as LineState;
      const prev = this.line;
      this.line = next;
      if (next.state !== 'active') this.#close();
      this.#onLine(prev, next);
    });
    source.addEventListener('signed-out', () => this.#close());
    for (const event of this.#listeners.keys()) this.#relay(source, event);
  }

  /** Hands one event of the stream to the listeners registered through on(). */
  #relay(source: EventSource, event: string): void {
    source.addEventListener(event, (e) => {
      let data: unknown;
      try {
        data = e instanceof MessageEvent ? JSON.parse(e.data as string) : undefined;
      } catch {
        return; // not ours to judge: a listener gets only what parses
      }
      for (const listener of [...(this.#listeners.get(event) ?? [])]) listener(data);
    });
  }

  #close(): void {
    this.#source?.close();
    this.#source = undefined;
  }
}
