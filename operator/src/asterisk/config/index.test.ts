import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateWebRTCConfig } from '../../schema/validators.ts';
import { renderAsteriskConfig } from './index.ts';
import { markerCategory } from './marker.ts';
import { parseConfig, value } from './parse.ts';
import { shardOf } from './shards.ts';
import type { RenderAgent } from './types.ts';

function spec(extra: Record<string, unknown> = {}) {
  const r = validateWebRTCConfig({
    apiVersion: 'switchboard.dev/v1alpha1',
    kind: 'WebRTCConfig',
    metadata: { name: 'default' },
    spec: { asteriskWsUrl: 'wss://pbx.example.org/ws', ...extra },
  });
  assert.ok(r.ok);
  return r.value.spec;
}

const agent = (i: number, extra: Partial<RenderAgent> = {}): RenderAgent => ({
  name: `agent-${i}`,
  displayName: `Agent ${i}`,
  extension: 1000 + i,
  sipUsername: `agent_${i}_1700000000`,
  sipPassword: `${i}`
    .repeat(32)
    .slice(0, 32)
    .replace(/[^0-9a-f]/g, 'a'),
  codecs: ['opus', 'ulaw', 'alaw'],
  queues: ['support'],
  maxContacts: 1,
  ...extra,
});

const all = (objects: ReturnType<typeof renderAsteriskConfig>, kind: 'ConfigMap' | 'Secret') =>
  objects
    .filter((o) => o.kind === kind)
    .flatMap((o) => Object.values(o.files))
    .join('\n');

