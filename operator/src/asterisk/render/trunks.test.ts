// SipTrunks in the rendered configuration: the UDP transport, a carrier's
// PJSIP objects, its password only in a Secret, and its inbound numbers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { drainGate } from '../drain.ts';
import { AGENT_CONTEXT } from './dialplan.ts';
import {
  agent,
  callQueue,
  find,
  lintPjsip,
  load,
  priorities,
  render,
  shuffled,
  spec,
  trunk,
} from './fixtures.ts';
import { MOUNT_PATH } from './layout.ts';
import { hashMarker, PJSIP_MARKER_CATEGORY, sha256 } from './marker.ts';
import { optionValue, optionValues } from './parse.ts';
import { recallStep } from './recall.ts';
import { shardOf } from './shards.ts';
import {
  TRANSPORT_TCP,
  TRANSPORT_TLS,
  TRANSPORT_UDP,
  TRUNK_CA_FILE,
  TRUNK_LIMIT_SUBROUTINE,
  trunkId,
  trunkRegistrationIds,
} from './trunks.ts';

const carrier = trunk('carrier');
/** Two PEM-shaped certificates (rendering checks the shape; siptrunk/ca.ts parses them). */
const pem = (body: string) => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
const CA_A = pem('QUFBQQ==');
const CA_B = pem('QkJCQg==');
const lines = (c: { lines: { key: string; value: string }[] } | undefined) =>
  c?.lines.map((l) => `${l.key}=${l.value}`);

