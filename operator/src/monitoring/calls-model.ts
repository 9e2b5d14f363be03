// The calls in progress on one Asterisk, for the wallboard's calls list:
// channels grouped by Linkedid (one call: the caller's channel and every
// channel it led to), read with CoreShowChannels at connect, then kept by
// Newchannel, Newstate, BridgeEnter/Leave, Hangup and QueueCallerJoin.
// Bounded: at most MAX_CHANNELS channels are followed (a new one beyond is
// left out until the next read), so a flood cannot grow the operator's
// memory. Pure: the caller passes the clock.
import type { RawMessage } from 'asterisk-manager';

/** Channels followed at most (a call center of 1,000 agents has far fewer). */
export const MAX_CHANNELS = 20_000;

export type CallState = 'ringing' | 'queued' | 'talking' | 'up';

export interface LiveCall {
  /** The Linkedid (the first channel's Uniqueid). */
  readonly id: string;
  readonly callerNumber: string;
  readonly callerName: string;
  /** The queue the call went through, if any. */
  readonly queue: string;
  /** PJSIP endpoint of the agent talking (or ringing) on it, if any. */
  readonly agentEndpoint: string;
  readonly state: CallState;
  /** Epoch ms the call began (its oldest channel). */
  readonly startedAt: number;
}

interface Channel {
  readonly uniqueid: string;
  readonly linkedid: string;
  readonly name: string;
  readonly startedAt: number;
  state: string;
  callerNumber: string;
  callerName: string;
  bridge: string;
  queue: string;
}

const str = (m: RawMessage, key: string): string => {
  const v = m[key];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
};
const known = (v: string) => (v === '<unknown>' || v === 'unknown' ? '' : v);

/** "01:02:03" (CoreShowChannel's Duration) in seconds. */
function seconds(hms: string): number {
  const parts = hms.split(':').map(Number);
  if (parts.some(Number.isNaN)) return 0;
  return parts.reduce((s, p) => s * 60 + p, 0);
}

/** The PJSIP endpoint of a channel name ("PJSIP/ann-0000001a" → "ann"), else "". */
export function endpointOf(channel: string): string {
  const m = /^PJSIP\/(.+)-[0-9a-f]{8}$/.exec(channel);
  return m?.[1] ?? '';
}

function channelOf(m: RawMessage, startedAt: number): Channel {
  const application = str(m, 'application');
  return {
    uniqueid: str(m, 'uniqueid'),
    linkedid: str(m, 'linkedid') || str(m, 'uniqueid'),
    name: str(m, 'channel'),
    startedAt,
    state: str(m, 'channelstatedesc'),
    callerNumber: known(str(m, 'calleridnum')),
    callerName: known(str(m, 'calleridname')),
    bridge: str(m, 'bridgeid'),
    queue: application === 'Queue' ? (str(m, 'applicationdata').split(',')[0] ?? '') : '',
  };
}

export class CallsModel {
  #channels = new Map<string, Channel>();
  /** Linkedid → uniqueids of its channels. */
  #calls = new Map<string, Set<string>>();
  /** Bridge → uniqueids of the channels in it. */
  #bridges = new Map<string, Set<string>>();
  /** Channels left out because the bound was reached (since the last read). */
  #dropped = 0;

  get dropped(): number {
    return this.#dropped;
  }

  /** Replaces everything with a CoreShowChannels answer (CoreShowChannel items). */
  reset(items: readonly RawMessage[], now: number): void {
    this.#channels = new Map();
    this.#calls = new Map();
    this.#bridges = new Map();
    this.#dropped = 0;
    for (const m of items) this.#add(channelOf(m, now - seconds(str(m, 'duration')) * 1000));
  }

