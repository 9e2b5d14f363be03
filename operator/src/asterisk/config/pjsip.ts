// PJSIP: transports and templates (main file), endpoints and AORs (ConfigMap
// shards), auth sections with the passwords (Secret shards only).
import type { WebRTCConfigSpec } from '../../crds/types.ts';
import { callerId, type Line, section } from './syntax.ts';
import type { RenderAgent } from './types.ts';

export const ENDPOINT_TEMPLATE = 'switchboard-webrtc-endpoint';
export const AOR_TEMPLATE = 'switchboard-webrtc-aor';
export const AGENT_CONTEXT = 'switchboard-internal';
export const TRANSPORT_WS = 'switchboard-ws';
export const TRANSPORT_WSS = 'switchboard-wss';

/** Seconds without RTP before Asterisk hangs up: a call whose browser vanished ends. */
export const RTP_TIMEOUT = 30;
/** The same while on hold (no media flows then). */
export const RTP_TIMEOUT_HOLD = 600;

function transport(name: string, protocol: 'ws' | 'wss', spec: WebRTCConfigSpec): string {
  const lines: Line[] = [
    ['type', 'transport'],
    ['protocol', protocol],
    // WebSocket transports bind no port of their own: browsers reach them through http.conf's /ws.
    ['bind', '0.0.0.0'],
  ];
  const t = spec.transports;
  if (t.externalSignalingAddress)
    lines.push(['external_signaling_address', t.externalSignalingAddress]);
  if (t.externalMediaAddress) lines.push(['external_media_address', t.externalMediaAddress]);
  for (const net of t.localNets ?? []) lines.push(['local_net', net]);
  return section(name, lines);
}

export function pjsipMain(
  spec: WebRTCConfigSpec,
  dtlsCertPath: string | undefined,
  includes: readonly string[],
): string {
  const parts: string[] = [];
  if (spec.transports.ws) parts.push(transport(TRANSPORT_WS, 'ws', spec));
  if (spec.transports.wss) parts.push(transport(TRANSPORT_WSS, 'wss', spec));

  const endpoint: Line[] = [
    ['type', 'endpoint'],
    ['context', AGENT_CONTEXT],
    ['disallow', 'all'],
    // webrtc=yes turns on DTLS, ICE, AVPF, rtcp-mux and bundle (Asterisk 22).
    ['webrtc', 'yes'],
    ['rtp_timeout', RTP_TIMEOUT],
    ['rtp_timeout_hold', RTP_TIMEOUT_HOLD],
    ['direct_media', 'no'],
    ['allow_subscribe', 'no'],
  ];
  // With one transport, pin it; with both, Asterisk answers on whichever the browser used.
  if (spec.transports.ws !== spec.transports.wss)
    endpoint.push(['transport', spec.transports.ws ? TRANSPORT_WS : TRANSPORT_WSS]);
  if (dtlsCertPath) {
    // Giving a certificate file together with dtls_auto_generate_cert is an error (config-behaviour E).
    endpoint.push(
      ['dtls_auto_generate_cert', 'no'],
      ['dtls_cert_file', `${dtlsCertPath}/tls.crt`],
      ['dtls_private_key', `${dtlsCertPath}/tls.key`],
    );
  }
  parts.push(section(ENDPOINT_TEMPLATE, endpoint, '!'));
  parts.push(
    section(
      AOR_TEMPLATE,
      [
        ['type', 'aor'],
        ['remove_existing', 'yes'],
        // Probe registered browsers so a vanished one is noticed within a minute.
        ['qualify_frequency', 30],
      ],
      '!',
    ),
  );
  return `${parts.join('\n')}\n${includes.map((f) => `#include ${f}`).join('\n')}\n`;
}

export function pjsipEndpoints(agents: readonly RenderAgent[]): string {
  return agents
    .map(
      (a) =>
        section(
          a.sipUsername,
          [
            ['auth', a.sipUsername],
            ['aors', a.sipUsername],
            ['callerid', callerId(a.displayName, a.extension)],
            ['allow', a.codecs.join(',')],
          ],
          ENDPOINT_TEMPLATE,
        ) + section(a.sipUsername, [['max_contacts', a.maxContacts]], AOR_TEMPLATE),
    )
    .join('\n');
}

/** Auth sections: the only place passwords are written. */
export function pjsipAuth(agents: readonly RenderAgent[]): string {
  return agents
    .map((a) =>
      section(a.sipUsername, [
        ['type', 'auth'],
        ['auth_type', 'userpass'],
        ['username', a.sipUsername],
        ['password', a.sipPassword],
      ]),
    )
    .join('\n');
}
