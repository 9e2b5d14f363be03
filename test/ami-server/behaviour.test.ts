// The AMI test server behaves as the recorded Asterisk does with bad files,
// faults and registrations — and it loads the configuration Switchboard renders.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { renderAsteriskConfig } from '../../operator/src/asterisk/config/index.ts';
import { validateWebRTCConfig } from '../../operator/src/schema/validators.ts';
import { repoRoot } from '../cluster/tools.ts';
import { waitUntil } from '../support/wait.ts';
import { login, RawAmi } from './client-for-tests.ts';
import { type AmiServer, startAmiServer } from './server.ts';

const minimal = join(repoRoot, '..', 'shared', 'asterisk', 'minimal-config');
let server: AmiServer | undefined;
let dir: string;

async function fresh(): Promise<AmiServer> {
  await server?.close();
  dir = mkdtempSync(join(tmpdir(), 'ami-behaviour-'));
  cpSync(minimal, dir, { recursive: true });
  server = await startAmiServer({ username: 'admin', secret: 'verifysecret123', configDir: dir });
  return server;
}
beforeEach(async () => {
  await fresh();
});
after(async () => {
  await server?.close();
});

const extra = (text: string) => writeFileSync(join(dir, 'pjsip_extra.conf'), text);
const reload = async (ami: RawAmi) =>
  ami.exchange('Action: Reload\r\nActionID: r\r\nModule: res_pjsip.so\r\n\r\n', 2);
const wt = (endpointExtra = '', aorExtra = '') =>
  `[wt]\ntype=endpoint\ntransport=transport-ws\ncontext=internal\ndisallow=all\nallow=opus,ulaw\nwebrtc=yes\naors=wt\n${endpointExtra}\n[wt]\ntype=aor\nmax_contacts=1\n${aorExtra}\n`;

describe('reloading configuration as Asterisk 22 does', () => {
  it('loads a new endpoint only on reload (GetConfig sees the file at once)', async () => {
    const s = server as AmiServer;
    const ami = await RawAmi.open(s.port);
    await ami.exchange(login(), 2);
    extra(wt());
    const gc = await ami.exchange(
      'Action: GetConfig\r\nFilename: pjsip.conf\r\nCategory: wt\r\n\r\n',
      1,
    );
    assert.match(gc, /Line-000000-000000: type=endpoint/);
    assert.deepEqual(s.endpointIds(), ['webrtc1']);
    await reload(ami);
    assert.deepEqual(s.endpointIds(), ['webrtc1', 'wt']);
    ami.close();
  });

  it('fails an object with an unknown option or a bad value, keeping an existing one', async () => {
    const s = server as AmiServer;
    const ami = await RawAmi.open(s.port);
    await ami.exchange(login(), 2);
    extra(wt('foo_unknown=bar'));
    const answer = await reload(ami);
    assert.match(answer, /Message: Module Reloaded/, 'Reload says Success even so');
    assert.deepEqual(s.endpointIds(), ['webrtc1']);
    extra(wt());
    await reload(ami);
    extra(wt('rtp_timeout=soon'));
    await reload(ami);
    assert.deepEqual(s.endpointIds(), ['webrtc1', 'wt'], 'the loaded endpoint is retained');
    ami.close();
  });

  it('keeps everything when an #include is missing, and drops a section without type', async () => {
    const s = server as AmiServer;
    const ami = await RawAmi.open(s.port);
    await ami.exchange(login(), 2);
    extra(`${wt()}\n#include missing_file.conf\n`);
    await reload(ami);
    assert.deepEqual(s.endpointIds(), ['webrtc1']);
    const gc = await ami.exchange('Action: GetConfig\r\nFilename: pjsip.conf\r\n\r\n', 1);
    assert.match(gc, /Message: Config file has invalid format/);
    extra('[wt]\ncontext=internal\nwebrtc=yes\n');
    await reload(ami);
    assert.deepEqual(s.endpointIds(), ['webrtc1']);
    ami.close();
  });

  it('rejects dtls_auto_generate_cert together with dtls_cert_file, and a missing certificate file', async () => {
    const s = server as AmiServer;
    const ami = await RawAmi.open(s.port);
    await ami.exchange(login(), 2);
    const cert = join(dir, 'dtls.crt');
    writeFileSync(cert, 'x');
    extra(wt(`dtls_auto_generate_cert=yes\ndtls_cert_file=${cert}`));
    await reload(ami);
    assert.deepEqual(s.endpointIds(), ['webrtc1']);
    extra(wt(`dtls_cert_file=${join(dir, 'nope.crt')}`));
    await reload(ami);
    assert.deepEqual(s.endpointIds(), ['webrtc1']);
    extra(wt(`dtls_cert_file=${cert}`));
    await reload(ami);
    assert.deepEqual(s.endpointIds(), ['webrtc1', 'wt']);
    ami.close();
  });
});