describe('SipTrunks', () => {
  it('renders nothing new without trunks: same objects, same bytes, no UDP transport', () => {
    const before = render([agent(1)]);
    const after = render([agent(1)], { trunks: [] });
    assert.deepEqual(
      after.map((o) => o.hash),
      before.map((o) => o.hash),
    );
    assert.equal(find(load(after, 'pjsip.conf'), TRANSPORT_UDP), undefined);
  });

  it('loads as a whole: known types and options only, one UDP transport for every trunk', () => {
    const objects = render([agent(1)], { trunks: [carrier, trunk('backup', { register: false })] });
    const pjsip = load(objects, 'pjsip.conf');
    const loaded = lintPjsip(pjsip, PJSIP_MARKER_CATEGORY);
    const count = (type: string) => loaded.filter((c) => optionValue(c, 'type') === type).length;
    assert.deepEqual(
      ['transport', 'endpoint', 'aor', 'auth', 'identify', 'registration'].map(count),
      [3, 3, 3, 3, 2, 1],
      'ws, wss and udp; the agent and two trunks; one trunk registers',
    );
    assert.equal(objects.length, 65, 'no object added: the mount stays as it is');
  });

  it('binds the UDP transport on the WebRTCConfig port, with its NAT settings', () => {
    const config = spec({
      transports: {
        udp: { port: 5070 },
        externalSignalingAddress: 'pbx.example.org',
        externalMediaAddress: '203.0.113.5',
        localNets: ['10.0.0.0/8'],
      },
    });
    const pjsip = load(render([], { config, trunks: [carrier] }), 'pjsip.conf');
    assert.deepEqual(lines(find(pjsip, TRANSPORT_UDP, 'transport')), [
      'type=transport',
      'protocol=udp',
      'bind=0.0.0.0:5070',
      'external_signaling_address=pbx.example.org',
      'external_media_address=203.0.113.5',
      'local_net=10.0.0.0/8',
    ]);
    // a config from before transports.udp existed: the SIP port
    const old = spec();
    delete (old.transports as { udp?: unknown }).udp;
    const legacy = load(render([], { config: old, trunks: [carrier] }), 'pjsip.conf');
    assert.equal(optionValue(find(legacy, TRANSPORT_UDP, 'transport'), 'bind'), '0.0.0.0:5060');
  });

  it('renders the endpoint (own context), AOR, identify and registration of a trunk', () => {
    const t = trunk('carrier', {
      match: ['192.0.2.0/24', '198.51.100.7:5060'],
      fromUser: '23222000000',
      fromDomain: 'carrier.example',
    });
    const pjsip = load(render([], { trunks: [t] }), 'pjsip.conf');
    const id = trunkId('carrier');
    assert.deepEqual(lines(find(pjsip, id, 'endpoint')), [
      'type=endpoint',
      `context=${id}`,
      `transport=${TRANSPORT_UDP}`,
      'disallow=all',
      'allow=alaw,ulaw',
      `aors=${id}`,
      `outbound_auth=${id}`,
      'from_user=23222000000',
      'from_domain=carrier.example',
      'direct_media=no',
      'rtp_symmetric=yes',
      'force_rport=yes',
      'rewrite_contact=yes',
      'rtp_timeout=30',
      'rtp_timeout_hold=300',
    ]);
    assert.equal(optionValue(find(pjsip, id, 'aor'), 'contact'), 'sip:sip.carrier.example:5060');
    assert.deepEqual(optionValues(find(pjsip, id, 'identify'), 'match'), [
      '192.0.2.0/24',
      '198.51.100.7:5060',
    ]);
    const registration = find(pjsip, id, 'registration');
    assert.equal(optionValue(registration, 'server_uri'), 'sip:sip.carrier.example:5060');
    assert.equal(optionValue(registration, 'client_uri'), 'sip:acct-1001@sip.carrier.example:5060');
    assert.equal(optionValue(registration, 'outbound_auth'), id);
    assert.equal(optionValue(registration, 'transport'), TRANSPORT_UDP);
    // without match the carrier's host identifies it; without register no registration
    const plain = load(
      render([], { trunks: [trunk('carrier', { register: false, credentials: undefined })] }),
      'pjsip.conf',
    );
    assert.deepEqual(optionValues(find(plain, id, 'identify'), 'match'), ['sip.carrier.example']);
    assert.equal(find(plain, id, 'registration'), undefined);
    assert.equal(optionValue(find(plain, id, 'endpoint'), 'outbound_auth'), undefined);
    assert.equal(find(plain, id, 'auth'), undefined);
  });

  it('binds a TCP transport only while a trunk uses tcp; that trunk speaks TCP throughout', () => {
    const config = spec({ transports: { udp: { port: 5070 }, tcp: { port: 5071 } } });
    const udpOnly = load(render([], { config, trunks: [carrier] }), 'pjsip.conf');
    assert.equal(find(udpOnly, TRANSPORT_TCP, 'transport'), undefined);
    const tcp = trunk('tcp', { transport: 'tcp', port: 5080, registrationRetrySeconds: 5 });
    const both = render([], { config, trunks: [carrier, tcp] });
    const pjsip = load(both, 'pjsip.conf');
    lintPjsip(pjsip, PJSIP_MARKER_CATEGORY);
    assert.deepEqual(lines(find(pjsip, TRANSPORT_TCP, 'transport')), [
      'type=transport',
      'protocol=tcp',
      'bind=0.0.0.0:5071',
    ]);
    const id = trunkId('tcp');
    assert.equal(optionValue(find(pjsip, id, 'endpoint'), 'transport'), TRANSPORT_TCP);
    // the transport option chooses TCP; no ";transport=tcp" (";" starts a comment in Asterisk's files)
    assert.equal(optionValue(find(pjsip, id, 'aor'), 'contact'), 'sip:sip.carrier.example:5080');
    assert.ok(!both.some((o) => Object.values(o.files).some((f) => f.includes(';transport'))));
    const registration = find(pjsip, id, 'registration');
    assert.deepEqual(
      ['transport', 'server_uri', 'client_uri', 'retry_interval'].map((k) =>
        optionValue(registration, k),
      ),
      [
        TRANSPORT_TCP,
        'sip:sip.carrier.example:5080',
        'sip:acct-1001@sip.carrier.example:5080',
        '5',
      ],
    );
    // the UDP trunk is unchanged: UDP transport, default retry
    const udp = trunkId('carrier');
    assert.equal(optionValue(find(pjsip, udp, 'endpoint'), 'transport'), TRANSPORT_UDP);
    assert.equal(optionValue(find(pjsip, udp, 'registration'), 'retry_interval'), '60');
    // a WebRTCConfig from before transports.tcp existed: the SIP port
    const legacy = load(render([], { trunks: [tcp] }), 'pjsip.conf');
    assert.equal(optionValue(find(legacy, TRANSPORT_TCP, 'transport'), 'bind'), '0.0.0.0:5060');
  });

  it('refuses to render a transport or retry interval the CRD would not let through', () => {
    assert.throws(
      () => render([], { trunks: [trunk('t', { transport: 'sctp' as never })] }),
      /trunk "t": bad transport/,
    );
    assert.throws(
      () => render([], { trunks: [trunk('t', { transport: 'tls' })] }),
      /trunk "t": tls needs a CA bundle of PEM certificates/,
    );
    assert.throws(
      () =>
        render([], {
          trunks: [trunk('t', { transport: 'tls', tlsCa: `${CA_A}#include /etc/passwd\n` })],
        }),
      /tls needs a CA bundle/,
      'nothing but certificates reaches the CA file',
    );
    assert.throws(
      () => render([], { trunks: [trunk('t', { registrationRetrySeconds: 0 })] }),
      /trunk "t": bad registrationRetrySeconds/,
    );
  });

  it('writes the password into a Secret shard only, never into a ConfigMap', () => {
    const objects = render([agent(1)], { trunks: [carrier] });
    const password = carrier.credentials?.password ?? '';
    const holders = objects.filter((o) => Object.values(o.files).some((f) => f.includes(password)));
    assert.equal(holders.length, 1);
    assert.equal(holders[0]?.kind, 'Secret');
    const auth = find(load(objects, 'pjsip.conf'), trunkId('carrier'), 'auth');
    assert.deepEqual(lines(auth), [
      'type=auth',
      'auth_type=userpass',
      'username=acct-1001',
      `password=${password}`,
    ]);
    // a rotated password rewrites that Secret alone
    const rotated = render([agent(1)], {
      trunks: [{ ...carrier, credentials: { username: 'acct-1001', password: 'another-one-42' } }],
    });
    const changed = rotated.filter((o, i) => o.hash !== objects[i]?.hash);
    assert.deepEqual(
      changed.map((o) => o.kind),
      ['Secret'],
    );
  });

  it('routes each number of the trunk in a context of its own; every other number is unallocated', () => {
    const billing = callQueue('billing', {
      spec: { maxWaitSeconds: 90, overflow: { hangupCause: 17 } },
      numbers: [],
    });
    const t = trunk('carrier', {
      routes: [
        { number: '117', queue: 'support' },
        { number: '+23222000118', queue: 'billing' },
        { number: '+23222000001', agent: 'agent-1' },
        { number: '+23222000002', agent: 'not-rendered' },
        { number: '555', hotline: true },
      ],
    });
    const dialplan = load(
      render([agent(1)], { queues: [billing], trunks: [t] }),
      'extensions.conf',
    );
    const id = trunkId('carrier');
    assert.deepEqual(priorities(dialplan, id, '117'), [
      drainGate(),
      'Answer()',
      'Set(__SWITCHBOARD_QUEUE_RECORDING=)',
      'Queue(support,b(switchboard-call-header^s^1),,,600,,switchboard-record)',
      'Hangup(16)',
    ]);
    assert.deepEqual(priorities(dialplan, id, '+23222000118'), [
      drainGate(),
      'Answer()',
      'Set(__SWITCHBOARD_QUEUE_RECORDING=)',
      'Queue(billing,b(switchboard-call-header^s^1),,,90,,switchboard-record)',
      'Hangup(17)',
    ]);
    assert.deepEqual(priorities(dialplan, id, '+23222000001'), [`Goto(${AGENT_CONTEXT},1001,1)`]);
    assert.deepEqual(priorities(dialplan, id, '555'), [`Goto(${AGENT_CONTEXT},117,1)`]);
    // an agent not in Asterisk has no extension: its number meets the refusal
    assert.deepEqual(priorities(dialplan, id, '+23222000002'), []);
    const context = dialplan.categories.filter((c) => c.name === id).flatMap((c) => c.lines);
    assert.ok(!context.some((l) => l.key === 'include'), 'a carrier reaches no other extension');
    assert.deepEqual(
      context.filter((l) => l.value.includes('Hangup(1)')).map((l) => l.value),
      ['_[0-9*#+],1,Hangup(1)', '_[0-9*#+].,1,Hangup(1)', 'i,1,Hangup(1)'],
    );
    // the agents' context is as before
    assert.deepEqual(priorities(dialplan, AGENT_CONTEXT, '117').length, 5);
  });

  it('limits the calls of a trunk with maxCalls through a counting subroutine', () => {
    const dialplan = load(
      render([agent(1)], { trunks: [trunk('carrier', { maxCalls: 4 }), trunk('other')] }),
      'extensions.conf',
    );
    const limit = `Gosub(${TRUNK_LIMIT_SUBROUTINE},s,1(${trunkId('carrier')},4))`;
    assert.deepEqual(priorities(dialplan, trunkId('carrier'), '117'), [
      limit,
      drainGate(),
      'Answer()',
      'Set(__SWITCHBOARD_QUEUE_RECORDING=)',
      'Queue(support,b(switchboard-call-header^s^1),,,600,,switchboard-record)',
      'Hangup(16)',
    ]);
    assert.deepEqual(priorities(dialplan, trunkId('carrier'), '+23222000001'), [
      limit,
      `Goto(${AGENT_CONTEXT},1001,1)`,
    ]);
    assert.equal(priorities(dialplan, trunkId('other'), '117')[0], drainGate());
    assert.deepEqual(priorities(dialplan, TRUNK_LIMIT_SUBROUTINE, 's'), [
      'Set(GROUP(switchboard-trunks)=${ARG1})',
      'GotoIf($[${GROUP_COUNT(${ARG1}@switchboard-trunks)} > ${ARG2}]?full)',
      'Return()',
      // a blind-transferred caller goes back to the agent (recall.ts); any other caller hears 503
      recallStep(34),
      'Hangup(34)',
    ]);
    const without = load(render([agent(1)], { trunks: [trunk('other')] }), 'extensions.conf');
    assert.equal(find(without, TRUNK_LIMIT_SUBROUTINE), undefined);
  });

  it('renders the same bytes in any order of trunks and routes', () => {
    const trunks = ['c', 'a', 'b'].map((n) => trunk(n, { maxCalls: n === 'a' ? 2 : 0 }));
    const a = render([agent(1)], { trunks });
    const b = render([agent(1)], {
      trunks: shuffled(trunks).map((t) => ({ ...t, routes: [...t.routes].reverse() })),
    });
    assert.deepEqual(
      b.map((o) => o.hash),
      a.map((o) => o.hash),
    );
  });

  it('lists the registrations it renders (the apply loop unregisters those that go)', () => {
    assert.deepEqual(
      trunkRegistrationIds([trunk('b'), trunk('a', { register: false }), trunk('c')]),
      [trunkId('b'), trunkId('c')],
    );
  });

  it('refuses to write config syntax that slipped past the schema', () => {
    const bad = [
      trunk('x', { host: 'localhost; rm -rf' }),
      trunk('x', { match: ['10.0.0.1\n[evil]'] }),
      trunk('x', { fromUser: 'a b' }),
      trunk('x', { routes: [{ number: '117\nexten => 1', hotline: true }] }),
      trunk('x', { credentials: { username: 'acct', password: 'semi;colon' } }),
      trunk('x', { credentials: { username: 'a]b', password: 'fine-password' } }),
      trunk('X'),
      trunk('x', { register: true, credentials: undefined }),
    ];
    for (const t of bad)
      assert.throws(() => render([], { trunks: [t] }), /cannot render/, JSON.stringify(t));
    assert.throws(() => render([], { trunks: [trunk('x'), trunk('x')] }), /unique/);
  });

  it('over tls: a TLS transport that verifies the carrier against the CA bundle in a Secret shard', () => {
    const tls = trunk('secure', { transport: 'tls', tlsCa: CA_A, port: 5061 });
    const other = trunk('other', { transport: 'tls', tlsCa: CA_A + CA_B, register: false });
    const objects = render([agent(1)], {
      trunks: [tls, other, carrier],
      config: spec({ transports: { ws: true, wss: true, tls: { port: 5071 } } }),
      dtlsCertPath: '/etc/asterisk/dtls',
    });
    const pjsip = load(objects, 'pjsip.conf');
    lintPjsip(pjsip, PJSIP_MARKER_CATEGORY);
    const transport = find(pjsip, TRANSPORT_TLS, 'transport');
    assert.deepEqual(lines(transport)?.slice(0, 3), [
      'type=transport',
      'protocol=tls',
      'bind=0.0.0.0:5071',
    ]);
    assert.equal(optionValue(transport, 'ca_list_file'), `${MOUNT_PATH}/${TRUNK_CA_FILE}`);
    assert.equal(optionValue(transport, 'verify_server'), 'yes');
    assert.equal(optionValue(transport, 'method'), 'tlsv1_2', 'never pjsip’s default, TLS 1.0');
    assert.equal(optionValue(transport, 'cert_file'), '/etc/asterisk/dtls/tls.crt');
    assert.equal(optionValue(transport, 'priv_key_file'), '/etc/asterisk/dtls/tls.key');
    assert.equal(
      optionValue(find(pjsip, trunkId('secure'), 'endpoint'), 'transport'),
      TRANSPORT_TLS,
    );
    assert.equal(
      optionValue(find(pjsip, trunkId('secure'), 'registration'), 'transport'),
      TRANSPORT_TLS,
    );
    assert.equal(
      optionValue(find(pjsip, trunkId('carrier'), 'endpoint'), 'transport'),
      TRANSPORT_UDP,
    );

    // The bundle: each CA once, in trunk name order, only in one Secret, with no marker.
    const holders = objects.filter((o) => TRUNK_CA_FILE in o.files);
    assert.equal(holders.length, 1);
    const secret = holders[0];
    assert.equal(secret?.kind, 'Secret');
    assert.ok(secret?.name.endsWith(`-${String(shardOf(TRANSPORT_TLS)).padStart(2, '0')}`));
    assert.equal(secret?.files[TRUNK_CA_FILE], CA_A + CA_B);
    // Its hash is in the auth file beside it, so the auth file's marker proves it arrived.
    const auth = Object.entries(secret?.files ?? {}).find(([f]) => f.endsWith('.conf'));
    assert.ok(auth?.[1].includes(`; ${TRUNK_CA_FILE} sha256 ${sha256(CA_A + CA_B)}`));
    assert.ok(auth && hashMarker(auth[0], auth[1]), 'the auth file keeps its marker');

    // Another CA changes the auth file's marker (the apply loop waits for it).
    const again = render([agent(1)], {
      trunks: [trunk('secure', { transport: 'tls', tlsCa: CA_B })],
    });
    const authAgain = again.find((o) => o.name === secret?.name)?.files[auth?.[0] ?? ''];
    assert.notEqual(authAgain?.split('\n')[1], auth?.[1].split('\n')[1]);
    // Without a certificate of our own the transport only connects out.
    const clientOnly = find(load(again, 'pjsip.conf'), TRANSPORT_TLS, 'transport');
    assert.equal(optionValue(clientOnly, 'cert_file'), undefined);
    assert.equal(optionValue(clientOnly, 'bind'), '0.0.0.0:5061', 'the default port');
    // No tls trunk: no TLS transport and no CA file.
    const none = render([agent(1)], { trunks: [carrier] });
    assert.equal(find(load(none, 'pjsip.conf'), TRANSPORT_TLS), undefined);
    assert.ok(none.every((o) => !(TRUNK_CA_FILE in o.files)));
  });

  it('qualifies the carrier every qualifySeconds (none with 0)', () => {
    const objects = render([], {
      trunks: [trunk('a', { qualifySeconds: 10 }), trunk('b', { qualifySeconds: 0 })],
    });
    const pjsip = load(objects, 'pjsip.conf');
    assert.equal(optionValue(find(pjsip, trunkId('a'), 'aor'), 'qualify_frequency'), '10');
    assert.equal(optionValue(find(pjsip, trunkId('b'), 'aor'), 'qualify_frequency'), undefined);
  });
});
