// Which call an agent's INVITE started: the dialplan's entry context for
// agents' calls (asterisk/render/call-event.ts) raises one AMI UserEvent per
// call with the INVITE's SIP Call-ID, the agent's channel and the call's
// linkedid (cdr.linkedid). The leader keeps them here, by Call-ID, until
// that channel hangs up, so the softphone can ask for the linkedid of a call
// it placed (GET /softphone/calls/by-sip-call-id/:callId) and file a note
// under it. Bounded: the oldest pairs go first past `max` (a Hangup missed
// while AMI was down would otherwise keep its pair for ever).
import type { AmiEvent } from '../asterisk/ami/messages.ts';
import { CALL_EVENT } from '../asterisk/render/call-event.ts';

export const SIP_CALLS_MAX = 20_000;
/** An RFC 3261 Call-ID as chan_pjsip prints it (no space, no ","); longer ones are not kept. */
const CALL_ID = /^[\x21-\x2b\x2d-\x7e]{1,256}$/;
/** "PJSIP/<endpoint>-<n>": usernames contain no "-" (render/agents.ts). */
const CHANNEL = /^PJSIP\/([A-Za-z0-9_.]{1,64})-[0-9a-f]+$/;
const LINKEDID = /^[A-Za-z0-9._-]{1,150}$/;

export interface SipCall {
  readonly callId: string;
  /** The call's linkedid: the id its CDR and CEL rows and notes share. */
  readonly linkedid: string;
  /** The agent's PJSIP endpoint (SIP username) that placed it. */
  readonly endpoint: string;
  /** The agent's channel ("PJSIP/<endpoint>-<n>"), whose Hangup ends the entry. */
  readonly channel: string;
}

const first = (fields: Record<string, string | string[] | undefined>, key: string): string => {
  const v = fields[key];
  return ((Array.isArray(v) ? v[0] : v) ?? '').trim();
};

/**
 * The UserEvent as a call, or undefined for any other event or a malformed
 * one. Asterisk's own Channel header (the event's channel, when present)
 * must name the same channel: the Call-ID is the browser's text.
 */
export function sipCallOf(e: AmiEvent): SipCall | undefined {
  if (e.event !== 'UserEvent' || !('fields' in e)) return undefined;
  const f = e.fields;
  if (first(f, 'userevent') !== CALL_EVENT) return undefined;
  const callId = first(f, 'sipcallid');
  const channel = first(f, 'agentchannel');
  const linkedid = first(f, 'calllinkedid');
  const endpoint = CHANNEL.exec(channel)?.[1];
  if (!endpoint || !CALL_ID.test(callId) || !LINKEDID.test(linkedid)) return undefined;
  const own = first(f, 'channel');
  if (own && own !== channel) return undefined;
  return { callId, linkedid, endpoint, channel };
}

/** The channel an AMI Hangup ended, if it is one. */
function hungUp(e: AmiEvent): string | undefined {
  if (e.event !== 'Hangup' || !('fields' in e)) return undefined;
  return first(e.fields, 'channel') || undefined;
}

export class SipCalls {
  readonly #max: number;
  /** By Call-ID, oldest first (a Map keeps insertion order). */
  readonly #calls = new Map<string, SipCall>();
  /** Channel → Call-ID, for Hangup. */
  readonly #byChannel = new Map<string, string>();
  readonly #waiters = new Map<string, Set<(c: SipCall) => void>>();

  constructor(max = SIP_CALLS_MAX) {
    this.#max = max;
  }

  get size(): number {
    return this.#calls.size;
  }

  /** Feed every AMI event of the leader's connection. */
  onEvent(e: AmiEvent): void {
    const call = sipCallOf(e);
    if (call) {
      this.#add(call);
      return;
    }
    const channel = hungUp(e);
    if (channel === undefined) return;
    const callId = this.#byChannel.get(channel);
    if (callId === undefined) return;
    this.#byChannel.delete(channel);
    this.#calls.delete(callId);
  }

  get(callId: string): SipCall | undefined {
    return this.#calls.get(callId);
  }

  /** The call, once its event came (at once if it did), or undefined after `timeoutMs`. */
  wait(callId: string, timeoutMs: number, signal?: AbortSignal): Promise<SipCall | undefined> {
    const known = this.#calls.get(callId);
    if (known || timeoutMs <= 0 || signal?.aborted) return Promise.resolve(known);
    return new Promise((resolve) => {
      const waiters = this.#waiters.get(callId) ?? new Set<(c: SipCall) => void>();
      this.#waiters.set(callId, waiters);
      const done = (c: SipCall | undefined) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', abort);
        waiters.delete(done);
        if (waiters.size === 0 && this.#waiters.get(callId) === waiters)
          this.#waiters.delete(callId);
        resolve(c);
      };
      const abort = () => done(undefined);
      const timer = setTimeout(abort, timeoutMs);
      signal?.addEventListener('abort', abort, { once: true });
      waiters.add(done);
    });
  }

  #add(call: SipCall): void {
    // the same Call-ID again (a re-sent event): the newest wins, at the end of the order
    const previous = this.#calls.get(call.callId);
    if (previous) this.#byChannel.delete(previous.channel);
    this.#calls.delete(call.callId);
    // one INVITE per channel: another Call-ID on it would be stale
    const other = this.#byChannel.get(call.channel);
    if (other !== undefined) this.#calls.delete(other);
    this.#calls.set(call.callId, call);
    this.#byChannel.set(call.channel, call.callId);
    while (this.#calls.size > this.#max) {
      const [oldest] = this.#calls.values();
      if (!oldest) break;
      this.#calls.delete(oldest.callId);
      if (this.#byChannel.get(oldest.channel) === oldest.callId)
        this.#byChannel.delete(oldest.channel);
    }
    for (const w of [...(this.#waiters.get(call.callId) ?? [])]) w(call);
  }
}
