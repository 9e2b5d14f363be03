// Callers for queue tests on a real Asterisk (scripts/lib/asterisk-process.ts):
// AMI Originate of `Local/<number>@switchboard-agents` channels. The ;2 leg of
// each Local channel runs the generated dialplan for the number (Answer,
// Queue(...), then the overflow step), exactly as a browser caller's channel
// would; the ;1 leg plays music on hold, which the answering agent hears as
// the caller's "voice". The callers ask for µ-law only (Originate Codecs):
// Asterisk cannot encode opus, so an agent leg offered µ-law only is bridged
// to the Local channel without any translation.
//
// Each caller is named by its Uniqueid: `OtherChannelId` sets it on the ;2
// leg, the one app_queue sees, so the queue events (QueueCallerJoin,
// AgentCalled, AgentConnect, …: class "agent") carry it as `uniqueid`; the
// ;1 leg gets `o-<id>`. Asterisk looks an assigned Uniqueid up by prefix and
// refuses it when a channel's Uniqueid starts with it ("already in use"), so
// no caller id may be the start of another (`lr-1` clashes with `lr-1-out`;
// `fifo-01` … `fifo-20` do not).
// The AMI user is the test's own: it may originate and hang up (originate,
// call) and reads agent and call events; the operator's user is untouched.
import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RawMessage } from 'asterisk-manager';
import pino from 'pino';
import { AmiClient } from '../../operator/src/asterisk/ami/client.ts';
import type { AsteriskProcess } from '../../scripts/lib/asterisk-process.ts';
import { waitUntil } from './wait.ts';

/** Where browsers' calls run after the entry context (operator/src/asterisk/render/dialplan.ts AGENT_CONTEXT). */
export const CALLER_CONTEXT = 'switchboard-agents';

/** An AMI event as it arrived: its name, arrival order, time (performance.now()) and fields. */
export interface SeenEvent {
  readonly name: string;
  readonly seq: number;
  readonly at: number;
  /** Date.now() at arrival: the wall clock Asterisk's whole seconds (time(NULL)) count on this host. */
  readonly wall: number;
  /** Fields as asterisk-manager gives them: lowercase keys. */
  readonly f: RawMessage;
}

export interface QueueCaller {
  /** The Uniqueid of the leg in the queue (`uniqueid` in queue events). */
  readonly id: string;
  /** The caller ID number agents see (From user of their INVITE). */
  readonly number: string;
}

export interface QueueCallers {
  readonly client: AmiClient;
  /** Every event seen so far, in arrival order; only `name`'s when given (case-insensitive). */
  events(name?: string): SeenEvent[];
  /** Queue events of one caller (by its id), in arrival order. */
  of(id: string, name?: string): SeenEvent[];
  /** Waits for the first event `name` that matches, among those after seq `after`. */
  waitFor(
    name: string,
    match: (f: RawMessage) => boolean,
    what: string,
    timeoutMs?: number,
    after?: number,
  ): Promise<SeenEvent>;
  /** Places a call to `number` (a queue's number) as caller `id`. */
  call(number: string, id: string): Promise<QueueCaller>;
  /** app_queue's members of `queue` now (QueueStatus: QueueMember items, e.g. `lastcall` in Unix seconds). */
  members(queue: string): Promise<RawMessage[]>;
  /** Hangs up every Local channel still up; resolves once none is left. */
  hangUpAll(): Promise<void>;
  stop(): Promise<void>;
}

/** A field as a string (asterisk-manager gives arrays for repeated keys). */
export const field = (f: RawMessage, key: string): string => {
  const v = f[key];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
};

/**
 * Adds the callers' AMI user (call before Asterisk starts) and returns a
 * connected client that collects every event it may read.
 */
export function addQueueCallers(
  asterisk: AsteriskProcess,
  username = 'test-callers',
): { connect(): Promise<QueueCallers> } {
  const secret = randomBytes(16).toString('hex');
  appendFileSync(
    join(asterisk.etcDir, 'ami', 'manager_user.conf'),
    `\n[${username}]\nsecret = ${secret}\nread = agent,call\nwrite = originate,call\n`,
  );
  return {
    async connect() {
      const client = new AmiClient({
        host: '127.0.0.1',
        port: asterisk.amiPort,
        username,
        secret,
        logger: pino({ level: 'silent' }),
      });
      const seen: SeenEvent[] = [];
      /** Channel name by Uniqueid, from Newchannel, and which are still up. */
      const channels = new Map<string, string>();
      const up = new Set<string>();
      client.onEvent((e) => {
        if (!('fields' in e)) return;
        const name = field(e.fields, 'event');
        seen.push({ name, seq: seen.length, at: performance.now(), wall: Date.now(), f: e.fields });
        const uid = field(e.fields, 'uniqueid');
        if (name === 'Newchannel') {
          channels.set(uid, field(e.fields, 'channel'));
          up.add(uid);
        } else if (name === 'Hangup') up.delete(uid);
      });
      client.start();
      await client.ready(10_000);
      let numbers = 0;
      const hangUpChannel = async (channel: string) => {
        await client.action({ action: 'Hangup', channel }).catch((err: Error) => {
          // already gone between our look and the action
          if (!/No such channel/i.test(err.message)) throw err;
        });
      };
      const callers: QueueCallers = {
        client,
        events: (name) =>
          name === undefined
            ? [...seen]
            : seen.filter((e) => e.name.toLowerCase() === name.toLowerCase()),
        of: (id, name) =>
          seen.filter(
            (e) =>
              field(e.f, 'uniqueid') === id &&
              (name === undefined || e.name.toLowerCase() === name.toLowerCase()),
          ),
        async waitFor(name, match, what, timeoutMs = 15_000, after = -1) {
          let found: SeenEvent | undefined;
          await waitUntil(
            what,
            () => {
              found = seen.find(
                (e) => e.seq > after && e.name.toLowerCase() === name.toLowerCase() && match(e.f),
              );
              return found !== undefined;
            },
            timeoutMs,
            10,
          );
          return found as SeenEvent;
        },
        async call(number, id) {
          const callerNumber = String(90_000 + ++numbers);
          await client.action({
            action: 'Originate',
            channel: `Local/${number}@${CALLER_CONTEXT}`,
            channelid: `o-${id}`,
            otherchannelid: id,
            application: 'MusicOnHold',
            data: 'default',
            callerid: `"Caller ${id}" <${callerNumber}>`,
            codecs: 'ulaw',
            timeout: '10000',
            async: 'true',
          });
          return { id, number: callerNumber };
        },
        members: (queue) =>
          client.list({ action: 'QueueStatus', queue }, 'QueueMember', 'QueueStatusComplete'),
        async hangUpAll() {
          for (const uid of [...up]) {
            const channel = channels.get(uid) ?? '';
            if (channel.startsWith('Local/')) await hangUpChannel(channel);
          }
          await waitUntil(
            'every caller hung up',
            () => [...up].every((uid) => !(channels.get(uid) ?? '').startsWith('Local/')),
            10_000,
          );
        },
        stop: () => client.stop(),
      };
      return callers;
    },
  };
}