  /** Applies one AMI event; answers the calls (Linkedids) it touched. */
  apply(event: string, m: RawMessage, now: number): string[] {
    const uniqueid = str(m, 'uniqueid');
    if (event === 'Newchannel') {
      const c = channelOf(m, now);
      return this.#add(c) ? [c.linkedid] : [];
    }
    const c = this.#channels.get(uniqueid);
    if (!c) return [];
    switch (event) {
      case 'Newstate':
        c.state = str(m, 'channelstatedesc');
        c.callerNumber = known(str(m, 'calleridnum')) || c.callerNumber;
        c.callerName = known(str(m, 'calleridname')) || c.callerName;
        break;
      case 'BridgeEnter':
      case 'BridgeLeave': {
        const bridge = c.bridge || str(m, 'bridgeuniqueid');
        this.#setBridge(c, event === 'BridgeEnter' ? str(m, 'bridgeuniqueid') : '');
        // Everyone else in that bridge changes too (talking now, or alone again).
        return this.#touched(c, bridge);
      }
      case 'QueueCallerJoin':
        c.queue = str(m, 'queue');
        break;
      case 'Hangup': {
        const bridge = c.bridge;
        this.#setBridge(c, '');
        this.#channels.delete(uniqueid);
        const ids = this.#calls.get(c.linkedid);
        ids?.delete(uniqueid);
        if (ids?.size === 0) this.#calls.delete(c.linkedid);
        return this.#touched(c, bridge);
      }
      default:
        return [];
    }
    return [c.linkedid];
  }

  #setBridge(c: Channel, bridge: string): void {
    if (c.bridge) {
      const members = this.#bridges.get(c.bridge);
      members?.delete(c.uniqueid);
      if (members?.size === 0) this.#bridges.delete(c.bridge);
    }
    c.bridge = bridge;
    if (!bridge) return;
    let members = this.#bridges.get(bridge);
    if (!members) {
      members = new Set();
      this.#bridges.set(bridge, members);
    }
    members.add(c.uniqueid);
  }

  /** The call of `c` and the calls of everyone in `bridge`. */
  #touched(c: Channel, bridge: string): string[] {
    const touched = new Set([c.linkedid]);
    for (const u of this.#bridges.get(bridge) ?? []) {
      const o = this.#channels.get(u);
      if (o) touched.add(o.linkedid);
    }
    return [...touched];
  }

  #add(c: Channel): boolean {
    if (!c.uniqueid) return false;
    if (!this.#channels.has(c.uniqueid) && this.#channels.size >= MAX_CHANNELS) {
      this.#dropped++;
      return false;
    }
    const bridge = c.bridge;
    c.bridge = '';
    this.#channels.set(c.uniqueid, c);
    this.#setBridge(c, bridge);
    let ids = this.#calls.get(c.linkedid);
    if (!ids) {
      ids = new Set();
      this.#calls.set(c.linkedid, ids);
    }
    ids.add(c.uniqueid);
    return true;
  }

  /** One call as it stands, or undefined when it has ended. */
  call(id: string): LiveCall | undefined {
    const ids = this.#calls.get(id);
    if (!ids) return undefined;
    const channels = [...ids].flatMap((u) => this.#channels.get(u) ?? []);
    channels.sort((a, b) => a.startedAt - b.startedAt);
    const origin = this.#channels.get(id) ?? channels[0];
    if (!origin) return undefined;
    const withCaller = origin.callerNumber ? origin : channels.find((c) => c.callerNumber);
    const queue = channels.find((c) => c.queue)?.queue ?? '';
    const bridged = channels.filter((c) => c.bridge && this.#peers(c) > 0);
    // The agent: an endpoint's channel of this call other than the caller's own.
    const agentChannel =
      bridged.find((c) => c !== origin && endpointOf(c.name)) ??
      channels.find((c) => c !== origin && endpointOf(c.name) && /^Ring/.test(c.state));
    const state: CallState =
      bridged.length > 0
        ? 'talking'
        : queue
          ? 'queued'
          : channels.some((c) => /^Ring/.test(c.state))
            ? 'ringing'
            : 'up';
    return {
      id,
      callerNumber: withCaller?.callerNumber ?? '',
      callerName: withCaller?.callerName ?? origin.callerName,
      queue,
      agentEndpoint: agentChannel ? endpointOf(agentChannel.name) : '',
      state,
      startedAt: channels[0]?.startedAt ?? origin.startedAt,
    };
  }

  /** How many other channels share `c`'s bridge. */
  #peers(c: Channel): number {
    return (this.#bridges.get(c.bridge)?.size ?? 1) - 1;
  }

  /** Every call in progress, oldest first. */
  calls(): LiveCall[] {
    return [...this.#calls.keys()]
      .flatMap((id) => this.call(id) ?? [])
      .sort((a, b) => a.startedAt - b.startedAt || (a.id < b.id ? -1 : 1));
  }

  get size(): number {
    return this.#calls.size;
  }
}
