// app_queue as far as the transcripts show it (main_18..32, main_20/60):
// queues and static members from queues.conf, dynamic members from QueueAdd,
// pausing, and the events each change publishes, with the recorded fields.
// A member's Status is its device's state (5 unavailable, 1 not in use).
import type { ConfigCategory } from './config-reader.ts';
import type { AmiField, AmiMessage } from './framing.ts';
import { isTrue } from './pjsip-options.ts';
import { event } from './responses.ts';
import {
  type AsteriskState,
  DEVICE,
  deviceState,
  nowSeconds,
  type Queue,
  type QueueMember,
} from './state.ts';

const STRATEGIES = [
  'ringall',
  'leastrecent',
  'fewestcalls',
  'random',
  'rrmemory',
  'rrordered',
  'linear',
  'wrandom',
];

const int = (v: string | undefined, def = 0) => (v && /^\d+$/.test(v.trim()) ? Number(v) : def);
const flag = (b: boolean) => (b ? '1' : '0');

/** `member => interface[,penalty[,membername[,state_interface[,ringinuse[,wrapuptime]]]]]`. */
function staticMember(value: string, q: Queue, loginTime: number): QueueMember {
  const [iface = '', penalty, name, state, ringinuse, wrapuptime] = value
    .split(',')
    .map((p) => p.trim());
  return {
    interface: iface,
    name: name || iface,
    stateInterface: state || iface,
    membership: 'static',
    penalty: int(penalty),
    loginTime,
    lastPause: 0,
    paused: false,
    pausedReason: '',
    ringinuse: ringinuse ? isTrue(ringinuse) : q.ringinuse,
    wrapuptime: int(wrapuptime),
  };
}

/** Queues from queues.conf; dynamic members and static members' login times carry over a reload. */
export function loadQueues(
  s: AsteriskState,
  categories: readonly ConfigCategory[],
  previous: ReadonlyMap<string, Queue>,
): Map<string, Queue> {
  const queues = new Map<string, Queue>();
  for (const c of categories) {
    if (c.template || c.name === 'general') continue;
    const get = (k: string) => c.lines.findLast((l) => l.key === k)?.value;
    const strategy = get('strategy') ?? 'ringall';
    const old = previous.get(c.name);
    const q: Queue = {
      name: c.name,
      strategy: STRATEGIES.includes(strategy) ? strategy : 'ringall',
      max: int(get('maxlen')),
      weight: int(get('weight')),
      serviceLevel: int(get('servicelevel')),
      ringinuse: get('ringinuse') === undefined ? true : isTrue(get('ringinuse')),
      members: [],
      available: false,
    };
    for (const l of c.lines) {
      if (l.key !== 'member') continue;
      const iface = l.value.split(',')[0]?.trim() ?? '';
      const was = old?.members.find((m) => m.membership === 'static' && m.interface === iface);
      q.members.push(staticMember(l.value, q, was?.loginTime ?? nowSeconds(s)));
    }
    for (const m of old?.members ?? []) if (m.membership === 'dynamic') q.members.push(m);
    q.available = isAvailable(s, q);
    queues.set(q.name, q);
  }
  return queues;
}

export const memberStatus = (s: AsteriskState, m: QueueMember) => deviceState(s, m.stateInterface);

/** Whether a queue has a member that could take a call (its `_avail` device state). */
function isAvailable(s: AsteriskState, q: Queue): boolean {
  return q.members.some((m) => {
    const st = memberStatus(s, m);
    return !m.paused && (st === DEVICE.NOT_INUSE || st === DEVICE.UNKNOWN);
  });
}

