// Browsers registering and going away: the events (exact bytes in
// replay.test.ts, main_20/main_60) and what PJSIPShow* report meanwhile.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterEach, describe, it } from 'node:test';
import { type AmiMessage, field, parseMessages } from './framing.ts';
import { RawAmi } from './raw-client.ts';
import { websocketContactUri } from './registrations.ts';
import { type AmiServer, startAmiServer } from './server.ts';
import { configDir, RECORDED_USER } from './transcripts.ts';

const EXTRA = `[solo]
type=endpoint
context=internal
webrtc=yes
aors=solo
[solo]
type=aor
max_contacts=1

[replaced]
type=endpoint
context=internal
webrtc=yes
aors=replaced
[replaced]
type=aor
max_contacts=1
remove_existing=yes
qualify_frequency=30
`;

const T0 = Date.UTC(2026, 10, 23, 20, 7, 5);
let server: AmiServer | undefined;
let dir: string | undefined;
const clients: RawAmi[] = [];

async function start(): Promise<AmiServer> {
  dir = configDir({ 'pjsip_extra.conf': EXTRA });
  server = await startAmiServer({ ...RECORDED_USER, configDir: dir, now: () => T0 });
  return server;
}
async function connect(s: AmiServer, events?: string): Promise<RawAmi> {
  const c = await RawAmi.login(s.port, events);
  clients.push(c);
  return c;
}
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const events = (ms: AmiMessage[]) =>
  ms.map(
    (m) =>
      `${field(m, 'Event')}:${field(m, 'PeerStatus') ?? field(m, 'ContactStatus') ?? field(m, 'State') ?? field(m, 'Status') ?? ''}`,
  );

async function readEvents(c: RawAmi, n: number): Promise<AmiMessage[]> {
  return parseMessages(await c.read(n)).messages;
}

describe('registration events', () => {
  it('go to sessions that want them, by event class', async () => {
    const s = await start();
    const all = await connect(s);
    const none = await connect(s, 'off');
    const system = await connect(s, 'system');
    s.register('webrtc1', 'sip:webrtc1@127.0.0.1:40000;transport=ws');
    assert.deepEqual(events(await readEvents(all, 5)), [
      'PeerStatus:Reachable',
      'ContactStatus:NonQualified',
      'QueueMemberStatus:1',
      'DeviceStateChange:NOT_INUSE',
      'DeviceStateChange:NOT_INUSE',
    ]);
    assert.deepEqual(events(await readEvents(system, 2)), [
      'PeerStatus:Reachable',
      'ContactStatus:NonQualified',
    ]);
    // Nothing else is waiting: the next message each gets is the answer to a Ping.
    for (const c of [none, system]) {
      const [pong] = await c.action({ Action: 'Ping' });
      assert.equal(field(pong ?? { lines: [] }, 'Ping'), 'Pong');
    }
  });

  it('publish PeerStatus and device states only when the first contact comes and the last goes', async () => {
    const s = await start();
    const c = await connect(s);
    s.register('webrtc1', 'sip:webrtc1@127.0.0.1:40001;transport=ws');
    await readEvents(c, 5);
    s.register('webrtc1', 'sip:webrtc1@127.0.0.1:40002;transport=ws');
    assert.deepEqual(events(await readEvents(c, 1)), ['ContactStatus:NonQualified']);
    s.unregister('webrtc1', 'sip:webrtc1@127.0.0.1:40001;transport=ws');
    assert.deepEqual(events(await readEvents(c, 1)), ['ContactStatus:Removed']);
    s.unregister('webrtc1');
    assert.deepEqual(events(await readEvents(c, 5)), [
      'PeerStatus:Unreachable',
      'ContactStatus:Removed',
      'QueueMemberStatus:5',
      'DeviceStateChange:INUSE',
      'DeviceStateChange:UNAVAILABLE',
    ]);
  });

  it('replace the oldest contact with remove_existing, refuse past max_contacts without it', async () => {
    const s = await start();
    const c = await connect(s);
    s.register('replaced', 'sip:replaced@127.0.0.1:1;transport=ws');
    // qualify_frequency=30: the contact is qualified, so Reachable rather than NonQualified.
    assert.deepEqual(events(await readEvents(c, 3)), [
      'PeerStatus:Reachable',
      'ContactStatus:Reachable',
      'DeviceStateChange:NOT_INUSE',
    ]);
    s.register('replaced', 'sip:replaced@127.0.0.1:2;transport=ws');
    assert.deepEqual(events(await readEvents(c, 2)), [
      'ContactStatus:Removed',
      'ContactStatus:Reachable',
    ]);
    assert.deepEqual(s.contactUris('replaced'), ['sip:replaced@127.0.0.1:2;transport=ws']);
    s.register('solo', 'sip:solo@127.0.0.1:1;transport=ws');
    assert.throws(() => s.register('solo', 'sip:solo@127.0.0.1:2;transport=ws'), /max_contacts/);
    assert.throws(() => s.register('nobody', 'sip:nobody@127.0.0.1:2;transport=ws'), /no endpoint/);
  });
});

