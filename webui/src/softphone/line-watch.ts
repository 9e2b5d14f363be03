// Listens to the signed-in agent's own line (GET /softphone/events, server-
// sent events) while the softphone is on the page. EventSource reconnects by
// itself after a blip or a replica restart (the server asks for 1 s); the
// stream ends for good when the line is suspended or deleted, or the session
// ended, and then it is closed here so it does not retry against a 401.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { LineState } from '../api/types.ts';

export type LineListener = (prev: LineState | undefined, next: LineState) => void;

export class LineWatch implements ReactiveController {
  readonly #onLine: LineListener;
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
  }

  #close(): void {
    this.#source?.close();
    this.#source = undefined;
  }
}
