// SipTrunks: a carrier's PJSIP objects and its inbound numbers. Pure.
//
// PJSIP (main ConfigMap, after the templates): one UDP transport shared by
// every trunk, rendered only while the namespace has a trunk (a namespace
// without one binds no SIP port and renders byte for byte as before), and a
// TCP one only while a trunk uses tcp (that trunk's endpoint and
// registration name it, so its calls and REGISTERs go over TCP), a TLS one
// only while a trunk uses tls (verify_server: the carrier's certificate must
// chain to the CA bundle TRUNK_CA_FILE and name the host we connect to;
// pjsip checks both or neither, RFC 5922); per
// trunk an endpoint whose context is the trunk's own, an AOR with the
// carrier's address as contact, an identify matching the carrier's source
// addresses (calls from it carry no credentials of ours), and, when it
// registers, a registration. The auth section with the password goes into
// the Secret shard of the trunk's id, next to the agents' ones: the password
// is never in a ConfigMap. Ids are "switchboard-trunk-<name>": an agent's
// username has no "-", so they never meet.
//
// Dialplan (main ConfigMap): the context "switchboard-trunk-<name>" holds
// only the trunk's routes: a queue number queues the caller as the hotline
// does, an agent route jumps to the agent's extension, a hotline route to
// the hotline number. Nothing includes the agents' context, so a carrier
// reaches no extension it was not given; every other number hangs up with
// cause 1 (unallocated: 404), and no route leads back into the trunk's context.
import type { WebRTCConfigSpec } from '../../crds/types.ts';
import type { AcceptedAgent } from './agents.ts';
import { isQueueName } from './agents.ts';
import { AGENT_CONTEXT, CAUSE, queueExtension } from './dialplan.ts';
import { MOUNT_PATH } from './layout.ts';
import { RTP_TIMEOUT_HOLD_SECONDS, RTP_TIMEOUT_SECONDS, transport } from './pjsip.ts';
import { recallStep } from './recall.ts';
import { type QueueRoute, queueTarget } from './routes.ts';
import { type Line, section } from './syntax.ts';
import type { RenderQueue, RenderTrunk } from './types.ts';

export const TRANSPORT_UDP = 'switchboard-udp';
export const TRANSPORT_TCP = 'switchboard-tcp';
export const TRANSPORT_TLS = 'switchboard-tls';
/**
 * The CA bundle of every tls trunk (a transport has one CA list), a key of
 * the Secret shard of TRANSPORT_TLS: it carries no marker of its own, so the
 * shard's auth file names its sha256, and the marker that proves the auth file
 * arrived proves the bundle arrived with it (one Secret is one projection
 * source). Asterisk drops a TLS transport whose ca_list_file is missing.
 */
export const TRUNK_CA_FILE = 'trunk-ca.pem';
/** The port of the TLS transport when a WebRTCConfig predates transports.tls. */
export const DEFAULT_SIP_TLS_PORT = 5061;
export const TRUNK_PREFIX = 'switchboard-trunk-';
/** Counts a trunk's calls (GROUP_COUNT) when it has maxCalls; not a trunk name (no "switchboard-trunk-" prefix). */
export const TRUNK_LIMIT_SUBROUTINE = 'switchboard-limit-trunk';
const TRUNK_GROUP_CATEGORY = 'switchboard-trunks';
/** The UDP port when a WebRTCConfig predates transports.udp. */
export const DEFAULT_SIP_PORT = 5060;

/** Endpoint, AOR, auth, identify, registration id and dialplan context of a trunk. */
export const trunkId = (name: string) => `${TRUNK_PREFIX}${name}`;

const NAME = /^[a-z0-9]([-a-z0-9]{0,59}[a-z0-9])?$/;
const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
const IPV4 = `${OCTET}(\\.${OCTET}){3}`;
const HOST = new RegExp(
  `^(${IPV4}|([a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?\\.)*[a-zA-Z]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)$`,
);
const MATCH = new RegExp(`^${IPV4}(:[0-9]{1,5})?(/[0-9]{1,2})?$`);
const NUMBER = /^\+?[0-9]{2,15}$/;
const USER = /^[A-Za-z0-9_.+-]{1,64}$/;
/** Printable ASCII without space, ";" (comment) and "\" (escape), as for agents. */
const PASSWORD = /^[\x21-\x3a\x3c-\x5b\x5d-\x7e]{1,128}$/;
const CODECS = new Set(['opus', 'g722', 'ulaw', 'alaw']);
/** Certificates only (siptrunk/ca.ts re-encodes them so): nothing else reaches the CA file. */
const PEM_BUNDLE =
  /^(-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/=]{1,76}\n)+-----END CERTIFICATE-----\n)+$/;

