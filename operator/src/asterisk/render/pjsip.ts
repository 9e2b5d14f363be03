// PJSIP: transports and templates in the main ConfigMap, one endpoint + AOR
// per agent in the ConfigMap shards (inheriting the templates, so each agent
// costs a few lines), auth sections with the passwords in the Secret shards
// only. Endpoint, AOR and auth share the agent's SIP username as id: sorcery
// keeps one namespace per type (the recorded configs use [wt] for both).
import { createHash } from 'node:crypto';
import type { Codec, WebRTCConfigSpec } from '../../crds/types.ts';
import type { AcceptedAgent } from './agents.ts';
import { AGENT_CALLS_CONTEXT } from './call-event.ts';
import { SUPERVISOR_VARIABLE, TRANSFER_CONTEXT, TRANSFER_OUT_CONTEXT } from './dialplan.ts';
import { AGENT_RECORDING_VARIABLE } from './recording.ts';
import { callerId, type Line, section } from './syntax.ts';

export const TRANSPORT_WS = 'switchboard-ws';
export const TRANSPORT_WSS = 'switchboard-wss';
export const ENDPOINT_TEMPLATE = 'switchboard-endpoint';
export const AOR_TEMPLATE = 'switchboard-aor';

/** Seconds without RTP before Asterisk hangs up: a call whose browser vanished ends (sip-testing-notes). */
export const RTP_TIMEOUT_SECONDS = 30;
/** The same while the browser holds the call (it may send no media then). */
export const RTP_TIMEOUT_HOLD_SECONDS = 300;

/** dtls paths end up verbatim in a config value. */
const PATH = /^\/[A-Za-z0-9._/-]*$/;
/** Host names, IPv4 addresses and CIDRs (the CRD's patterns); anything else is not written. */
const ADDRESS = /^[A-Za-z0-9.:/-]{1,253}$/;

/** A transport with the WebRTCConfig's NAT settings (trunks.ts renders the UDP and TCP ones). */
export function transport(
  name: string,
  protocol: 'ws' | 'wss' | 'udp' | 'tcp' | 'tls',
  t: WebRTCConfigSpec['transports'],
  bind = '0.0.0.0',
  extra: readonly Line[] = [],
): string {
  const lines: Line[] = [
    ['type', 'transport'],
    ['protocol', protocol],
    // A ws/wss transport binds no port of its own: browsers reach Asterisk through
    // http.conf's /ws (8088, or 8089 with TLS). bind is required but unused.
    ['bind', bind],
  ];
  const add = (key: string, value: string | undefined) => {
    if (value !== undefined && ADDRESS.test(value)) lines.push([key, value]);
  };
  add('external_signaling_address', t.externalSignalingAddress);
  add('external_media_address', t.externalMediaAddress);
  for (const net of t.localNets ?? []) add('local_net', net);
  return section(name, [...lines, ...extra]);
}

/**
 * The channel variable that lets an agent's calls out to the phone network
 * (outbound.ts checks it): "yes" on the endpoint template when every agent
 * may, else on the endpoints of those who may. A SIP request cannot set a
 * channel variable, so a browser cannot grant it to itself.
 */
export const DIALOUT_VARIABLE = 'SWITCHBOARD_DIALOUT';
const DIALOUT_LINE: Line = ['set_var', `${DIALOUT_VARIABLE}=yes`];
/** With the permission, a blind transfer may send the caller to an outside number too (dialplan.ts). */
const TRANSFER_OUT_LINE: Line = ['set_var', `TRANSFER_CONTEXT=${TRANSFER_OUT_CONTEXT}`];

/**
 * Transports and templates: the main pjsip file's body before the #include
 * lines. `everyoneDialsOut`: the template carries the dial-out permission.
 */
