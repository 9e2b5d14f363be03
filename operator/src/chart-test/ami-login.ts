// A bare AMI login for `helm test`: the banner, one Login action, its answer.
// Raw on purpose: it checks what Asterisk itself says on the wire, with
// nothing of the operator's client (reconnects, event handling) in between.
import { connect } from 'node:net';

export type AmiLoginResult =
  | { readonly outcome: 'accepted'; readonly banner: string }
  | { readonly outcome: 'refused'; readonly banner: string; readonly message: string }
  | { readonly outcome: 'unreachable'; readonly message: string };

/** The first complete message (up to a blank line) in `text`, as lower-cased keys. */
export function firstMessage(text: string): Map<string, string> | undefined {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const fields = new Map<string, string>();
  for (const line of text.slice(0, end).split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0)
      fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return fields;
}

/** Connects, checks the "Asterisk Call Manager/" banner, logs in, logs off. */
export function amiLogin(
  host: string,
  port: number,
  username: string,
  secret: string,
  timeoutMs = 5000,
): Promise<AmiLoginResult> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let banner = '';
    let buffer = '';
    const done = (result: AmiLoginResult) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => done({ outcome: 'unreachable', message: `no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
    socket.on('error', (err) => done({ outcome: 'unreachable', message: err.message }));
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      if (!banner) {
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        banner = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        if (!banner.startsWith('Asterisk Call Manager/'))
          return done({ outcome: 'unreachable', message: `not AMI: "${banner}"` });
        socket.write(
          `Action: Login\r\nActionID: helm-test\r\nUsername: ${username}\r\nSecret: ${secret}\r\nEvents: off\r\n\r\n`,
        );
      }
      const answer = firstMessage(buffer);
      if (!answer) return;
      if (answer.get('response') === 'Success') {
        socket.write('Action: Logoff\r\nActionID: helm-test-bye\r\n\r\n');
        return done({ outcome: 'accepted', banner });
      }
      done({ outcome: 'refused', banner, message: answer.get('message') ?? 'no message' });
    });
  });
}
