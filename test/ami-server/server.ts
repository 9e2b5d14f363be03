// A test double for Asterisk 22's manager interface (AMI), faithful to the
// transcripts in test/ami-server/recorded/: banner, framing, field names and order,
// answers, errors and events. GetConfig reads the config directory at every
// call; `Reload` of res_pjsip.so loads pjsip.conf from it as Asterisk does.
// Faults are injected through methods. Where the transcripts are silent, see
// GAPS.md; agreement.test.ts checks it against a real Asterisk 22.
import { createServer, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ActionContext, AmiUser, SessionState } from './action-types.ts';
import { type Asterisk, type AsteriskOptions, createAsterisk } from './asterisk.ts';
import { dispatch } from './dispatch.ts';
import { parsePermissions, wants } from './event-mask.ts';
import {
  type AmiMessage,
  type AmiRequest,
  BANNER,
  createRequestParser,
  field,
  serialize,
} from './framing.ts';
import { objectsOfType } from './pjsip-loader.ts';
import { type RegisterOptions, register, unregister } from './registrations.ts';

export { BANNER } from './framing.ts';
export type { RegisterOptions } from './registrations.ts';

/** An AMI user as a manager.conf section gives it. */
export interface AmiUserOptions {
  readonly username: string;
  readonly secret: string;
  /** `read =` classes, e.g. "system,agent" (default: all). Events outside them are not sent. */
  readonly read?: string;
  /** `write =` classes (default: all). Actions needing others answer "Permission denied". */
  readonly write?: string;
}

export interface AmiServerOptions extends AsteriskOptions, AmiUserOptions {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  readonly port?: number;
  /** More AMI users besides the one above. */
  readonly users?: readonly AmiUserOptions[];
}

export interface AmiServer {
  readonly port: number;
  close(): Promise<void>;
  /** Closes every connection at once, as a network drop does. */
  dropConnections(): void;
  /** While on, every Login fails ("Authentication failed", connection closed). */
  refuseLogins(on: boolean): void;
  /** Delays every answer by this much (slow responses). */
  setResponseDelay(ms: number): void;
  /** The next n reloads answer "A reload is in progress" (Status 4). */
  rejectReloads(n: number): void;
  /** How long each module reload takes; a second reload meanwhile is rejected. */
  setReloadDuration(ms: number): void;
  /** An Asterisk restart: connections closed, registrations gone, config loaded afresh. */
  restart(): void;
  /** A browser registers over WebSocket (contact URI as Asterisk shows it). */
  register(endpoint: string, contactUri?: string, options?: RegisterOptions): void;
  /** The browser's socket closes: its contacts (or the one given) are removed. */
  unregister(endpoint: string, contactUri?: string): void;
  /** Whether a module reload is running now. */
  reloading(): boolean;
  /** PJSIP endpoints loaded now, in file order. */
  endpointIds(): string[];
  /** Contact URIs registered now. */
  contactUris(endpoint?: string): string[];
  /** Open AMI connections. */
  connectionCount(): number;
  /** Modules reloaded successfully, in order. */
  readonly reloads: readonly string[];
  /** Asterisk-style log lines: load errors, warnings. */
  readonly log: readonly string[];
}

interface Session {
  readonly socket: Socket;
  readonly state: SessionState;
  queue: Promise<void>;
  closing: boolean;
}

