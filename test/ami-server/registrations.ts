// A browser registering over WebSocket, and its socket closing, with the
// events Asterisk 22 published for them (transcripts main_20, main_60):
// PeerStatus, ContactStatus, QueueMemberStatus, Queue:<q>_avail and the
// endpoint's DeviceStateChange, in that order. PeerStatus and device state
// change only when the endpoint goes from no contact to one, or back.
import { createHash } from 'node:crypto';
import type { AmiMessage } from './framing.ts';
import { names, objectKey } from './pjsip-loader.ts';
import { isTrue } from './pjsip-options.ts';
import { deviceChangedEvents } from './queues.ts';
import { event } from './responses.ts';
import {
  type AsteriskState,
  type Contact,
  contactsOfAor,
  endpointOf,
  endpointOnline,
  nowSeconds,
} from './state.ts';

export interface RegisterOptions {
  /** The REGISTER's User-Agent header. */
  readonly userAgent?: string;
  readonly callId?: string;
  /** Requested expiry, seconds (SIP.js asks 600, as recorded). */
  readonly expires?: number;
  /** Which of the endpoint's AORs (default: the one named like the endpoint, else the first). */
  readonly aor?: string;
  /** Round trip reported when the AOR qualifies contacts (qualify_frequency > 0). */
  readonly roundtripUsec?: number;
}

/** The Via host and port Asterisk keeps: from `x-ast-orig-host=<host>:<port>` when present. */
function via(uri: string): { addr: string; port: number } {
  const orig = /;x-ast-orig-host=([^;>]+)/.exec(uri)?.[1];
  const hostPort = orig ?? /^sips?:(?:[^@]*@)?([^;>?]+)/.exec(uri)?.[1] ?? '';
  const m = /^(.*?)(?::(\d+))?$/.exec(hostPort);
  return { addr: m?.[1] ?? hostPort, port: Number(m?.[2] ?? 0) };
}

const peerStatus = (endpoint: string, status: 'Reachable' | 'Unreachable') =>
  event('PeerStatus', 'system,all', [
    ['ChannelType', 'PJSIP'],
    ['Peer', `PJSIP/${endpoint}`],
    ['PeerStatus', status],
  ]);

const contactStatus = (c: Contact, status: string) =>
  event('ContactStatus', 'system,all', [
    ['URI', c.uri],
    ['ContactStatus', status],
    ['AOR', c.aor],
    ['EndpointName', c.endpoint],
    ['RoundtripUsec', status === 'Reachable' ? String(c.roundtripUsec) : '0'],
  ]);

const deviceStateChange = (endpoint: string, state: 'NOT_INUSE' | 'UNAVAILABLE') =>
  event('DeviceStateChange', 'call,all', [
    ['Device', `PJSIP/${endpoint}`],
    ['State', state],
  ]);

