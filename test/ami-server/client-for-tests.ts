// A raw AMI connection for tests: sends bytes, waits for complete messages.
import { connect, type Socket } from 'node:net';
import { waitUntil } from '../support/wait.ts';

export class RawAmi {
  received = '';
  readonly socket: Socket;
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
  }

  static async open(port: number): Promise<RawAmi> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) =>
      socket.once('connect', resolve).once('error', reject),
    );
    const ami = new RawAmi(socket);
    await waitUntil('banner', () => ami.received.includes('\r\n'));
    return ami;
  }

  /** Takes everything received so far. */
  take(): string {
    const out = this.received;
    this.received = '';
    return out;
  }

  /** Sends raw bytes and waits for `messages` complete messages (each ends with an empty line). */
  async exchange(bytes: string, messages: number): Promise<string> {
    this.socket.write(bytes);
    await waitUntil(
      `${messages} AMI messages`,
      () => (this.received.match(/\r\n\r\n/g) ?? []).length >= messages,
      5000,
      5,
    );
    return this.take();
  }

  close(): void {
    this.socket.destroy();
  }
}

export const login = (user = 'admin', secret = 'verifysecret123', events = true) =>
  `Action: Login\r\nActionID: test-login\r\nUsername: ${user}\r\nSecret: ${secret}\r\n${events ? '' : 'Events: off\r\n'}\r\n`;