/**
 * Why a username or password from a trunk's Secret cannot be written into
 * configuration text (never quoting the value); undefined when it can.
 */
export function trunkCredentialsProblem(c: {
  username: string;
  password: string;
}): string | undefined {
  if (!USER.test(c.username))
    return 'the username must be 1-64 letters, digits, "_", ".", "+" or "-"';
  if (!PASSWORD.test(c.password))
    return 'the password must be 1-128 printable ASCII characters without space, ";" or "\\"';
  return undefined;
}

/** The CRD enforces all of it; config text must never carry syntax, so failing loudly beats guessing. */
export function assertTrunksRenderable(trunks: readonly RenderTrunk[]): void {
  const bad: string[] = [];
  const seen = new Set<string>();
  for (const t of trunks) {
    const where = `trunk "${t.name}"`;
    if (!NAME.test(t.name) || seen.has(t.name)) bad.push(`${where} is not a valid, unique name`);
    seen.add(t.name);
    if (!HOST.test(t.host)) bad.push(`${where}: bad host`);
    if (!Number.isInteger(t.port) || t.port < 1 || t.port > 65535) bad.push(`${where}: bad port`);
    if (t.transport !== undefined && !['udp', 'tcp', 'tls'].includes(t.transport))
      bad.push(`${where}: bad transport`);
    if (t.transport === 'tls' && (t.tlsCa === undefined || !PEM_BUNDLE.test(t.tlsCa)))
      bad.push(`${where}: tls needs a CA bundle of PEM certificates`);
    const qualify = t.qualifySeconds;
    if (qualify !== undefined && (!Number.isInteger(qualify) || qualify < 0))
      bad.push(`${where}: bad qualifySeconds`);
    const retry = t.registrationRetrySeconds;
    if (retry !== undefined && (!Number.isInteger(retry) || retry < 1))
      bad.push(`${where}: bad registrationRetrySeconds`);
    for (const m of t.match) if (!MATCH.test(m)) bad.push(`${where}: bad match address`);
    if (t.fromUser !== undefined && !USER.test(t.fromUser)) bad.push(`${where}: bad fromUser`);
    if (t.fromDomain !== undefined && !HOST.test(t.fromDomain))
      bad.push(`${where}: bad fromDomain`);
    if (!t.codecs.some((c) => CODECS.has(c))) bad.push(`${where}: no known codec`);
    if (!Number.isSafeInteger(t.maxCalls) || t.maxCalls < 0) bad.push(`${where}: bad maxCalls`);
    if (t.credentials && trunkCredentialsProblem(t.credentials))
      bad.push(`${where}: unusable credentials`);
    if (t.register && !t.credentials) bad.push(`${where}: registering needs credentials`);
    for (const r of t.routes) {
      if (!NUMBER.test(r.number)) bad.push(`${where}: route number must be digits`);
      if (r.queue !== undefined && !isQueueName(r.queue)) bad.push(`${where}: bad route queue`);
    }
  }
  if (bad.length) throw new Error(`cannot render Asterisk configuration: ${bad.join('; ')}`);
}

/** The trunk's known codecs, once each, in its order. */
export const trunkCodecs = (t: Pick<RenderTrunk, 'codecs'>) =>
  [...new Set(t.codecs)].filter((c) => CODECS.has(c));

export const byTrunkName = (trunks: readonly RenderTrunk[]) =>
  [...trunks].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

const isTcp = (t: Pick<RenderTrunk, 'transport'>) => t.transport === 'tcp';
const isTls = (t: Pick<RenderTrunk, 'transport'>) => t.transport === 'tls';
// The endpoint's and registration's transport option picks TCP or TLS (Asterisk
// then connects so whatever the URI says); a ";transport=tcp" URI parameter
// cannot be written: ";" starts a comment in Asterisk's configuration files.
const transportOf = (t: RenderTrunk) =>
  isTcp(t) ? TRANSPORT_TCP : isTls(t) ? TRANSPORT_TLS : TRANSPORT_UDP;

/** Every tls trunk's CA certificates, once each, in trunk name order; '' without tls trunks. */
export function trunkCaBundle(trunks: readonly RenderTrunk[]): string {
  const certs = byTrunkName(trunks)
    .filter(isTls)
    .flatMap(
      (t) =>
        t.tlsCa?.match(/-----BEGIN CERTIFICATE-----\n[\s\S]*?-----END CERTIFICATE-----\n/g) ?? [],
    );
  return [...new Set(certs)].join('');
}

const uri = (t: RenderTrunk, user?: string) =>
  `sip:${user === undefined ? '' : `${user}@`}${t.host}:${t.port}`;

