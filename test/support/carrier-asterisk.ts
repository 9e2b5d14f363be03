// A second real Asterisk 22 that plays the carrier of a SipTrunk test: the
// same build (scripts/lib/asterisk-process.ts) in a folder of its own, with
// a configuration of its own instead of the project's generated one. It
// listens for SIP over UDP on a loopback port (and TCP on another), knows one customer (us) with
// digest authentication and a registration (max one contact), and places
// "telephone" calls to the customer: an AMI Originate of
// Local/<number>@carrier-out, whose ;2 leg dials PJSIP/<number>@customer (to
// the contact we registered) with the caller's number as caller ID, then
// reports the outcome as a UserEvent (CarrierDial: number, DIALSTATUS,
// HANGUPCAUSE; Dial's "g" goes on after the customer hangs up). Events carry
// Asterisk's Timestamp (timestampevents), the host's wall clock. The ;1 leg runs Echo(): whatever the answering agent says
// comes back to them, so audio heard by the agent proves both directions.
// Calls from the customer (outbound, to "the phone network") land in
// carrier-in: any number rings for CALLED_RINGING_SECONDS, then answers with
// Echo(), so an agent who called out hears itself only if audio goes both
// ways; UNALLOCATED_NUMBER is refused (cause 1, 404) as a carrier refuses a
// number nobody has. The carrier trusts the customer's P-Asserted-Identity
// (trust_id_inbound) as carriers do, so its events show the caller ID we sent.
// The carrier's AMI user reads and writes everything: it is the test's.
// Over TCP the carrier rewrites our contact to the connection we registered
// on and sends its calls down that connection, as carriers do for customers
// behind NAT. Stopping and starting carrier.asterisk keeps our contact (astdb).
// With `tls` (a certificate and key, e.g. signed by a test CA) it also listens
// for SIP over TLS on a third port, presenting that certificate; it asks no
// certificate of its customer.

import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RawMessage } from 'asterisk-manager';
import pino from 'pino';
import { AmiClient } from '../../operator/src/asterisk/ami/client.ts';
import { type AsteriskProcess, createAsterisk } from '../../scripts/lib/asterisk-process.ts';
import { freePort } from '../cluster/ports.ts';
import { waitUntil } from './wait.ts';

export const CARRIER_CUSTOMER = 'customer';
/** A number the carrier does not know: it refuses calls to it with cause 1 (404). */
export const UNALLOCATED_NUMBER = '+23276000001';
/** A number that rings at the carrier and is never answered. */
export const NO_ANSWER_NUMBER = '+23276000002';
/** How long a number called through the carrier rings before it answers. */
export const CALLED_RINGING_SECONDS = 1;

/** An event the carrier's AMI raised, with its arrival time and when Asterisk raised it. */
export interface CarrierEvent {
  readonly name: string;
  /** performance.now() at arrival. */
  readonly at: number;
  /** Epoch milliseconds at which Asterisk raised it (its Timestamp field). */
  readonly raised: number;
  /** Fields as asterisk-manager gives them: lowercase keys. */
  readonly f: RawMessage;
}

export interface Carrier {
  readonly asterisk: AsteriskProcess;
  /** The carrier's SIP port on 127.0.0.1 (UDP). */
  readonly sipPort: number;
  /** The carrier's SIP port on 127.0.0.1 (TCP). */
  readonly tcpPort: number;
  /** The carrier's SIP over TLS port on 127.0.0.1 (0 without `tls`). */
  readonly tlsPort: number;
  /** What the customer must authenticate with (the SipTrunk's Secret). */
  readonly credentials: { readonly username: string; readonly password: string };
  readonly ami: AmiClient;
  events(name?: string): CarrierEvent[];
  /** The customer's registered contacts, as the carrier's registrar has them. */
  contacts(): Promise<string[]>;
  /**
   * Calls `number` at the customer as caller `callerNumber`; `id` names the
   * call (its ;2 leg's Uniqueid). Resolves once the call is placed.
   */
  call(number: string, callerNumber: string, id: string): Promise<void>;
  /** Waits for the CarrierDial outcome of call `id`. */
  outcome(id: string, timeoutMs?: number): Promise<{ status: string; cause: string }>;
  hangUpAll(): Promise<void>;
  close(): Promise<void>;
}

const field = (f: RawMessage, key: string): string => {
  const v = f[key];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
};

/** A UDP port on 127.0.0.1 that was free a moment ago. */
export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

function pjsipConf(
  port: number,
  tcpPort: number,
  password: string,
  tls?: { port: number; dir: string },
): string {
  const tlsTransport = tls
    ? `
[carrier-tls]
type = transport
protocol = tls
bind = 127.0.0.1:${tls.port}
cert_file = ${tls.dir}/carrier.crt
priv_key_file = ${tls.dir}/carrier.key
method = tlsv1_2
`
    : '';
  return `; the carrier (test/support/carrier-asterisk.ts)
[global]
type = global
user_agent = Carrier

[carrier-udp]
type = transport
protocol = udp
bind = 127.0.0.1:${port}

[carrier-tcp]
type = transport
protocol = tcp
bind = 127.0.0.1:${tcpPort}
${tlsTransport}
[${CARRIER_CUSTOMER}]
type = endpoint
context = carrier-in
rewrite_contact = yes
disallow = all
allow = ulaw,alaw
auth = ${CARRIER_CUSTOMER}
aors = ${CARRIER_CUSTOMER}
direct_media = no
trust_id_inbound = yes

[${CARRIER_CUSTOMER}]
type = auth
auth_type = userpass
username = ${CARRIER_CUSTOMER}
password = ${password}

[${CARRIER_CUSTOMER}]
type = aor
max_contacts = 1
remove_existing = yes
`;
}

