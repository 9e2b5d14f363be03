import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AcceptedAgent, checkAgents } from './agents.ts';
import { SUPERVISOR_VARIABLE } from './dialplan.ts';
import { agent, find, lintPjsip, load, render, spec } from './fixtures.ts';
import { PJSIP_MARKER_CATEGORY } from './marker.ts';
import { optionValue, optionValues } from './parse.ts';
import { ENDPOINT_TEMPLATE, endpointRevision, supervisorCodecs } from './pjsip.ts';

describe('PJSIP', () => {
  const agents = [
    agent(0),
    agent(1, { displayName: 'Zoë "Z" <O\'Neil>; drop', codecs: ['g722', 'opus'], maxContacts: 3 }),
  ];

  it('loads as a whole: known types and options only, no duplicates, markers typeless', () => {
    const pjsip = load(render(agents), 'pjsip.conf');
    const objects = lintPjsip(pjsip, PJSIP_MARKER_CATEGORY);
    const count = (type: string) => objects.filter((c) => optionValue(c, 'type') === type).length;
    assert.deepEqual(
      ['transport', 'endpoint', 'aor', 'auth'].map(count),
      [2, 2, 2, 2],
      'both transports, and an endpoint, aor and auth per agent',
    );
  });

  it('names the revision of what an endpoint says, so an edit changes it', () => {
    const [a] = checkAgents([agent(1)], spec()).accepted as [AcceptedAgent];
    assert.match(endpointRevision(a), /^[0-9a-f]{12}$/);
    assert.equal(endpointRevision(a), endpointRevision({ ...a }));
    assert.notEqual(endpointRevision(a), endpointRevision({ ...a, codecs: ['ulaw'] }));
    assert.notEqual(
      endpointRevision(a),
      endpointRevision({ ...a, maxContacts: a.maxContacts + 1 }),
    );
    assert.notEqual(endpointRevision(a), endpointRevision({ ...a, extension: a.extension + 1 }));
  });

  it('renders a WebRTC endpoint and AOR per agent from templates', () => {
    const pjsip = load(render(agents), 'pjsip.conf');
    const endpoint = find(pjsip, 'agent_1_1700000000', 'endpoint');
    assert.deepEqual(endpoint?.inherits, [ENDPOINT_TEMPLATE]);
    assert.deepEqual(
      endpoint?.lines.map((l) => `${l.key}=${l.value}`),
      [
        'type=endpoint',
        'context=switchboard-agent-calls',
        'transport=switchboard-wss',
        'disallow=all',
        'webrtc=yes',
        'direct_media=no',
        'asymmetric_rtp_codec=yes',
        'rtp_timeout=30',
        'rtp_timeout_hold=300',
        'inband_progress=yes',
        'set_var=TRANSFER_CONTEXT=switchboard-transfer',
        'auth=agent_1_1700000000',
        'aors=agent_1_1700000000',
        `callerid="Zoë 'Z' O'Neil drop" <1001>`,
        'allow=g722,opus',
        `set_var=SWITCHBOARD_REVISION=${endpointRevision(checkAgents(agents, spec()).accepted[1] as AcceptedAgent)}`,
      ],
    );
    const aor = find(pjsip, 'agent_1_1700000000', 'aor');
    assert.equal(optionValue(aor, 'max_contacts'), '3');
    assert.equal(optionValue(aor, 'remove_existing'), 'yes');
    // The per-agent text stays small: everything shared lives in the templates.
    const own = endpoint?.lines.filter((l) => l.file.includes('endpoints')) ?? [];
    assert.equal(own.length, 5);
  });

  it('writes transports per spec, with NAT settings on each', () => {
    const nat = {
      externalSignalingAddress: 'sip.example.org',
      externalMediaAddress: '203.0.113.7',
      localNets: ['10.0.0.0/8', '192.168.0.0/16'],
    };
    const pjsip = load(
      render([], { config: spec({ transports: { ws: true, wss: false, ...nat } }) }),
      'pjsip.conf',
    );
    assert.equal(find(pjsip, 'switchboard-wss'), undefined);
    const ws = find(pjsip, 'switchboard-ws', 'transport');
    assert.equal(optionValue(ws, 'protocol'), 'ws');
    assert.equal(optionValue(ws, 'external_signaling_address'), 'sip.example.org');
    assert.equal(optionValue(ws, 'external_media_address'), '203.0.113.7');
    assert.deepEqual(optionValues(ws, 'local_net'), nat.localNets);
    const template = pjsip.categories.find((c) => c.name === ENDPOINT_TEMPLATE);
    assert.equal(template?.template, true);
    assert.equal(
      optionValue(template, 'transport'),
      'switchboard-ws',
      'pinned to the only transport',
    );

    const plain = load(render([]), 'pjsip.conf');
    assert.equal(optionValue(find(plain, 'switchboard-wss'), 'external_media_address'), undefined);
  });

  it('uses a mounted DTLS certificate instead of auto-generation, never both', () => {
    const auto = load(render(agents), 'pjsip.conf');
    const a = find(auto, 'agent_0_1700000000', 'endpoint');
    for (const k of ['dtls_cert_file', 'dtls_private_key', 'dtls_auto_generate_cert'])
      assert.equal(optionValue(a, k), undefined, `${k}: webrtc=yes auto-generates`);

    const cert = load(render(agents, { dtlsCertPath: '/etc/asterisk/dtls/' }), 'pjsip.conf');
    const e = find(cert, 'agent_0_1700000000', 'endpoint');
    assert.equal(optionValue(e, 'dtls_cert_file'), '/etc/asterisk/dtls/tls.crt');
    assert.equal(optionValue(e, 'dtls_private_key'), '/etc/asterisk/dtls/tls.key');
    // Case E: dtls_auto_generate_cert next to dtls_cert_file fails the endpoint.
    assert.equal(optionValue(e, 'dtls_auto_generate_cert'), undefined);
    assert.throws(() => render(agents, { dtlsCertPath: '/x;y\n' }), /dtlsCertPath/);
  });

  it('puts auth sections, with the password, only into Secrets', () => {
    const objects = render(agents);
    const pjsip = load(objects, 'pjsip.conf');
    for (const a of agents) {
      const auth = find(pjsip, a.sipUsername, 'auth');
      assert.equal(optionValue(auth, 'password'), a.sipPassword);
      assert.equal(optionValue(auth, 'username'), a.sipUsername);
      const owner = objects.find(
        (o) => auth && Object.keys(o.files).some((f) => auth.file.endsWith(f)),
      );
      assert.equal(owner?.kind, 'Secret');
    }
  });

  it('gives only supervisors the supervise permission, as part of their revision', () => {
    const pjsip = load(render([agent(0), agent(1, { supervisor: true })]), 'pjsip.conf');
    const vars = (i: number) =>
      optionValues(find(pjsip, agent(i).sipUsername, 'endpoint'), 'set_var');
    assert.ok(vars(1).includes(`${SUPERVISOR_VARIABLE}=yes`));
    assert.ok(!vars(0).some((x) => x.startsWith(SUPERVISOR_VARIABLE)));
    assert.ok(
      !optionValues(find(pjsip, ENDPOINT_TEMPLATE, 'endpoint'), 'set_var').some((x) =>
        x.startsWith(SUPERVISOR_VARIABLE),
      ),
    );
    const [a] = checkAgents([agent(1)], spec()).accepted as [AcceptedAgent];
    assert.notEqual(endpointRevision(a), endpointRevision({ ...a, supervisor: true }));
    // opus last for supervisors only: Asterisk must decode their voice to whisper
    assert.equal(
      optionValue(find(pjsip, agent(0).sipUsername, 'endpoint'), 'allow'),
      'opus,ulaw,alaw',
    );
    assert.equal(
      optionValue(find(pjsip, agent(1).sipUsername, 'endpoint'), 'allow'),
      'ulaw,alaw,opus',
    );
    assert.deepEqual(supervisorCodecs(['opus', 'g722', 'ulaw']), ['g722', 'ulaw', 'opus']);
  });
});
