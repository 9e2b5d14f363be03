// A raw AMI connection for tests: sends bytes as given and hands back the
// bytes of whole messages (each ends with an empty line; a stray bare LF
// before it is part of the message, as Asterisk sends it).
import { connect, type Socket } from 'node:net';
import { waitUntil } from '../support/wait.ts';
import { type AmiMessage, field, parseMessages } from './framing.ts';

const END = '\r\n\r\n';

function countMessages(text: string): number {
  let n = 0;
  for (let i = text.indexOf(END); i >= 0; i = text.indexOf(END, i + END.length)) n++;
  return n;
}

export class RawAmi {
  readonly socket: Socket;
  /** The first line the server sent. */
  banner = '';
  /** Received and not yet taken. */
  received = '';
  closed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      this.received += d;
    });
    socket.on('close', () => {
      this.closed = true;
    });
    socket.on('error', () => undefined);
  }

  static async open(port: number): Promise<RawAmi> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) =>
      socket.once('connect', resolve).once('error', reject),
    );
    const ami = new RawAmi(socket);
    await waitUntil('the AMI banner', () => ami.received.includes('\r\n'), 5000, 2);
    const eol = ami.received.indexOf('\r\n') + 2;
    ami.banner = ami.received.slice(0, eol);
    ami.received = ami.received.slice(eol);
    return ami;
  }

  /** Logs in (events on unless `events` is "off") and returns the answer's bytes. */
  static async login(port: number, events?: string): Promise<RawAmi> {
    const ami = await RawAmi.open(port);
    const extra = events === undefined ? '' : `Events: ${events}\r\n`;
    await ami.exchange(
      `Action: Login\r\nUsername: admin\r\nSecret: verifysecret123\r\n${extra}\r\n`,
      events === 'off' ? 1 : 2,
    );
    return ami;
  }

  send(bytes: string): void {
    this.socket.write(bytes);
  }

  /** Waits for `n` whole messages and takes exactly their bytes. */
  async read(n: number, timeoutMs = 5000): Promise<string> {
    await waitUntil(`${n} AMI message(s)`, () => countMessages(this.received) >= n, timeoutMs, 2);
    let end = 0;
    for (let i = 0; i < n; i++) end = this.received.indexOf(END, end) + END.length;
    const out = this.received.slice(0, end);
    this.received = this.received.slice(end);
    return out;
  }

  /** Sends `bytes` and takes the next `n` messages. */
  async exchange(bytes: string, n: number): Promise<string> {
    this.send(bytes);
    return this.read(n);
  }

  /** Sends a request built from fields and parses the `n` messages that answer it. */
  async action(fields: Record<string, string>, n = 1): Promise<AmiMessage[]> {
    const text = Object.entries(fields)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    return parseMessages(await this.exchange(`${text}\r\n`, n)).messages;
  }

  /** Takes the bytes of every whole message received so far (at least one). */
  private async takeAll(): Promise<string[]> {
    await waitUntil('an AMI message', () => this.received.includes(END), 5000, 2);
    const out: string[] = [];
    let start = 0;
    for (let i = this.received.indexOf(END); i >= 0; i = this.received.indexOf(END, start)) {
      out.push(this.received.slice(start, i + END.length));
      start = i + END.length;
    }
    this.received = this.received.slice(start);
    return out;
  }

  /** Reads a list answer up to its `*Complete` event (or a single Error response). */
  async list(fields: Record<string, string>): Promise<AmiMessage[]> {
    this.send(
      `${Object.entries(fields)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('')}\r\n`,
    );
    const out: AmiMessage[] = [];
    for (;;) {
      const batch = await this.takeAll();
      for (const [i, raw] of batch.entries()) {
        const m = parseMessages(raw).messages[0] ?? { lines: [] };
        out.push(m);
        const done =
          (out.length === 1 && field(m, 'Response') === 'Error') ||
          field(m, 'EventList') === 'Complete';
        if (done) {
          // Whatever followed the list stays to be read, byte for byte.
          this.received = batch.slice(i + 1).join('') + this.received;
          return out;
        }
      }
    }
  }

  async closedByServer(): Promise<void> {
    await waitUntil('the server to close the connection', () => this.closed, 5000, 2);
  }

  close(): void {
    this.socket.destroy();
  }
}