/** Registers `uri` for `endpoint`; throws where Asterisk would refuse the REGISTER. */
export function register(
  s: AsteriskState,
  endpoint: string,
  uri: string,
  options: RegisterOptions = {},
): AmiMessage[] {
  const ep = endpointOf(s, endpoint);
  if (!ep) throw new Error(`REGISTER refused: no endpoint '${endpoint}' is loaded`);
  const aors = names(ep.options.get('aors'));
  const aorName = options.aor ?? (aors.includes(endpoint) ? endpoint : aors[0]);
  const aor = aorName === undefined ? undefined : s.objects.get(objectKey('aor', aorName));
  if (!aor || aorName === undefined || !aors.includes(aorName))
    throw new Error(`REGISTER refused: endpoint '${endpoint}' has no loaded AOR to register to`);
  const opt = (k: string) => aor.options.get(k);
  const num = (k: string, def: number) => Number(opt(k) ?? def);

  const wasOnline = endpointOnline(s, ep);
  const existing = contactsOfAor(s, aorName);
  const id = `${aorName};@${createHash('md5').update(uri).digest('hex')}`;
  const events: AmiMessage[] = [];
  const refresh = s.contacts.has(id);
  if (!refresh && existing.length >= num('max_contacts', 0)) {
    const oldest = existing[0];
    if (!isTrue(opt('remove_existing')) || !oldest)
      throw new Error(`REGISTER refused: AOR '${aorName}' has max_contacts contacts already`);
    s.contacts.delete(oldest.id);
    events.push(contactStatus(oldest, 'Removed'));
  }
  const expires = Math.min(options.expires ?? 600, num('maximum_expiration', 7200));
  if (expires < num('minimum_expiration', 60))
    throw new Error(`REGISTER refused: 423 Interval Too Brief (${expires} s)`);
  const frequency = num('qualify_frequency', 0);
  const v = via(uri);
  const contact: Contact = {
    id,
    aor: aorName,
    endpoint,
    uri,
    userAgent: options.userAgent ?? '',
    callId: options.callId ?? createHash('md5').update(`call-id ${id}`).digest('hex').slice(0, 16),
    viaAddr: v.addr,
    viaPort: v.port,
    expiresAt: nowSeconds(s) + expires,
    qualifyFrequency: frequency,
    qualifyTimeout: num('qualify_timeout', 3),
    qualify2xxOnly: isTrue(opt('qualify_2xx_only')),
    authenticateQualify: isTrue(opt('authenticate_qualify')),
    outboundProxy: opt('outbound_proxy') ?? '',
    status: frequency > 0 ? 'Reachable' : 'NonQualified',
    roundtripUsec: options.roundtripUsec ?? 1000,
  };
  s.contacts.delete(id); // a refresh moves the contact to the end, with its new expiry
  s.contacts.set(id, contact);
  if (refresh) return events; // a refresh publishes nothing new (GAPS.md)
  if (!wasOnline) events.push(peerStatus(endpoint, 'Reachable'));
  events.push(contactStatus(contact, contact.status));
  if (!wasOnline) {
    events.push(...deviceChangedEvents(s, `PJSIP/${endpoint}`));
    events.push(deviceStateChange(endpoint, 'NOT_INUSE'));
  }
  return events;
}

/** Removes the endpoint's contacts (one, given its URI), as when the browser's socket closes. */
export function unregister(s: AsteriskState, endpoint: string, uri?: string): AmiMessage[] {
  const gone = [...s.contacts.values()].filter(
    (c) => c.endpoint === endpoint && (uri === undefined || c.uri === uri),
  );
  if (gone.length === 0) return [];
  for (const c of gone) s.contacts.delete(c.id);
  const ep = endpointOf(s, endpoint);
  const nowOffline = !ep || !endpointOnline(s, ep);
  const events: AmiMessage[] = [];
  if (nowOffline) events.push(peerStatus(endpoint, 'Unreachable'));
  for (const c of gone) events.push(contactStatus(c, 'Removed'));
  if (nowOffline) {
    events.push(...deviceChangedEvents(s, `PJSIP/${endpoint}`));
    events.push(deviceStateChange(endpoint, 'UNAVAILABLE'));
  }
  return events;
}

/**
 * The contact URI Asterisk stores for a browser's REGISTER over WebSocket:
 * the Contact's host and port become the socket's source address and the
 * original ones move to `x-ast-orig-host` (port 0 when none), as recorded
 * (ws_sip_webrtc1.log's Contact vs. main_20's URI).
 */
export function websocketContactUri(
  uaContact: string,
  source: { readonly host: string; readonly port: number },
): string {
  const m = /^<?(sips?):(?:([^@>]*)@)?([^;>?:]+)(?::(\d+))?([^>]*)>?$/.exec(uaContact.trim());
  if (!m) throw new Error(`not a SIP URI: ${uaContact}`);
  const [, scheme, user, host, port, params] = m;
  const userPart = user === undefined ? '' : `${user}@`;
  return `${scheme}:${userPart}${source.host}:${source.port}${params ?? ''};x-ast-orig-host=${host}:${port ?? 0}`;
}