describe('Asterisk configuration rendering', () => {
  const agents = [
    agent(0),
    agent(1, {
      displayName: 'Zoë "Z" <O\'Neil>; drop',
      codecs: ['g722'],
      maxContacts: 3,
      queues: ['support', 'billing'],
    }),
  ];
  const objects = renderAsteriskConfig({ namespace: 'ns', config: spec(), agents });

  it('writes passwords only into Secrets', () => {
    for (const a of agents) {
      assert.ok(!all(objects, 'ConfigMap').includes(a.sipPassword), 'password in a ConfigMap');
      assert.ok(all(objects, 'Secret').includes(`password = ${a.sipPassword}`));
    }
    const auth = parseConfig(all(objects, 'Secret')).filter((s) => value(s, 'type') === 'auth');
    assert.equal(auth.length, 2);
    assert.ok(!all(objects, 'ConfigMap').includes('type = auth'));
  });

  it('renders a WebRTC endpoint and AOR per agent from templates', () => {
    const sections = parseConfig(all(objects, 'ConfigMap'));
    const endpoint = sections.find(
      (s) => s.name === 'agent_1_1700000000' && s.template === 'switchboard-webrtc-endpoint',
    );
    assert.equal(value(endpoint, 'allow'), 'g722');
    assert.equal(value(endpoint, 'auth'), 'agent_1_1700000000');
    assert.equal(
      value(endpoint, 'callerid'),
      '"Zoë Z O\'Neil drop" <1001>',
      'quotes, brackets and comment starts removed',
    );
    const aor = sections.find(
      (s) => s.name === 'agent_1_1700000000' && s.template === 'switchboard-webrtc-aor',
    );
    assert.equal(value(aor, 'max_contacts'), '3');
    const template = sections.find((s) => s.name === 'switchboard-webrtc-endpoint');
    assert.equal(template?.template, '!');
    assert.equal(value(template, 'webrtc'), 'yes');
    assert.equal(value(template, 'rtp_timeout'), '30');
    assert.equal(
      value(template, 'dtls_cert_file'),
      undefined,
      'no certificate: Asterisk generates one',
    );
    const aorTemplate = sections.find((s) => s.name === 'switchboard-webrtc-aor');
    assert.equal(value(aorTemplate, 'remove_existing'), 'yes');
    const pjsip = objects
      .flatMap((o) => Object.entries(o.files))
      .filter(([f]) => f.startsWith('pjsip_'));
    for (const s of pjsip.flatMap(([, text]) => parseConfig(text))) {
      if (s.name.startsWith('switchboard-object-')) continue;
      if (s.template && s.template !== '!') continue;
      assert.ok(value(s, 'type'), `section ${s.name} has a type`);
    }
  });

  it('uses the DTLS certificate when one is mounted, without auto-generation', () => {
    const withCert = renderAsteriskConfig({
      namespace: 'ns',
      config: spec(),
      agents,
      dtlsCertPath: '/etc/asterisk/dtls',
    });
    const template = parseConfig(all(withCert, 'ConfigMap')).find(
      (s) => s.name === 'switchboard-webrtc-endpoint',
    );
    assert.equal(value(template, 'dtls_cert_file'), '/etc/asterisk/dtls/tls.crt');
    assert.equal(value(template, 'dtls_private_key'), '/etc/asterisk/dtls/tls.key');
    assert.equal(value(template, 'dtls_auto_generate_cert'), 'no');
  });

  it('dials each extension for a bounded time, queues the hotline and refuses the rest', () => {
    const dialplan = all(objects, 'ConfigMap');
    assert.match(
      dialplan,
      /exten => 1000,1,Gosub\(switchboard-dial-agent,s,1\(agent_0_1700000000\)\)/,
    );
    assert.match(dialplan, /exten => s,1,Dial\(PJSIP\/\$\{ARG1\},30\)/);
    assert.match(dialplan, /exten => 117,1,Answer\(\)\n same => n,Queue\(support,,,,600\)/);
    assert.match(dialplan, /exten => _\[0-9\*#\+\]\.,1,Hangup\(1\)/);
  });

  it('puts every agent into the queues it serves', () => {
    const queues = parseConfig(all(objects, 'ConfigMap')).filter(
      (s) => s.name === 'support' || s.name === 'billing',
    );
    assert.deepEqual(
      queues.map((q) => [q.name, q.lines.filter(([k]) => k === 'member').map(([, v]) => v)]),
      [
        ['billing', ['PJSIP/agent_1_1700000000']],
        ['support', ['PJSIP/agent_0_1700000000', 'PJSIP/agent_1_1700000000']],
      ],
    );
  });

  it('is deterministic, and a hash changes exactly when content does', () => {
    const again = renderAsteriskConfig({
      namespace: 'ns',
      config: spec(),
      agents: [...agents].reverse(),
    });
    assert.deepEqual(again, objects);
    const changed = renderAsteriskConfig({
      namespace: 'ns',
      config: spec(),
      agents: [agents[0] as RenderAgent, { ...(agents[1] as RenderAgent), maxContacts: 4 }],
    });
    const differing = changed.filter((o, i) => o.hash !== objects[i]?.hash).map((o) => o.name);
    assert.deepEqual(
      differing,
      [`asterisk-generated-${String(shardOf('agent_1_1700000000')).padStart(2, '0')}`],
      'one shard rewritten',
    );
  });

  it("carries each object's hash in a PJSIP section without type, which Asterisk ignores", () => {
    for (const o of objects) {
      const marker = Object.values(o.files)
        .flatMap((f) => parseConfig(f))
        .find((s) => s.name === markerCategory(o.name));
      assert.equal(value(marker, 'content-hash'), o.hash, o.name);
      assert.equal(value(marker, 'type'), undefined);
    }
  });

  it('keeps every object far below 1 MiB at 10,000 agents', () => {
    const many = Array.from({ length: 10_000 }, (_, i) =>
      agent(i, {
        displayName: `Agent Number ${i} With A Longer Name`,
        sipUsername: `agent_number_${i}_with_a_longer_name_1700000000`,
      }),
    );
    const t0 = performance.now();
    const big = renderAsteriskConfig({
      namespace: 'ns',
      config: spec({ extensions: { start: 1000, end: 99999 } }),
      agents: many,
    });
    const ms = performance.now() - t0;
    const sizes = big.map((o) => {
      const raw = Object.entries(o.files).reduce(
        (n, [k, v]) => n + k.length + Buffer.byteLength(v),
        0,
      );
      return { name: o.name, bytes: o.kind === 'Secret' ? Math.ceil(raw / 3) * 4 : raw };
    });
    const largest = sizes.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    assert.ok(largest.bytes < 900 * 1024, `${largest.name} is ${largest.bytes} bytes`);
    console.log(
      `render 10,000 agents: ${ms.toFixed(0)} ms, largest object ${largest.name} ${(largest.bytes / 1024).toFixed(0)} KiB`,
    );
  });
});
