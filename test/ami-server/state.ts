// The simulated Asterisk's state, shared by the action handlers: loaded PJSIP
// objects, registered contacts, queues, clock and bookkeeping. Device states
// are derived from it as Asterisk derives them (an endpoint is available while
// one of its AORs has a contact).
import type { ConfigSource } from './config-reader.ts';
import { names, objectKey, type PjsipObject, type PjsipObjects } from './pjsip-loader.ts';

export interface Contact {
  /** `<aor>;@<md5 of uri>`, as Asterisk names contacts (transcript main_21). */
  readonly id: string;
  readonly aor: string;
  readonly endpoint: string;
  readonly uri: string;
  readonly userAgent: string;
  readonly callId: string;
  readonly viaAddr: string;
  readonly viaPort: number;
  /** Epoch seconds. */
  readonly expiresAt: number;
  readonly qualifyFrequency: number;
  /** The AOR's qualify_timeout, seconds. */
  readonly qualifyTimeout: number;
  readonly qualify2xxOnly: boolean;
  readonly authenticateQualify: boolean;
  readonly outboundProxy: string;
  readonly status: 'NonQualified' | 'Reachable';
  readonly roundtripUsec: number;
}

export interface QueueMember {
  readonly interface: string;
  readonly name: string;
  readonly stateInterface: string;
  readonly membership: 'static' | 'dynamic';
  readonly penalty: number;
  readonly loginTime: number;
  readonly lastPause: number;
  readonly paused: boolean;
  readonly pausedReason: string;
  readonly ringinuse: boolean;
  readonly wrapuptime: number;
}

export interface Queue {
  readonly name: string;
  readonly strategy: string;
  readonly max: number;
  readonly weight: number;
  readonly serviceLevel: number;
  readonly ringinuse: boolean;
  members: QueueMember[];
  /** The `Queue:<name>_avail` device state last published: true = NOT_INUSE. */
  available: boolean;
}

export interface AsteriskState {
  readonly src: ConfigSource;
  /** Epoch milliseconds. */
  readonly now: () => number;
  bootedAt: number;
  lastReloadAt: number;
  objects: PjsipObjects;
  readonly contacts: Map<string, Contact>;
  queues: Map<string, Queue>;
  /** astdb: "/family/key" → value; a file on disk in Asterisk, so it outlives restarts. */
  readonly db: Map<string, string>;
  /** cdr.conf's `[general] enable` at boot (CoreSettings' CoreCDRenabled). */
  cdrEnabled: boolean;
  /** Whether modules.conf loads res_manager_devicestate.so (DeviceStateChange events). */
  deviceStateEvents: boolean;
  /** Asterisk-style log lines, for tests and debugging. */
  readonly log: string[];
  /** Modules reloaded successfully, in order. */
  readonly reloads: string[];
}

export const nowSeconds = (s: AsteriskState) => Math.floor(s.now() / 1000);

/** ast_device_state values. */
export const DEVICE = {
  UNKNOWN: 0,
  NOT_INUSE: 1,
  INUSE: 2,
  BUSY: 3,
  INVALID: 4,
  UNAVAILABLE: 5,
} as const;

/** ast_devstate_str, as PJSIPShowEndpoint(s) print `DeviceState:`. */
export const DEVICE_STATE_TEXT = [
  'Unknown',
  'Not in use',
  'In use',
  'Busy',
  'Invalid',
  'Unavailable',
  'Ringing',
  'Ring+Inuse',
  'On Hold',
];

export function endpointOf(s: AsteriskState, id: string): PjsipObject | undefined {
  return s.objects.get(objectKey('endpoint', id));
}

export function contactsOfAor(s: AsteriskState, aor: string): Contact[] {
  return [...s.contacts.values()].filter((c) => c.aor === aor);
}

export function endpointOnline(s: AsteriskState, endpoint: PjsipObject): boolean {
  const aors = names(endpoint.options.get('aors'));
  return [...s.contacts.values()].some((c) => aors.includes(c.aor));
}

/**
 * A device's state: PJSIP/<endpoint> is NOT_INUSE with a contact, UNAVAILABLE
 * without, INVALID when no such endpoint is loaded; a Local/ channel counts as
 * NOT_INUSE (recorded for Local/600@internal); anything else is INVALID.
 */
export function deviceState(s: AsteriskState, device: string): number {
  const pjsip = /^PJSIP\/(.+)$/i.exec(device);
  if (pjsip) {
    const ep = endpointOf(s, pjsip[1] ?? '');
    if (!ep) return DEVICE.INVALID;
    return endpointOnline(s, ep) ? DEVICE.NOT_INUSE : DEVICE.UNAVAILABLE;
  }
  if (/^Local\//i.test(device)) return DEVICE.NOT_INUSE;
  return DEVICE.INVALID;
}