export function pjsipMain(
  spec: WebRTCConfigSpec,
  dtlsCertPath: string | undefined,
  everyoneDialsOut = false,
): string {
  const t = spec.transports;
  const parts: string[] = [];
  if (t.ws) parts.push(transport(TRANSPORT_WS, 'ws', t));
  if (t.wss) parts.push(transport(TRANSPORT_WSS, 'wss', t));

  const endpoint: Line[] = [
    ['type', 'endpoint'],
    // every call an agent places: its linkedid is named by Call-ID, then AGENT_CONTEXT (call-event.ts)
    ['context', AGENT_CALLS_CONTEXT],
    // Pinned so external_media_address/local_net apply to the SDP (res_pjsip takes
    // them from the endpoint's transport). A WebSocket transport cannot open
    // connections, so Asterisk still answers over whichever socket the browser
    // registered on; both transports carry the same NAT settings.
    ['transport', t.wss ? TRANSPORT_WSS : TRANSPORT_WS],
    // Template lines come before the agent's own, so disallow precedes its allow.
    ['disallow', 'all'],
    // webrtc=yes turns on DTLS, ICE, AVPF, rtcp-mux and bundle (NOTES.md).
    ['webrtc', 'yes'],
    // Keep Asterisk in the media path: DTLS-SRTP ends at Asterisk on each leg.
    ['direct_media', 'no'],
    // Every negotiated codec stays usable for sending, not only the first (opus):
    // Asterisk has no opus encoder, so music on hold, queue music and prompts
    // reach a browser as µ-law. Without it the channel's formats shrink to opus
    // and each of them fails ("no translation path (slin) -> (opus)"): silence.
    ['asymmetric_rtp_codec', 'yes'],
    ['rtp_timeout', RTP_TIMEOUT_SECONDS],
    ['rtp_timeout_hold', RTP_TIMEOUT_HOLD_SECONDS],
    // A browser makes no ring-back of its own: while the called phone rings,
    // Asterisk answers the caller 183 with media and plays the ring tone into
    // it (indications.conf), instead of a bare 180 the caller would not hear.
    ['inband_progress', 'yes'],
    // an agent's blind transfer reaches queues and agents only (dialplan.ts)
    ['set_var', `TRANSFER_CONTEXT=${TRANSFER_CONTEXT}`],
  ];
  if (dtlsCertPath !== undefined) {
    const dir = dtlsCertPath.replace(/\/+$/, '');
    if (!PATH.test(dir))
      throw new Error('dtlsCertPath must be an absolute path of safe characters');
    // Without these, webrtc=yes auto-generates a certificate. With them, no
    // dtls_auto_generate_cert line at all: both together fail the endpoint
    // (config-behaviour case E); the certificate alone loads (case E2).
    endpoint.push(['dtls_cert_file', `${dir}/tls.crt`], ['dtls_private_key', `${dir}/tls.key`]);
  }
  if (everyoneDialsOut) endpoint.push(DIALOUT_LINE, TRANSFER_OUT_LINE);
  parts.push(section(ENDPOINT_TEMPLATE, endpoint, '!'));
  parts.push(
    section(
      AOR_TEMPLATE,
      [
        ['type', 'aor'],
        // A registration beyond max_contacts replaces the oldest one (a reloaded tab).
        ['remove_existing', 'yes'],
      ],
      '!',
    ),
  );
  return parts.join('\n');
}

/**
 * The channel variable that carries an endpoint's revision. Asterisk keeps the
 * previous version of an endpoint whose new configuration it rejects
 * ("Retaining existing configuration") and still lists it, so presence proves
 * nothing about an edit; PJSIPShowEndpoint shows `SetVar:`, which tells which
 * revision Asterisk actually loaded. Harmless on calls (a variable nobody reads).
 */
export const REVISION_VARIABLE = 'SWITCHBOARD_REVISION';

/**
 * A supervisor's codecs with opus last: Asterisk decodes G.711 and G.722 but
 * has no opus decoder, and whisper and barge must decode the supervisor's
 * voice to mix it in (ChanSpy). Asterisk answers in the endpoint's order, so
 * the supervisor's browser then sends G.711; with opus only, whisper and
 * barge stay silent (listening still works).
 */
export function supervisorCodecs(codecs: readonly Codec[]): Codec[] {
  return [...codecs.filter((c) => c !== 'opus'), ...codecs.filter((c) => c === 'opus')];
}

function endpointLines(a: AcceptedAgent): Line[] {
  const id = a.sipUsername;
  const lines: Line[] = [
    ['auth', id],
    ['aors', id],
    ['callerid', callerId(a.label, a.extension)],
    // Recorded and whispered-to calls must be decodable: Asterisk has no opus decoder.
    ['allow', (a.supervisor || a.recorded ? supervisorCodecs(a.codecs) : a.codecs).join(',')],
  ];
  // Part of the revision: the agent is Provisioned only once Asterisk has its permission.
  if (a.dialOut) lines.push(DIALOUT_LINE, TRANSFER_OUT_LINE);
  // Likewise: the dialplan lets only these endpoints spy (dialplan.ts SUPERVISE_CODES).
  if (a.supervisor) lines.push(['set_var', `${SUPERVISOR_VARIABLE}=yes`]);
  // The agent's recording override (recording.ts); no line: the queue decides.
  if (a.recording !== undefined)
    lines.push(['set_var', `${AGENT_RECORDING_VARIABLE}=${a.recording ? 'yes' : 'no'}`]);
  return lines;
}

/** What the agent's endpoint and AOR say, as a short hash (pure; see REVISION_VARIABLE). */
export function endpointRevision(a: AcceptedAgent): string {
  return createHash('sha256')
    .update(JSON.stringify([endpointLines(a), a.maxContacts]))
    .digest('hex')
    .slice(0, 12);
}

/** One shard's endpoints and AORs (ConfigMap). No secret here. */
export function pjsipEndpoints(agents: readonly AcceptedAgent[]): string {
  let out = '';
  for (const a of agents) {
    const id = a.sipUsername;
    out += `\n${section(
      id,
      [...endpointLines(a), ['set_var', `${REVISION_VARIABLE}=${endpointRevision(a)}`]],
      ENDPOINT_TEMPLATE,
    )}${section(id, [['max_contacts', a.maxContacts]], AOR_TEMPLATE)}`;
  }
  return out;
}

/**
 * One shard's auth sections: the only text that holds passwords (Secret).
 * Ordered by id, not extension: a new extension must not rewrite the Secret.
 */
export function pjsipAuth(agents: readonly AcceptedAgent[]): string {
  let out = '';
  const byId = [...agents].sort((a, b) => (a.sipUsername < b.sipUsername ? -1 : 1));
  for (const a of byId) {
    out += `\n${section(a.sipUsername, [
      ['type', 'auth'],
      ['auth_type', 'userpass'],
      ['username', a.sipUsername],
      ['password', a.sipPassword],
    ])}`;
  }
  return out;
}
