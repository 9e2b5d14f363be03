// Many agents registered at once without a browser each: SIP.js (the library
// the softphone runs) in this Node process over Node's own WebSocket, doing
// what a softphone's line does — REGISTER with digest authentication, kept
// up until stopped. No media: these lines never take a call.
import { Registerer, RegistererState, UserAgent } from 'sip.js';
import { waitUntil } from './wait.ts';

export interface LineCredentials {
  readonly username: string;
  readonly password: string;
}

export interface Lines {
  /** How many lines hold an accepted registration now. */
  registered(): number;
  /** Waits until every line holds an accepted registration. */
  allRegistered(timeoutMs: number): Promise<void>;
  /** Unregisters (best effort) and closes every WebSocket. */
  stop(): Promise<void>;
}

/** Registers one line per credential set to the Asterisk WebSocket at `wsUrl`. */
export async function registerLines(
  wsUrl: string,
  credentials: readonly LineCredentials[],
): Promise<Lines> {
  const domain = new URL(wsUrl).hostname;
  const lines = credentials.map((c) => {
    const uri = UserAgent.makeURI(`sip:${c.username}@${domain}`);
    if (!uri) throw new Error(`"${c.username}@${domain}" is not a SIP address`);
    const ua = new UserAgent({
      uri,
      authorizationUsername: c.username,
      authorizationPassword: c.password,
      transportOptions: { server: wsUrl, connectionTimeout: 5 },
      logBuiltinEnabled: false,
      logLevel: 'error',
    });
    const registerer = new Registerer(ua, { expires: 300 });
    return { ua, registerer };
  });
  await Promise.all(
    lines.map(async ({ ua, registerer }) => {
      await ua.start();
      await registerer.register();
    }),
  );
  const registered = () =>
    lines.filter((l) => l.registerer.state === RegistererState.Registered).length;
  return {
    registered,
    allRegistered: (timeoutMs) =>
      waitUntil(
        `${lines.length} lines registered (${registered()} now)`,
        async () => registered() === lines.length,
        timeoutMs,
        50,
      ),
    async stop() {
      await Promise.all(
        lines.map(async ({ ua, registerer }) => {
          if (registerer.state === RegistererState.Registered && ua.isConnected())
            await registerer.unregister().catch(() => undefined);
          await ua.stop().catch(() => undefined);
        }),
      );
    },
  };
}