describe('what AMI shows of a registration', () => {
  it('lists the contact with its expiry, in every PJSIPShow* answer', async () => {
    const s = await start();
    const c = await connect(s, 'off');
    const uri = websocketContactUri('<sip:webrtc1@abc.invalid;transport=ws>', {
      host: '127.0.0.1',
      port: 43704,
    });
    assert.equal(uri, 'sip:webrtc1@127.0.0.1:43704;transport=ws;x-ast-orig-host=abc.invalid:0');
    s.register('webrtc1', uri, { userAgent: 'SIP.js/0.21.2', callId: 'call-1', expires: 600 });

    const contacts = await c.list({ Action: 'PJSIPShowContacts', ActionID: 'c' });
    const contact = contacts[1] ?? { lines: [] };
    assert.equal(field(contact, 'ObjectName'), `webrtc1;@${md5(uri)}`);
    assert.equal(field(contact, 'ViaAddr'), 'abc.invalid');
    assert.equal(field(contact, 'ExpirationTime'), String(T0 / 1000 + 600));
    assert.equal(field(contact, 'UserAgent'), 'SIP.js/0.21.2');
    assert.equal(field(contact, 'CallId'), 'call-1');

    const list = await c.list({ Action: 'PJSIPShowEndpoints' });
    const ep = list.find((m) => field(m, 'ObjectName') === 'webrtc1') ?? { lines: [] };
    assert.equal(field(ep, 'Contacts'), `webrtc1/${uri},`);
    assert.equal(field(ep, 'DeviceState'), 'Not in use');

    const detail = await c.list({ Action: 'PJSIPShowEndpoint', Endpoint: 'webrtc1' });
    const by = (e: string) => detail.find((m) => field(m, 'Event') === e) ?? { lines: [] };
    assert.equal(field(by('AorDetail'), 'Contacts'), `webrtc1/${uri}`);
    assert.equal(field(by('AorDetail'), 'ContactsRegistered'), '1');
    assert.equal(field(by('ContactStatusDetail'), 'RegExpire'), String(T0 / 1000 + 600));
    assert.equal(field(by('EndpointDetailComplete'), 'ListItems'), '5');

    s.unregister('webrtc1');
    const after = await c.list({ Action: 'PJSIPShowContacts' });
    assert.equal(field(after[0] ?? { lines: [] }, 'Message'), 'No Contacts found');
  });

  it('forgets every registration on restart', async () => {
    const s = await start();
    s.register('webrtc1', 'sip:webrtc1@127.0.0.1:1;transport=ws');
    s.restart();
    assert.deepEqual(s.contactUris(), []);
    const c = await connect(s, 'off');
    const list = await c.list({ Action: 'PJSIPShowEndpoints' });
    assert.equal(field(list[1] ?? { lines: [] }, 'DeviceState'), 'Unavailable');
  });
});

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}