export async function startAmiServer(options: AmiServerOptions): Promise<AmiServer> {
  const asterisk: Asterisk = createAsterisk(options);
  const sessions = new Set<Session>();
  const abort = new AbortController();
  let refuse = false;
  let delayMs = 0;
  let restarts = 0;

  const users: AmiUser[] = [options, ...(options.users ?? [])].map((u) => ({
    username: u.username,
    secret: u.secret,
    read: parsePermissions(u.read),
    write: parsePermissions(u.write),
  }));
  const findUser = (username: string | undefined) =>
    refuse || username === undefined
      ? undefined
      : users.find((u) => u.username.toLowerCase() === username.toLowerCase());

  const write = (s: Session, messages: readonly AmiMessage[]) => {
    if (!s.socket.destroyed && messages.length > 0)
      s.socket.write(messages.map(serialize).join(''));
  };

  const broadcast = (all: readonly AmiMessage[]) => {
    // DeviceStateChange reaches AMI only through res_manager_devicestate.so.
    const events = asterisk.state.deviceStateEvents
      ? all
      : all.filter((e) => field(e, 'Event') !== 'DeviceStateChange');
    for (const s of sessions) {
      if (!s.state.authenticated || s.closing) continue;
      const mask = s.state.eventMask & s.state.readPerm;
      write(
        s,
        events.filter((e) => wants(mask, e)),
      );
    }
  };

  const serve = async (s: Session, req: AmiRequest) => {
    if (s.closing) return; // Asterisk reads nothing after a failed Login or a Logoff
    if (delayMs > 0) await sleep(delayMs, undefined, { signal: abort.signal });
    const startedIn = restarts;
    const ctx: ActionContext = { asterisk, session: s.state, findUser };
    const result = await dispatch(ctx, req);
    if (!s.closing) {
      write(s, result.reply);
      if (result.close) {
        s.closing = true;
        s.socket.end();
      }
    }
    // Events go out even if the requester left meanwhile, not if Asterisk restarted.
    if (result.events && startedIn === restarts) broadcast(result.events);
  };

  const server = createServer((socket) => {
    const session: Session = {
      socket,
      state: {
        authenticated: false,
        eventMask: 0,
        readPerm: 0,
        writePerm: 0,
        challenge: undefined,
      },
      queue: Promise.resolve(),
      closing: false,
    };
    sessions.add(session);
    const parser = createRequestParser();
    socket.setEncoding('utf8');
    socket.write(BANNER);
    socket.on('data', (chunk: string) => {
      // Asterisk answers one connection's requests one after the other.
      for (const req of parser.push(chunk)) {
        session.queue = session.queue
          .then(() => serve(session, req))
          .catch((err: unknown) => {
            if (abort.signal.aborted) return;
            asterisk.state.log.push(`ERROR ami-test-server: ${String(err)}`);
            socket.destroy();
          });
      }
    });
    socket.on('close', () => {
      session.closing = true;
      sessions.delete(session);
    });
    socket.on('error', () => undefined); // a reset by the peer ends the session like a close
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  const dropAll = () => {
    for (const s of sessions) {
      s.closing = true;
      s.socket.destroy();
    }
  };

  return {
    port,
    async close() {
      abort.abort();
      asterisk.dispose();
      dropAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    dropConnections: dropAll,
    refuseLogins(on) {
      refuse = on;
    },
    setResponseDelay(ms) {
      delayMs = ms;
    },
    rejectReloads: (n) => asterisk.rejectReloads(n),
    setReloadDuration: (ms) => asterisk.setReloadDuration(ms),
    restart() {
      restarts++;
      dropAll();
      asterisk.restart();
    },
    register(endpoint, contactUri, registerOptions) {
      const uri = contactUri ?? `sip:${endpoint}@127.0.0.1:40000;transport=ws`;
      broadcast(register(asterisk.state, endpoint, uri, registerOptions));
    },
    unregister(endpoint, contactUri) {
      broadcast(unregister(asterisk.state, endpoint, contactUri));
    },
    reloading: () => asterisk.reloading(),
    endpointIds: () => objectsOfType(asterisk.state.objects, 'endpoint').map((e) => e.id),
    contactUris: (endpoint) =>
      [...asterisk.state.contacts.values()]
        .filter((c) => endpoint === undefined || c.endpoint === endpoint)
        .map((c) => c.uri),
    connectionCount: () => sessions.size,
    reloads: asterisk.state.reloads,
    log: asterisk.state.log,
  };
}
