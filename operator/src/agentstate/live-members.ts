// app_queue's members as AMI shows them: QueueStatus answers with QueueMember
// items (Name/Location), the QueueMember* events say MemberName/Interface.
// Pure parsing plus a map that events keep current.
import type { RawMessage } from 'asterisk-manager';
import { memberKey } from './plan.ts';
import type { LiveMember } from './types.ts';

const str = (m: RawMessage, key: string): string => {
  const v = m[key];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
};
const num = (m: RawMessage, key: string): number => Number(str(m, key)) || 0;

function member(m: RawMessage, iface: string, memberName: string): LiveMember {
  return {
    queue: str(m, 'queue'),
    iface,
    memberName,
    penalty: num(m, 'penalty'),
    paused: str(m, 'paused') === '1',
    pausedReason: str(m, 'pausedreason'),
    status: num(m, 'status'),
    inCall: str(m, 'incall') === '1',
    lastCall: num(m, 'lastcall'),
    dynamic: str(m, 'membership') !== 'static',
  };
}

/** A QueueStatus `QueueMember` item. */
export function statusItem(m: RawMessage): LiveMember {
  return member(m, str(m, 'location'), str(m, 'name'));
}

const MEMBER_EVENTS = new Set([
  'QueueMemberAdded',
  'QueueMemberRemoved',
  'QueueMemberStatus',
  'QueueMemberPause',
  'QueueMemberPenalty',
  'QueueMemberRinginuse',
]);

/** A member event: what it says about one member (removed: gone). */
export function memberEvent(
  event: string,
  m: RawMessage,
): { member: LiveMember; removed: boolean } | undefined {
  if (!MEMBER_EVENTS.has(event)) return undefined;
  return {
    member: member(m, str(m, 'interface'), str(m, 'membername')),
    removed: event === 'QueueMemberRemoved',
  };
}

/** Every member of every queue, keyed by memberKey(queue, iface). */
export class LiveMembers {
  #members = new Map<string, LiveMember>();
  /** Interface → its members' keys (an agent's view reads only its own). */
  #byIface = new Map<string, Set<string>>();

  get map(): ReadonlyMap<string, LiveMember> {
    return this.#members;
  }

  reset(items: readonly LiveMember[]): void {
    this.#members = new Map();
    this.#byIface = new Map();
    for (const m of items) this.set(m);
  }

  set(m: LiveMember): void {
    const key = memberKey(m.queue, m.iface);
    this.#members.set(key, m);
    let keys = this.#byIface.get(m.iface);
    if (!keys) {
      keys = new Set();
      this.#byIface.set(m.iface, keys);
    }
    keys.add(key);
  }

  delete(queue: string, iface: string): void {
    const key = memberKey(queue, iface);
    this.#members.delete(key);
    const keys = this.#byIface.get(iface);
    keys?.delete(key);
    if (keys?.size === 0) this.#byIface.delete(iface);
  }

  /** Applies a member event; true when it concerned a member. */
  apply(event: string, m: RawMessage): LiveMember | undefined {
    const e = memberEvent(event, m);
    if (!e) return undefined;
    if (e.removed) this.delete(e.member.queue, e.member.iface);
    else this.set(e.member);
    return e.member;
  }

  /** Members with this interface, in queue byte order. */
  of(iface: string): LiveMember[] {
    return [...(this.#byIface.get(iface) ?? [])]
      .map((key) => this.#members.get(key) as LiveMember)
      .sort((a, b) => (a.queue < b.queue ? -1 : a.queue > b.queue ? 1 : 0));
  }
}
