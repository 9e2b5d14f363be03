// Starts Debian's Kamailio on loopback as a SIP-over-WebSocket registrar and
// proxy with digest auth (see kamailio-config.ts), under the test reaper, and
// talks to it over JSON-RPC (location table, WebSocket list, closing sockets).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../cluster/ports.ts';
import { type ManagedProcess, ProcessGroup } from '../cluster/processes.ts';
import { waitUntil } from '../support/wait.ts';
import {
  type KamailioConfigInput,
  renderKamailioConfig,
  type SipTestUser,
} from './kamailio-config.ts';

export interface LocationContact {
  readonly aor: string;
  readonly contact: string;
  readonly received: string | undefined;
  readonly expires: number;
}

export interface Kamailio {
  readonly port: number;
  readonly wsUrl: string;
  readonly logPath: string;
  /** Contacts in the in-memory location table, per AOR (username). */
  locations(): Promise<LocationContact[]>;
  /** The open WebSocket connections: id and the client's address ("127.0.0.1:51200"). */
  webSockets(): Promise<{ id: number; remote: string }[]>;
  /** Closes a WebSocket from the server side (a network loss as the client sees it). */
  closeWebSocket(id: number): Promise<void>;
  /** Adds a user (or changes its password) while running, as a reload that adds an endpoint would. */
  setUser(user: SipTestUser): Promise<void>;
  /**
   * Forgets a user and its registrations while its WebSocket stays open: what
   * Asterisk does when a reload drops an endpoint (the client is not told).
   */
  removeUser(username: string): Promise<void>;
  /** SIGKILL: the server and its in-memory registrations vanish at once. */
  kill(): Promise<void>;
  /** Starts it again on the same port with an empty location table. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startKamailio(
  input: Omit<KamailioConfigInput, 'port'> & { port?: number },
): Promise<Kamailio> {
  const port = input.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-sip-'));
  const group = new ProcessGroup(dir);
  const cfg = join(dir, `kamailio-${port}.cfg`);
  writeFileSync(cfg, renderKamailioConfig({ ...input, port }), { mode: 0o600 });
  const base = `http://127.0.0.1:${port}`;
  let seq = 0;

  async function rpc<T>(method: string, params: unknown[] = []): Promise<T> {
    const res = await fetch(`${base}/RPC`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', method, params, id: ++seq }),
    });
    const body = (await res.json()) as { result?: T; error?: { message: string } };
    if (body.error) throw new Error(`kamailio ${method}: ${body.error.message}`);
    return body.result as T;
  }

  let proc: ManagedProcess;
  async function launch(): Promise<void> {
    proc = group.start(`kamailio-${port}`, '/usr/sbin/kamailio', [
      '-f',
      cfg,
      '-P',
      join(dir, `kamailio-${port}.pid`),
      '-DD',
      '-E',
      '-w',
      dir,
      '-Y',
      dir,
    ]);
    const started = proc;
    await waitUntil(
      'kamailio answering JSON-RPC',
      async () => {
        if (started.child.exitCode !== null) {
          throw new Error(`kamailio exited early, see ${started.logPath}`);
        }
        await rpc('core.version');
        return true;
      },
      15_000,
    );
  }
  await launch();

  return {
    port,
    wsUrl: `ws://127.0.0.1:${port}`,
    get logPath() {
      return proc.logPath;
    },
    async locations() {
      const result = await rpc<UlDump>('ul.dump');
      return result.Domains.flatMap((d) =>
        d.Domain.AoRs.flatMap((a) =>
          a.Info.Contacts.map((c) => ({
            aor: a.Info.AoR,
            contact: c.Contact.Address,
            received: c.Contact.Received === '[not set]' ? undefined : c.Contact.Received,
            expires: Number(c.Contact.Expires),
          })),
        ),
      );
    },
    async webSockets() {
      const result = await rpc<{ connections: string[] }>('ws.dump');
      // e.g. "1: ws:127.0.0.1:51200 -> ws:127.0.0.1:15060 (state: OPEN, ...)"
      return result.connections.map((line) => {
        const m = /^(\d+): wss?:(\S+) ->/.exec(line);
        if (!m) throw new Error(`unexpected ws.dump line: ${line}`);
        return { id: Number(m[1]), remote: m[2] as string };
      });
    },
    async closeWebSocket(id) {
      await rpc('ws.close', [id]);
    },
    async setUser(user) {
      await rpc('htable.sets', ['users', user.username, user.password]);
      await rpc('htable.sets', ['ext', user.extension, user.username]);
    },
    async removeUser(username) {
      await rpc('htable.delete', ['users', username]);
      // ul.rm answers an error for an AOR with no contacts: nothing to remove then
      await rpc('ul.rm', ['location', username]).catch(() => undefined);
    },
    async kill() {
      // the whole process group: Kamailio's children hold the listening socket too
      process.kill(-(proc.child.pid as number), 'SIGKILL');
      await proc.exited;
      await waitUntil('kamailio children gone', async () => {
        const alive = await fetch(`${base}/RPC`).then(
          () => true,
          () => false,
        );
        return !alive;
      });
      await group.stop(proc, 1000);
    },
    async restart() {
      await launch();
    },
    async stop() {
      await group.stopAll(3000);
      if (!process.env.SWITCHBOARD_KEEP_TEST_DIR) rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface UlDump {
  Domains: {
    Domain: {
      AoRs: {
        Info: {
          AoR: string;
          Contacts: { Contact: { Address: string; Expires: string; Received: string } }[];
        };
      }[];
    };
  }[];
}