describe('faults', () => {
  it('answers "A reload is in progress" when told to, then reloads again', async () => {
    const s = server as AmiServer;
    const ami = await RawAmi.open(s.port);
    await ami.exchange(login(), 2);
    s.rejectReloads(1);
    assert.match(
      await ami.exchange('Action: Reload\r\nModule: res_pjsip.so\r\n\r\n', 1),
      /Message: A reload is in progress/,
    );
    assert.match(await reload(ami), /Module Reloaded/);
    assert.deepEqual(s.reloads, ['res_pjsip.so']);
    ami.close();
  });

  it('refuses logins, drops connections and restarts with every registration gone', async () => {
    const s = server as AmiServer;
    s.refuseLogins(true);
    const refused = await RawAmi.open(s.port);
    assert.match(await refused.exchange(login(), 1), /Authentication failed/);
    s.refuseLogins(false);
    const ami = await RawAmi.open(s.port);
    await ami.exchange(login(), 2);
    s.register('webrtc1');
    await waitUntil('registration events', () => ami.received.includes('PeerStatus: Reachable'));
    ami.take();
    assert.match(
      await ami.exchange('Action: PJSIPShowContacts\r\nActionID: c\r\n\r\n', 3),
      /Endpoint: webrtc1/,
    );
    s.restart();
    await waitUntil('connection dropped', () => ami.closed);
    const again = await RawAmi.open(s.port);
    await again.exchange(login(), 2);
    assert.match(await again.exchange('Action: PJSIPShowContacts\r\n\r\n', 1), /No Contacts found/);
    again.close();
  });

  it('delays responses when told to', async () => {
    const s = server as AmiServer;
    const ami = await RawAmi.open(s.port);
    await ami.exchange(login(), 2);
    s.setResponseDelay(150);
    const t0 = performance.now();
    await ami.exchange('Action: Ping\r\n\r\n', 1);
    assert.ok(performance.now() - t0 >= 140);
    ami.close();
  });
});

describe('registrations', () => {
  it('emits the recorded events on register and unregister and shows the contact', async () => {
    const s = server as AmiServer;
    const ami = await RawAmi.open(s.port);
    await ami.exchange(login(), 2);
    s.register('webrtc1', 'sip:webrtc1@127.0.0.1:43704;transport=ws');
    await waitUntil('three events', () => (ami.received.match(/\r\n\r\n/g) ?? []).length >= 3);
    const events = ami.take();
    assert.match(
      events,
      /Event: PeerStatus\r\nPrivilege: system,all\r\nChannelType: PJSIP\r\nPeer: PJSIP\/webrtc1\r\nPeerStatus: Reachable\r\n/,
    );
    assert.match(
      events,
      /Event: ContactStatus\r\nPrivilege: system,all\r\nURI: sip:webrtc1@127.0.0.1:43704;transport=ws\r\nContactStatus: NonQualified\r\nAOR: webrtc1\r\nEndpointName: webrtc1\r\n/,
    );
    const list = await ami.exchange('Action: PJSIPShowEndpoints\r\nActionID: e\r\n\r\n', 3);
    assert.match(
      list,
      /Contacts: webrtc1\/sip:webrtc1@127.0.0.1:43704;transport=ws,\r\nDeviceState: Not in use/,
    );
    s.unregister('webrtc1');
    await waitUntil('unregister events', () => ami.received.includes('ContactStatus: Removed'));
    assert.match(ami.take(), /PeerStatus: Unreachable/);
    ami.close();
  });
});

describe('the configuration Switchboard renders', () => {
  it("loads every agent endpoint, and GetConfig shows each object's content hash", async () => {
    const s = server as AmiServer;
    const spec = validateWebRTCConfig({
      apiVersion: 'switchboard.dev/v1alpha1',
      kind: 'WebRTCConfig',
      metadata: { name: 'default' },
      spec: { asteriskWsUrl: 'ws://127.0.0.1:8088/ws' },
    });
    assert.ok(spec.ok);
    const agents = Array.from({ length: 20 }, (_, i) => ({
      name: `a${i}`,
      displayName: `Agent ${i}`,
      extension: 1000 + i,
      sipUsername: `agent_${i}_1700000000`,
      sipPassword: 'f'.repeat(32),
      codecs: ['opus', 'ulaw'] as const,
      queues: ['support'],
      maxContacts: 2,
    }));
    const objects = renderAsteriskConfig({
      namespace: 'ns',
      config: spec.value.spec,
      agents: agents.map((a) => ({ ...a, codecs: [...a.codecs] })),
    });
    mkdirSync(join(dir, 'switchboard'));
    for (const o of objects)
      for (const [file, text] of Object.entries(o.files))
        writeFileSync(join(dir, 'switchboard', file), text);
    writeFileSync(
      join(dir, 'pjsip.conf'),
      '[global]\ntype=global\n\n#include switchboard/pjsip_switchboard.conf\n',
    );
    const ami = await RawAmi.open(s.port);
    await ami.exchange(login(), 2);
    await reload(ami);
    assert.deepEqual(s.endpointIds(), agents.map((a) => a.sipUsername).sort());
    for (const o of objects) {
      const gc = await ami.exchange(
        `Action: GetConfig\r\nFilename: pjsip.conf\r\nCategory: switchboard-object-${o.name}\r\n\r\n`,
        1,
      );
      assert.match(gc, new RegExp(`Line-000000-000000: content-hash=${o.hash}\\r\\n`), o.name);
    }
    ami.close();
    rmSync(join(dir, 'switchboard'), { recursive: true });
  });
});
