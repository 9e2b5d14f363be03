// Reads a server-sent-events response in tests (fetch, no EventSource in
// Node): every event and comment in arrival order with its time, waits for
// the next one that matches, and tells when the server ended the stream.

export interface StreamItem {
  /** 'comment' for ": ..." lines (heartbeats), 'retry' for the retry field, else the event name. */
  readonly event: string;
  readonly data: string;
  /** performance.now() when it arrived. */
  readonly at: number;
}

export class EventStreamReader {
  readonly status: number;
  readonly headers: Headers;
  readonly items: StreamItem[] = [];
  /** Resolves when the server ends the stream (or the reader is closed). */
  readonly ended: Promise<void>;
  readonly #abort: AbortController;
  #waiters: (() => void)[] = [];
  #done = false;

  private constructor(res: Response, abort: AbortController) {
    this.status = res.status;
    this.headers = res.headers;
    this.#abort = abort;
    this.ended = this.#read(res).finally(() => {
      this.#done = true;
      this.#wake();
    });
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<EventStreamReader> {
    const abort = new AbortController();
    const res = await fetch(url, {
      headers: { accept: 'text/event-stream', ...headers },
      signal: abort.signal,
    });
    return new EventStreamReader(res, abort);
  }

  get done(): boolean {
    return this.#done;
  }

  /** The first item from index `from` on that matches; waits for it up to timeoutMs. */
  async next(
    match: (item: StreamItem) => boolean,
    timeoutMs = 10_000,
    from = 0,
  ): Promise<StreamItem & { index: number }> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const index = this.items.findIndex((item, i) => i >= from && match(item));
      const found = this.items[index];
      if (found) return { ...found, index };
      if (this.#done) throw new Error('the stream ended before a matching event');
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no matching event within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.#abort.abort();
  }

  async #read(res: Response): Promise<void> {
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          this.#parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch (err) {
      if ((err as Error).name !== 'AbortError') throw err;
    }
  }

  #parse(block: string): void {
    let event = 'message';
    const data: string[] = [];
    const at = performance.now();
    for (const line of block.split('\n')) {
      if (line.startsWith(':'))
        this.items.push({ event: 'comment', data: line.slice(1).trim(), at });
      else if (line.startsWith('retry:'))
        this.items.push({ event: 'retry', data: line.slice(6).trim(), at });
      else if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (data.length) this.items.push({ event, data: data.join('\n'), at });
    this.#wake();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}