/** The registration's client and server URIs (the status side reads them too). */
export function registrationUris(t: Pick<RenderTrunk, 'host' | 'port'>, username: string) {
  return { server: `sip:${t.host}:${t.port}`, client: `sip:${username}@${t.host}:${t.port}` };
}

/** Ids of the outbound registrations the trunks render (the apply loop unregisters those that go). */
export function trunkRegistrationIds(trunks: readonly RenderTrunk[]): string[] {
  return byTrunkName(trunks)
    .filter((t) => t.register && t.credentials)
    .map((t) => trunkId(t.name));
}

function trunkSections(t: RenderTrunk): string {
  const id = trunkId(t.name);
  const endpoint: Line[] = [
    ['type', 'endpoint'],
    ['context', id],
    ['transport', transportOf(t)],
    ['disallow', 'all'],
    ['allow', trunkCodecs(t).join(',')],
    ['aors', id],
  ];
  if (t.credentials) endpoint.push(['outbound_auth', id]);
  if (t.fromUser !== undefined) endpoint.push(['from_user', t.fromUser]);
  if (t.fromDomain !== undefined) endpoint.push(['from_domain', t.fromDomain]);
  // Calls out carry the call center's number in P-Asserted-Identity too: carriers
  // that take From as the account (fromUser) read the caller ID there.
  if (t.outbound) endpoint.push(['send_pai', 'yes']);
  endpoint.push(
    // Asterisk stays in the media path: agents' browsers speak DTLS-SRTP, carriers RTP.
    ['direct_media', 'no'],
    // A carrier behind NAT is answered where its packets come from.
    ['rtp_symmetric', 'yes'],
    ['force_rport', 'yes'],
    ['rewrite_contact', 'yes'],
    ['rtp_timeout', RTP_TIMEOUT_SECONDS],
    ['rtp_timeout_hold', RTP_TIMEOUT_HOLD_SECONDS],
  );
  const parts = [
    section(id, endpoint),
    section(id, [
      ['type', 'aor'],
      ['contact', uri(t)],
      // OPTIONS every qualifySeconds: over udp nothing else notices a carrier that stopped.
      ...(t.qualifySeconds ? ([['qualify_frequency', t.qualifySeconds]] as Line[]) : []),
    ]),
    section(id, [
      ['type', 'identify'],
      ['endpoint', id],
      ...(t.match.length ? t.match : [t.host]).map((m): Line => ['match', m]),
    ]),
  ];
  if (t.register && t.credentials) {
    const uris = registrationUris(t, t.credentials.username);
    parts.push(
      section(id, [
        ['type', 'registration'],
        ['transport', transportOf(t)],
        ['outbound_auth', id],
        ['server_uri', uris.server],
        ['client_uri', uris.client],
        ['retry_interval', t.registrationRetrySeconds ?? 60],
        // A refused or failed registration is retried, never given up for good:
        // the carrier may be down, or its account fixed later.
        ['forbidden_retry_interval', 300],
        ['fatal_retry_interval', 300],
        ['max_retries', 1_000_000],
        // Asterisk spreads first registrations over 10 s by default; a call center has few trunks.
        ['max_random_initial_delay', 0],
      ]),
    );
  }
  return parts.join('\n');
}

/**
 * The UDP transport (the TCP one too while a trunk uses tcp, the TLS one while
 * a trunk uses tls) and every trunk's sections; '' without trunks.
 * `dtlsCertPath`: the certificate the TLS transport presents to carriers that
 * connect to us (without one it only connects out); `generatedDir`: where
 * Asterisk has the generated objects (TRUNK_CA_FILE among them).
 */
export function pjsipTrunks(
  transports: WebRTCConfigSpec['transports'],
  trunks: readonly RenderTrunk[],
  paths: { dtlsCertPath?: string; generatedDir?: string } = {},
): string {
  const { dtlsCertPath, generatedDir = MOUNT_PATH } = paths;
  if (!/^\/[A-Za-z0-9._/-]+$/.test(generatedDir))
    throw new Error('cannot render Asterisk configuration: bad directory of the generated files');
  if (trunks.length === 0) return '';
  const port = transports.udp?.port ?? DEFAULT_SIP_PORT;
  const parts = [transport(TRANSPORT_UDP, 'udp', transports, `0.0.0.0:${port}`)];
  if (trunks.some(isTcp)) {
    const tcpPort = transports.tcp?.port ?? DEFAULT_SIP_PORT;
    parts.push(transport(TRANSPORT_TCP, 'tcp', transports, `0.0.0.0:${tcpPort}`));
  }
  if (trunks.some(isTls)) {
    const tlsPort = transports.tls?.port ?? DEFAULT_SIP_TLS_PORT;
    const tls: Line[] = [
      ['ca_list_file', `${generatedDir}/${TRUNK_CA_FILE}`],
      ['verify_server', 'yes'],
      // Unset, pjsip speaks TLS 1.0 only (PJSIP_SSL_DEFAULT_METHOD), which carriers refuse.
      ['method', 'tlsv1_2'],
    ];
    if (dtlsCertPath !== undefined)
      tls.push(
        ['cert_file', `${dtlsCertPath}/tls.crt`],
        ['priv_key_file', `${dtlsCertPath}/tls.key`],
      );
    parts.push(transport(TRANSPORT_TLS, 'tls', transports, `0.0.0.0:${tlsPort}`, tls));
  }
  return [...parts, ...byTrunkName(trunks).map(trunkSections)].join('\n');
}

