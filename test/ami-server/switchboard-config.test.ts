// The AMI test server loads the configuration Switchboard renders, the way
// the operator deploys it: generated files mounted under /etc/asterisk and
// #included from the base config, then GetConfig to see the content hash and
// Reload to apply it.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  BASE_INCLUDES,
  INCLUDE_DIR,
  objectMarkers,
  renderAsteriskConfig,
} from '../../operator/src/asterisk/render/index.ts';
import { validateWebRTCConfig } from '../../operator/src/schema/validators.ts';
import { field, isBare } from './framing.ts';
import { RawAmi } from './raw-client.ts';
import { type AmiServer, startAmiServer } from './server.ts';
import { configDir, RECORDED_USER } from './transcripts.ts';

const AGENTS = Array.from({ length: 20 }, (_, i) => ({
  name: `a${i}`,
  displayName: `Agent ${i}`,
  extension: 1000 + i,
  sipUsername: `agent_${i}_1700000000`,
  sipPassword: 'f'.repeat(32),
  codecs: ['opus', 'ulaw'] as const,
  queues: ['support'],
  maxContacts: 2,
}));

function render(dtlsCertPath?: string) {
  const spec = validateWebRTCConfig({
    apiVersion: 'switchboard.dev/v1alpha1',
    kind: 'WebRTCConfig',
    metadata: { name: 'default' },
    spec: { asteriskWsUrl: 'ws://127.0.0.1:8088/ws' },
  });
  assert.ok(spec.ok);
  return renderAsteriskConfig({
    namespace: 'ns',
    config: spec.value.spec,
    agents: AGENTS.map((a) => ({ ...a, codecs: [...a.codecs] })),
    ...(dtlsCertPath ? { dtlsCertPath } : {}),
  });
}

describe("Switchboard's rendered configuration", () => {
  let server: AmiServer;
  let dir: string;
  let ami: RawAmi;
  const objects = render('/etc/asterisk/keys/switchboard');

  before(async () => {
    dir = configDir();
    mkdirSync(join(dir, INCLUDE_DIR));
    for (const o of objects)
      for (const [file, text] of Object.entries(o.files))
        writeFileSync(join(dir, INCLUDE_DIR, file), text);
    mkdirSync(join(dir, 'keys', 'switchboard'), { recursive: true });
    writeFileSync(join(dir, 'keys', 'switchboard', 'tls.crt'), 'certificate\n');
    writeFileSync(join(dir, 'keys', 'switchboard', 'tls.key'), 'key\n');
    writeFileSync(
      join(dir, 'pjsip.conf'),
      `[global]\ntype=global\n\n${BASE_INCLUDES['pjsip.conf']}\n`,
    );
    writeFileSync(join(dir, 'queues.conf'), `[general]\n\n${BASE_INCLUDES['queues.conf']}\n`);
    writeFileSync(
      join(dir, 'extensions.conf'),
      `[general]\n\n${BASE_INCLUDES['extensions.conf']}\n`,
    );
    writeFileSync(join(dir, 'rtp.conf'), `${BASE_INCLUDES['rtp.conf']}\n`);
    server = await startAmiServer({ ...RECORDED_USER, configDir: dir });
    ami = await RawAmi.login(server.port, 'off');
  });
  after(async () => {
    ami?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("shows every generated file's content hash through GetConfig", async () => {
    const markers = objects.flatMap(objectMarkers);
    assert.equal(
      markers.length,
      objects.reduce((n, o) => n + Object.keys(o.files).length, 0),
    );
    for (const m of markers) {
      const [answer] = await ami.action({
        Action: 'GetConfig',
        Filename: m.configFile,
        Category: m.category,
      });
      const lines = (answer?.lines ?? []).flatMap((l) =>
        !isBare(l) && l[0].startsWith('Line-') ? [l[1]] : [],
      );
      assert.ok(lines.includes(`${m.key}=${m.value}`), `${m.configFile} ${m.key}`);
    }
  });

  it('loads every agent endpoint on reload, with no load error', async () => {
    const [answer] = await ami.action({ Action: 'Reload', Module: 'res_pjsip.so' });
    assert.equal(field(answer ?? { lines: [] }, 'Message'), 'Module Reloaded');
    assert.deepEqual([...server.endpointIds()].sort(), AGENTS.map((a) => a.sipUsername).sort());
    assert.deepEqual(
      server.log.filter((l) => l.startsWith('ERROR')),
      [],
    );
  });

  it('gives an agent the template options, its certificate and its auth from the Secret', async () => {
    const agent = AGENTS[3] ?? assert.fail();
    const detail = await ami.list({ Action: 'PJSIPShowEndpoint', Endpoint: agent.sipUsername });
    const of = (event: string, name: string) =>
      field(detail.find((m) => field(m, 'Event') === event) ?? { lines: [] }, name);
    assert.equal(of('EndpointDetail', 'Webrtc'), 'yes');
    assert.equal(of('EndpointDetail', 'Allow'), '(opus|ulaw)');
    assert.equal(of('EndpointDetail', 'Callerid'), `"${agent.displayName}" <${agent.extension}>`);
    assert.equal(of('EndpointDetail', 'DirectMedia'), 'false');
    assert.equal(of('EndpointDetail', 'DtlsAutoGenerateCert'), 'No');
    assert.equal(of('EndpointDetail', 'DtlsCertFile'), '/etc/asterisk/keys/switchboard/tls.crt');
    assert.equal(of('AuthDetail', 'Username'), agent.sipUsername);
    assert.equal(of('AorDetail', 'MaxContacts'), String(agent.maxContacts));
    assert.equal(of('AorDetail', 'RemoveExisting'), 'true');
  });

  it('loads the queues without members: the operator adds them over AMI', async () => {
    const [answer] = await ami.action({ Action: 'Reload', Module: 'app_queue.so' });
    assert.equal(field(answer ?? { lines: [] }, 'Message'), 'Module Reloaded');
    const status = await ami.list({ Action: 'QueueStatus', Queue: 'support' });
    const members = status.filter((m) => field(m, 'Event') === 'QueueMember');
    assert.equal(members.length, 0);
    const params = status.find((m) => field(m, 'Event') === 'QueueParams') ?? { lines: [] };
    assert.equal(field(params, 'Strategy'), 'rrmemory');
  });
});
