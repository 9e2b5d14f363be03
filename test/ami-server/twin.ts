// Two raw AMI connections driven in lockstep, one to a real Asterisk and one
// to the AMI test server, for agreement.test.ts: every request goes to both
// as the same bytes, and each side's answer is what came back before a
// sentinel Ping sent right after it (a connection's requests are answered in
// order) plus the events that follow. Values that legitimately differ between
// two runs (clocks, uptimes, random challenges, build details) are replaced.
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitUntil } from '../support/wait.ts';
import { RawAmi } from './raw-client.ts';
import { normalise as normaliseClocks } from './transcripts.ts';

const END = '\r\n\r\n';

/** What one side did with a request. */
export interface Outcome {
  /** Responses and list items (messages that carry an ActionID or a Response), in order. */
  readonly answer: readonly string[];
  /** Broadcast events (no ActionID), in order. */
  readonly events: readonly string[];
  /** The server closed the connection. */
  readonly closed: boolean;
}

export type Side = 'real' | 'fake';

/** Replaces what differs between any two runs, keeping each value's format visible. */
export function normalise(message: string): string {
  return normaliseClocks(message)
    .replace(/^(Challenge): \d+\r$/gm, '$1: <random>\r')
    .replace(/^(Output: Asterisk \S+) built by .*\r$/gm, '$1 built by <builder>\r')
    .replace(/^(SystemName|EntityID|PBX ?UUID): .+\r$/gim, '$1: <name>\r');
}

/** Splits complete messages off the front of `text` (a stray bare LF stays in its message). */
function takeMessages(text: string): { messages: string[]; rest: string } {
  const messages: string[] = [];
  let start = 0;
  for (let i = text.indexOf(END); i >= 0; i = text.indexOf(END, start)) {
    messages.push(text.slice(start, i + END.length));
    start = i + END.length;
  }
  return { messages, rest: text.slice(start) };
}

const isAnswer = (m: string) => m.startsWith('Response:') || /^ActionID:/m.test(m);

/** A RawAmi that takes the answers to one step at a time (see `step`). */
class Connection {
  readonly #ami: RawAmi;

  private constructor(ami: RawAmi) {
    this.#ami = ami;
  }

  static async open(port: number): Promise<Connection> {
    return new Connection(await RawAmi.open(port));
  }

  get socket(): Socket {
    return this.#ami.socket;
  }
  get banner(): string {
    return this.#ami.banner;
  }
  get closed(): boolean {
    return this.#ami.closed;
  }
  get received(): string {
    return this.#ami.received;
  }
  set received(text: string) {
    this.#ami.received = text;
  }

  /** Sends `bytes` and a sentinel Ping; returns the messages before the sentinel's answer. */
  async step(bytes: string, sentinel: string): Promise<string[]> {
    this.socket.write(`${bytes}Action: Ping\r\nActionID: ${sentinel}\r\n\r\n`);
    const marker = `\r\nActionID: ${sentinel}\r\n`;
    const done = () => {
      const at = this.received.indexOf(marker);
      return at >= 0 && this.received.indexOf(END, at) >= 0;
    };
    // A failed Login makes Asterisk wait a second before it answers and closes.
    await waitUntil(`the answer to ${sentinel}`, () => this.closed || done(), 10_000, 2);
    const { messages, rest } = takeMessages(this.received);
    const at = messages.findIndex((m) => m.includes(marker));
    if (at < 0) {
      this.received = rest;
      return messages;
    }
    this.received = messages.slice(at + 1).join('') + rest;
    return messages.slice(0, at);
  }

  /** Complete messages received and not taken yet. */
  pending(): string[] {
    return takeMessages(this.received).messages;
  }

  take(): string[] {
    const { messages, rest } = takeMessages(this.received);
    this.received = rest;
    return messages;
  }
}

/** A pair of connections, to the real Asterisk and to the test server. */
export class Twin {
  private steps = 0;
  /** Each side's raw messages of the last request (before normalising), e.g. a Challenge. */
  last: Record<Side, readonly string[]> = { real: [], fake: [] };

  readonly real: Connection;
  readonly fake: Connection;

  private constructor(real: Connection, fake: Connection) {
    this.real = real;
    this.fake = fake;
  }

  static async open(ports: Record<Side, number>): Promise<Twin> {
    const [real, fake] = await Promise.all([
      Connection.open(ports.real),
      Connection.open(ports.fake),
    ]);
    return new Twin(real, fake);
  }

  banners(): Record<Side, string> {
    return { real: this.real.banner, fake: this.fake.banner };
  }

  /**
   * Sends a request (the same bytes to both, or per side) and returns each
   * side's outcome. Events may trail the answer (Asterisk publishes some
   * through stasis): once both answered, this waits until the real side has
   * at least as many events as the test server sent, then a little more.
   */
  async exchange(request: string | ((side: Side) => string)): Promise<Record<Side, Outcome>> {
    const sentinel = `agreement-sentinel-${this.steps++}`;
    const bytes = (side: Side) => (typeof request === 'string' ? request : request(side));
    const [real, fake] = await Promise.all([
      this.real.step(bytes('real'), sentinel),
      this.fake.step(bytes('fake'), sentinel),
    ]);
    const eventCount = (ms: readonly string[]) => ms.filter((m) => !isAnswer(m)).length;
    const fakeEvents = () => eventCount(fake) + eventCount(this.fake.pending());
    await waitUntil(
      'the events',
      () => this.real.closed || eventCount(real) + eventCount(this.real.pending()) >= fakeEvents(),
      1000,
      2,
    ).catch(() => undefined); // fewer events on the real side: the comparison shows it
    await sleep(25);
    const rest = { real: this.real.take(), fake: this.fake.take() };
    this.last = { real: [...real, ...rest.real], fake: [...fake, ...rest.fake] };
    const outcome = (raw: readonly string[], c: Connection): Outcome => {
      const all = raw.map(normalise);
      return {
        answer: all.filter(isAnswer),
        events: all.filter((m) => !isAnswer(m)),
        closed: c.closed,
      };
    };
    return { real: outcome(this.last.real, this.real), fake: outcome(this.last.fake, this.fake) };
  }

  close(): void {
    this.real.socket.destroy();
    this.fake.socket.destroy();
  }
}

/** A request's bytes from its fields, in order. */
export function request(fields: Record<string, string>): string {
  return `${Object.entries(fields)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
}