/** Fields of QueueMemberStatus/Added/Pause/Removed. */
export function memberEventFields(s: AsteriskState, q: Queue, m: QueueMember): AmiField[] {
  return [
    ['Queue', q.name],
    ['MemberName', m.name],
    ['Interface', m.interface],
    ['StateInterface', m.stateInterface],
    ['Membership', m.membership],
    ['Penalty', String(m.penalty)],
    ['CallsTaken', '0'],
    ['LastCall', '0'],
    ['LastPause', String(m.lastPause)],
    ['LoginTime', String(m.loginTime)],
    ['InCall', '0'],
    ['Status', String(memberStatus(s, m))],
    ['Paused', flag(m.paused)],
    ['PausedReason', m.pausedReason],
    ['Ringinuse', flag(m.ringinuse)],
    ['Wrapuptime', String(m.wrapuptime)],
  ];
}

/** Fields of QueueStatus's QueueMember events (the ActionID follows them). */
export function memberStatusFields(s: AsteriskState, q: Queue, m: QueueMember): AmiField[] {
  return [
    ['Queue', q.name],
    ['Name', m.name],
    ['Location', m.interface],
    ['StateInterface', m.stateInterface],
    ['Membership', m.membership],
    ['Penalty', String(m.penalty)],
    ['CallsTaken', '0'],
    ['LastCall', '0'],
    ['LastPause', String(m.lastPause)],
    ['LoginTime', String(m.loginTime)],
    ['InCall', '0'],
    ['Status', String(memberStatus(s, m))],
    ['Paused', flag(m.paused)],
    ['PausedReason', m.pausedReason],
    ['Wrapuptime', String(m.wrapuptime)],
  ];
}

export function queueParamsFields(q: Queue): AmiField[] {
  return [
    ['Queue', q.name],
    ['Max', String(q.max)],
    ['Strategy', q.strategy],
    ['Calls', '0'],
    ['Holdtime', '0'],
    ['TalkTime', '0'],
    ['Completed', '0'],
    ['Abandoned', '0'],
    ['ServiceLevel', String(q.serviceLevel)],
    ['ServicelevelPerf', '0.0'],
    ['ServicelevelPerf2', '0.0'],
    ['Weight', String(q.weight)],
  ];
}

export function queueSummaryFields(s: AsteriskState, q: Queue): AmiField[] {
  let loggedIn = 0;
  let available = 0;
  for (const m of q.members) {
    const st = memberStatus(s, m);
    if (st === DEVICE.UNAVAILABLE || st === DEVICE.INVALID) continue;
    loggedIn++;
    if (!m.paused && (st === DEVICE.NOT_INUSE || st === DEVICE.UNKNOWN)) available++;
  }
  return [
    ['Queue', q.name],
    ['LoggedIn', String(loggedIn)],
    ['Available', String(available)],
    ['Callers', '0'],
    ['HoldTime', '0'],
    ['TalkTime', '0'],
    ['LongestHoldTime', '0'],
  ];
}

const deviceStateChange = (device: string, state: 'NOT_INUSE' | 'INUSE') =>
  event('DeviceStateChange', 'call,all', [
    ['Device', device],
    ['State', state],
  ]);

/** `Queue:<name>_avail` when it changes (published on change only: GAPS.md). */
export function availabilityEvents(s: AsteriskState, q: Queue): AmiMessage[] {
  const now = isAvailable(s, q);
  if (now === q.available) return [];
  q.available = now;
  return [deviceStateChange(`Queue:${q.name}_avail`, now ? 'NOT_INUSE' : 'INUSE')];
}

/** What app_queue publishes when a device's state changed (transcripts main_20, main_60). */
export function deviceChangedEvents(s: AsteriskState, device: string): AmiMessage[] {
  const out: AmiMessage[] = [];
  for (const q of s.queues.values()) {
    const members = q.members.filter(
      (m) => m.stateInterface.toLowerCase() === device.toLowerCase(),
    );
    if (members.length === 0) continue;
    for (const m of members)
      out.push(event('QueueMemberStatus', 'agent,all', memberEventFields(s, q, m)));
    out.push(...availabilityEvents(s, q));
  }
  return out;
}

export type QueueAddResult = 'ok' | 'exists' | 'nosuchqueue';