/** A trunk's auth section (Secret shard only); `caHash`: the CA bundle's sha256 when it is in this shard. */
export function pjsipTrunkAuth(trunks: readonly RenderTrunk[], caHash?: string): string {
  let out = caHash === undefined ? '' : `\n; ${TRUNK_CA_FILE} sha256 ${caHash}\n`;
  for (const t of byTrunkName(trunks)) {
    if (!t.credentials) continue;
    out += `\n${section(trunkId(t.name), [
      ['type', 'auth'],
      ['auth_type', 'userpass'],
      ['username', t.credentials.username],
      ['password', t.credentials.password],
    ])}`;
  }
  return out;
}

/** Queue settings for a route to `queue` (a CallQueue's, or the defaults of the hotline queue). */
/** Every trunk's context (and the call-limit subroutine when a trunk has maxCalls); '' without trunks. */
export function dialplanTrunks(
  spec: Pick<WebRTCConfigSpec, 'hotline'>,
  trunks: readonly RenderTrunk[],
  agents: readonly AcceptedAgent[],
  queues: readonly RenderQueue[],
  routes: readonly QueueRoute[],
): string {
  if (trunks.length === 0) return '';
  const extensions = new Map(agents.map((a) => [a.name, a.extension]));
  const out: string[] = [];
  for (const t of byTrunkName(trunks)) {
    const id = trunkId(t.name);
    const limit =
      t.maxCalls > 0 ? [`Gosub(${TRUNK_LIMIT_SUBROUTINE},s,1(${id},${t.maxCalls}))`] : [];
    const jump = (number: string, target: string | number) =>
      [...limit, `Goto(${AGENT_CONTEXT},${target},1)`].map((step, i) =>
        i === 0 ? `exten => ${number},1,${step}` : ` same => n,${step}`,
      );
    out.push(`[${id}]`);
    const sorted = [...t.routes].sort((a, b) => (a.number < b.number ? -1 : 1));
    for (const r of sorted) {
      if (r.queue !== undefined)
        out.push(...queueExtension(r.number, queueTarget(r.queue, queues), routes, limit));
      else if (r.hotline) out.push(...jump(r.number, spec.hotline.number));
      else if (r.agent !== undefined) {
        // An agent not in Asterisk (yet) has no extension: its number is refused like any other.
        const extension = extensions.get(r.agent);
        if (extension !== undefined) out.push(...jump(r.number, extension));
      }
    }
    // Digits, *, # and + of any length (as the agents' reject context).
    out.push(
      `exten => _[0-9*#+],1,Hangup(${CAUSE.unallocated})`,
      `exten => _[0-9*#+].,1,Hangup(${CAUSE.unallocated})`,
      `exten => i,1,Hangup(${CAUSE.unallocated})`,
      '',
    );
  }
  if (trunks.some((t) => t.maxCalls > 0)) {
    // GROUP() counts the calls carrying the trunk's id; one over the limit is refused (503).
    const v = (name: string) => `$${'{'}${name}}`;
    out.push(
      `[${TRUNK_LIMIT_SUBROUTINE}]`,
      `exten => s,1,Set(GROUP(${TRUNK_GROUP_CATEGORY})=${v('ARG1')})`,
      ` same => n,GotoIf($[${v(`GROUP_COUNT(${v('ARG1')}@${TRUNK_GROUP_CATEGORY})`)} > ${v('ARG2')}]?full)`,
      ' same => n,Return()',
      // a blind-transferred caller who finds the trunk full goes back to the agent
      ` same => n(full),${recallStep(CAUSE.congestion)}`,
      ` same => n,Hangup(${CAUSE.congestion})`,
      '',
    );
  }
  return out.join('\n');
}
