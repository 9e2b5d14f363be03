// Starts Debian's coturn on loopback as a real TURN server using the TURN REST
// shared-secret scheme (the same one the operator mints short-lived
// credentials with), under the test reaper.
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../cluster/ports.ts';
import { ProcessGroup } from '../cluster/processes.ts';
import { waitUntil } from '../support/wait.ts';

export interface Coturn {
  readonly port: number;
  readonly url: string;
  /** TURN REST credentials: username "<expiry>:<user>", password base64(HMAC-SHA1(secret, username)). */
  credentials(user: string, ttlSeconds?: number): { username: string; credential: string };
  stop(): Promise<void>;
}

export interface CoturnOptions {
  /**
   * Address the relays use (default 127.0.0.1). A peer that never advertises
   * loopback candidates (Asterisk skips 127/8) needs the machine's own address:
   * its answers to a 127.0.0.1 relay would come from 127.0.0.1, an address the
   * browser never granted a permission for, and coturn would drop them.
   */
  readonly relayIp?: string;
}

export async function startCoturn(options: CoturnOptions = {}): Promise<Coturn> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-turn-'));
  const group = new ProcessGroup(dir);
  const port = await freePort();
  const secret = randomBytes(16).toString('hex');
  // a relay range of its own, away from the ephemeral ports other tests pick
  const minPort = 40_000 + Math.floor(Math.random() * 200) * 100;
  const proc = group.start('coturn', '/usr/bin/turnserver', [
    '-n',
    '--listening-ip=127.0.0.1',
    `--listening-port=${port}`,
    `--relay-ip=${options.relayIp ?? '127.0.0.1'}`,
    `--min-port=${minPort}`,
    `--max-port=${minPort + 99}`,
    '--use-auth-secret',
    `--static-auth-secret=${secret}`,
    '--realm=switchboard.test',
    // both relays live on 127.0.0.1: peers on loopback must be allowed
    '--allow-loopback-peers',
    '--no-tls',
    '--no-dtls',
    '--no-cli',
    '--no-multicast-peers',
    '--fingerprint',
    `--pidfile=${join(dir, 'turnserver.pid')}`,
    '--log-file=stdout',
    '--simple-log',
  ]);
  await waitUntil(
    'coturn listening',
    async () => {
      if (proc.child.exitCode !== null) throw new Error(`coturn exited, see ${proc.logPath}`);
      return await new Promise<boolean>((resolve) => {
        const socket = createConnection({ host: '127.0.0.1', port }, () => {
          socket.end();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
    },
    15_000,
  );
  return {
    port,
    url: `turn:127.0.0.1:${port}?transport=udp`,
    credentials(user, ttlSeconds = 3600) {
      const username = `${Math.floor(Date.now() / 1000) + ttlSeconds}:${user}`;
      const credential = createHmac('sha1', secret).update(username).digest('base64');
      return { username, credential };
    },
    async stop() {
      await group.stopAll(3000);
      if (!process.env.SWITCHBOARD_KEEP_TEST_DIR) rmSync(dir, { recursive: true, force: true });
    },
  };
}