export function queueAdd(
  s: AsteriskState,
  queue: string,
  member: Omit<QueueMember, 'loginTime' | 'lastPause' | 'membership' | 'ringinuse' | 'wrapuptime'>,
): { result: QueueAddResult; events: AmiMessage[] } {
  const q = s.queues.get(queue);
  if (!q) return { result: 'nosuchqueue', events: [] };
  const same = (m: QueueMember) => m.interface.toLowerCase() === member.interface.toLowerCase();
  if (q.members.some(same)) return { result: 'exists', events: [] };
  const m: QueueMember = {
    ...member,
    membership: 'dynamic',
    loginTime: nowSeconds(s),
    // Added paused, it was paused just now (checked in agreement.test.ts).
    lastPause: member.paused ? nowSeconds(s) : 0,
    ringinuse: q.ringinuse,
    wrapuptime: 0,
  };
  q.members.push(m);
  return {
    result: 'ok',
    events: [
      deviceStateChange(`Queue:${q.name}_pause_${m.interface}`, m.paused ? 'INUSE' : 'NOT_INUSE'),
      event('QueueMemberAdded', 'agent,all', memberEventFields(s, q, m)),
      ...availabilityEvents(s, q),
    ],
  };
}

/** Pauses a member in one queue, or in every queue when `queue` is undefined. */
export function queuePause(
  s: AsteriskState,
  queue: string | undefined,
  iface: string,
  paused: boolean,
  reason: string,
): { found: boolean; events: AmiMessage[] } {
  const events: AmiMessage[] = [];
  let found = false;
  for (const q of s.queues.values()) {
    if (queue !== undefined && q.name !== queue) continue;
    q.members = q.members.map((m) => {
      if (m.interface.toLowerCase() !== iface.toLowerCase()) return m;
      found = true;
      const next: QueueMember = {
        ...m,
        paused,
        pausedReason: paused ? reason : '',
        lastPause: paused ? nowSeconds(s) : m.lastPause,
      };
      events.push(
        deviceStateChange(`Queue:${q.name}_pause_${m.interface}`, paused ? 'INUSE' : 'NOT_INUSE'),
        event('QueueMemberPause', 'agent,all', memberEventFields(s, q, next)),
      );
      return next;
    });
    events.push(...availabilityEvents(s, q));
  }
  return { found, events };
}

export type QueueRemoveResult = 'ok' | 'notthere' | 'nosuchqueue' | 'notdynamic';

export function queueRemove(
  s: AsteriskState,
  queue: string,
  iface: string,
): { result: QueueRemoveResult; events: AmiMessage[] } {
  const q = s.queues.get(queue);
  if (!q) return { result: 'nosuchqueue', events: [] };
  const m = q.members.find((x) => x.interface.toLowerCase() === iface.toLowerCase());
  if (!m) return { result: 'notthere', events: [] };
  if (m.membership !== 'dynamic') return { result: 'notdynamic', events: [] };
  q.members = q.members.filter((x) => x !== m);
  return {
    result: 'ok',
    events: [
      event('QueueMemberRemoved', 'agent,all', memberEventFields(s, q, m)),
      ...availabilityEvents(s, q),
    ],
  };
}

/** Sets a member's penalty in one queue, or in every queue when `queue` is undefined. */
export function queuePenalty(
  s: AsteriskState,
  queue: string | undefined,
  iface: string,
  penalty: number,
): { found: boolean; events: AmiMessage[] } {
  const events: AmiMessage[] = [];
  let found = false;
  if (penalty < 0) return { found, events };
  for (const q of s.queues.values()) {
    if (queue !== undefined && q.name !== queue) continue;
    q.members = q.members.map((m) => {
      if (m.interface.toLowerCase() !== iface.toLowerCase()) return m;
      found = true;
      const next: QueueMember = { ...m, penalty };
      events.push(event('QueueMemberPenalty', 'agent,all', memberEventFields(s, q, next)));
      return next;
    });
  }
  return { found, events };
}