const EXTENSIONS = `; the carrier (test/support/carrier-asterisk.ts)
[general]
static = yes
writeprotect = yes
autofallthrough = yes

[carrier-out]
exten => _[+0-9].,1,Dial(PJSIP/\${EXTEN}@${CARRIER_CUSTOMER},30,g)
 same => n,UserEvent(CarrierDial,Number: \${EXTEN},DialStatus: \${DIALSTATUS},Cause: \${HANGUPCAUSE})
 same => n,Hangup()

[carrier-in]
exten => ${UNALLOCATED_NUMBER},1,Hangup(1)
exten => ${NO_ANSWER_NUMBER},1,Ringing()
 same => n,Wait(300)
exten => _[+0-9].,1,Ringing()
 same => n,Wait(${CALLED_RINGING_SECONDS})
 same => n,Answer()
 same => n,Echo()
`;

export async function startCarrier(
  options: { tls?: { cert: string; key: string } } = {},
): Promise<Carrier> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-carrier-'));
  const asterisk = await createAsterisk({ dir, amiUsername: 'carrier' });
  const [sipPort, tcpPort, tlsPort] = await Promise.all([
    freeUdpPort(),
    freePort(),
    options.tls ? freePort() : 0,
  ]);
  const password = randomBytes(12).toString('hex');
  const etc = (name: string, text: string) => writeFileSync(join(asterisk.etcDir, name), text);
  if (options.tls) {
    etc('carrier.crt', options.tls.cert);
    // a throwaway test key, readable like the rest of the folder (Asterisk may run as another user)
    etc('carrier.key', options.tls.key);
  }
  etc(
    'pjsip.conf',
    pjsipConf(
      sipPort,
      tcpPort,
      password,
      options.tls ? { port: tlsPort, dir: asterisk.etcDir } : undefined,
    ),
  );
  etc('extensions.conf', EXTENSIONS);
  // No generated files here: the project's includes of switchboard/ would be missing.
  etc('queues.conf', '[general]\n');
  // RTP ports of its own, away from the customer's range and Linux's ephemeral ports.
  const rtpStart = 21_000 + Math.floor(Math.random() * 80) * 100;
  etc('rtp.conf', `[general]\nrtpstart = ${rtpStart}\nrtpend = ${rtpStart + 99}\n`);
  const manager = readFileSync(join(asterisk.etcDir, 'manager.conf'), 'utf8');
  etc('manager.conf', manager.replace(/^\[general\]$/m, '[general]\ntimestampevents = yes'));
  etc(
    join('ami', 'manager_user.conf'),
    `[${asterisk.ami.username}]\nsecret = ${asterisk.ami.secret}\nread = all\nwrite = all\n`,
  );
  await asterisk.start();

  const ami = new AmiClient({
    host: '127.0.0.1',
    port: asterisk.amiPort,
    username: asterisk.ami.username,
    secret: asterisk.ami.secret,
    logger: pino({ level: 'silent' }),
  });
  const seen: CarrierEvent[] = [];
  ami.onEvent((e) => {
    if ('fields' in e)
      seen.push({
        name: e.event,
        at: performance.now(),
        raised: Number(field(e.fields, 'timestamp')) * 1000,
        f: e.fields,
      });
  });
  ami.start();
  await ami.ready(10_000);

  const events = (name?: string) =>
    name === undefined
      ? [...seen]
      : seen.filter((e) => e.name.toLowerCase() === name.toLowerCase());
  const localChannels = async () =>
    (await ami.list({ action: 'CoreShowChannels' }, 'CoreShowChannel', 'CoreShowChannelsComplete'))
      .map((c) => field(c, 'channel'))
      .filter((c) => c.startsWith('Local/') || c.startsWith('PJSIP/'));

  return {
    asterisk,
    sipPort,
    tcpPort,
    tlsPort,
    credentials: { username: CARRIER_CUSTOMER, password },
    ami,
    events,
    async contacts() {
      const items = await ami.list(
        { action: 'PJSIPShowContacts' },
        'ContactList',
        'ContactListComplete',
      );
      return items
        .filter((c) => field(c, 'endpoint') === CARRIER_CUSTOMER)
        .map((c) => field(c, 'uri'));
    },
    async call(number, callerNumber, id) {
      await ami.action({
        action: 'Originate',
        channel: `Local/${number}@carrier-out`,
        application: 'Echo',
        callerid: `"Citizen" <${callerNumber}>`,
        // The ;2 leg (the one that dials the customer) carries the call's name.
        channelid: `o-${id}`,
        otherchannelid: id,
        async: 'true',
      });
    },
    async outcome(id, timeoutMs = 30_000) {
      let found: CarrierEvent | undefined;
      await waitUntil(
        `the carrier's outcome of call ${id}`,
        () => {
          found = events('UserEvent').find(
            (e) => field(e.f, 'userevent') === 'CarrierDial' && field(e.f, 'uniqueid') === id,
          );
          return found !== undefined;
        },
        timeoutMs,
        20,
      );
      const f = (found as CarrierEvent).f;
      return { status: field(f, 'dialstatus'), cause: field(f, 'cause') };
    },
    async hangUpAll() {
      for (const channel of await localChannels())
        await ami.action({ action: 'Hangup', channel }).catch(() => undefined);
      await waitUntil(
        'no call left at the carrier',
        async () => (await localChannels()).length === 0,
        10_000,
      );
    },
    async close() {
      await ami.stop();
      await asterisk.stop();
      if (!process.env.SWITCHBOARD_KEEP_TEST_DIR) rmSync(dir, { recursive: true, force: true });
    },
  };
}
