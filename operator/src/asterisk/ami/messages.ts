// Typed AMI messages as Asterisk 22 sends them (recordings in test/ami-server/recorded/).
import type { RawMessage } from 'asterisk-manager';

export interface AmiResponse {
  readonly response: 'Success' | 'Error' | 'Goodbye' | string;
  readonly actionid: string;
  readonly message?: string;
  readonly fields: RawMessage;
}

export interface ReloadEvent {
  readonly event: 'Reload';
  readonly module: string;
  /** 0 ok, 1 queued, 2 not found, 3 error, 4 in progress, 5 not initialized, 6 not implemented. */
  readonly status: number;
}

export interface ContactStatusEvent {
  readonly event: 'ContactStatus';
  readonly uri: string;
  readonly contactStatus:
    | 'Created'
    | 'Reachable'
    | 'Unreachable'
    | 'NonQualified'
    | 'Removed'
    | 'Updated'
    | string;
  readonly aor: string;
  readonly endpointName: string;
}

export interface PeerStatusEvent {
  readonly event: 'PeerStatus';
  readonly peer: string;
  readonly peerStatus: 'Reachable' | 'Unreachable' | string;
}

export interface FullyBootedEvent {
  readonly event: 'FullyBooted';
  readonly uptime: number;
}

export interface EndpointListItem {
  readonly objectName: string;
  readonly aor: string;
  readonly contacts: string;
  readonly deviceState: string;
}

export interface ContactListItem {
  readonly endpoint: string;
  readonly uri: string;
  readonly status: string;
}

export type AmiEvent =
  | ReloadEvent
  | ContactStatusEvent
  | PeerStatusEvent
  | FullyBootedEvent
  | { readonly event: string; readonly fields: RawMessage };

const str = (m: RawMessage, key: string): string => {
  const v = m[key];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
};

/** Gives a raw event its type, from the field names Asterisk 22 uses. */
export function typedEvent(m: RawMessage): AmiEvent {
  const event = str(m, 'event');
  switch (event) {
    case 'Reload':
      return { event, module: str(m, 'module'), status: Number(str(m, 'status')) };
    case 'ContactStatus':
      return {
        event,
        uri: str(m, 'uri'),
        contactStatus: str(m, 'contactstatus'),
        aor: str(m, 'aor'),
        endpointName: str(m, 'endpointname'),
      };
    case 'PeerStatus':
      return { event, peer: str(m, 'peer'), peerStatus: str(m, 'peerstatus') };
    case 'FullyBooted':
      return { event, uptime: Number(str(m, 'uptime')) };
    default:
      return { event, fields: m };
  }
}

export function endpointListItem(m: RawMessage): EndpointListItem {
  return {
    objectName: str(m, 'objectname'),
    aor: str(m, 'aor'),
    contacts: str(m, 'contacts'),
    deviceState: str(m, 'devicestate'),
  };
}

/** `SetVar:` of an EndpointDetail (PJSIPShowEndpoint): the endpoint's set_var lines. */
export function endpointDetailSetVar(m: RawMessage): string {
  const v = m.setvar;
  return Array.isArray(v) ? v.join(',') : (v ?? '');
}

export function contactListItem(m: RawMessage): ContactListItem {
  return { endpoint: str(m, 'endpoint'), uri: str(m, 'uri'), status: str(m, 'status') };
}

/** GetConfig's answer as categories of key=value lines, in order. */
export function configCategories(m: RawMessage): { name: string; lines: [string, string][] }[] {
  const categories = new Map<string, { name: string; lines: [string, string][] }>();
  const keys = Object.keys(m).sort();
  for (const key of keys) {
    const cat = /^category-(\d+)$/.exec(key);
    if (cat) categories.set(cat[1] ?? '', { name: str(m, key), lines: [] });
  }
  for (const key of keys) {
    const line = /^line-(\d+)-\d+$/.exec(key);
    if (!line) continue;
    const text = str(m, key);
    const i = text.indexOf('=');
    categories.get(line[1] ?? '')?.lines.push([text.slice(0, i), text.slice(i + 1)]);
  }
  return [...categories.values()];
}
