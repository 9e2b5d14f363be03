// One namespace's agent states, held by Asterisk and steered over AMI (the
// leader only). Members are dynamic (QueueAdd) so an agent can leave and
// rejoin without a reload, and a reload leaves them alone (app_queue keeps
// dynamic members; persistentmembers=yes keeps them, paused or not, across
// an Asterisk restart). Who signed out is kept in Asterisk's own database
// (DBPut), so neither a restart of the operator nor one of Asterisk turns a
// signed-out agent back on; everybody else serves the queues they may serve.
import { EventEmitter } from 'node:events';
import type { RawMessage } from 'asterisk-manager';
import type { AmiClient, AmiState } from '../asterisk/ami/client.ts';
import type { AmiEvent } from '../asterisk/ami/messages.ts';
import { describeError } from '../clients/errors.ts';
import type { Logger } from '../log.ts';
import { LiveMembers, statusItem } from './live-members.ts';
import { reportPresence, stateChanges } from './metrics.ts';
import { actionFields, memberKey, planMembers } from './plan.ts';
import {
  type AgentIntent,
  type AgentStateRecord,
  type AgentStateView,
  AVAILABLE,
  type DesiredMember,
  type LiveMember,
  type MemberAction,
  type Presence,
} from './types.ts';

type Client = Pick<AmiClient, 'action' | 'list' | 'onEvent' | 'onState' | 'ready' | 'state'>;

/** astdb family of agents who signed out (key: SipAgent name, value: ISO time). */
export const SIGNED_OUT_FAMILY = 'switchboard-signed-out';
/** app_queue device states of a member on a call (in use, busy, ring in use, on hold). */
const ON_CALL_STATUS = new Set([2, 3, 7, 8]);
/** AMI actions in flight at once while catching up (1,000 agents after a restart). */
const PARALLEL_ACTIONS = 16;

export interface AgentStatesOptions {
  readonly namespace: string;
  readonly client: Client;
  readonly logger: Logger;
  /** Called with every explicit change: the durable record (log, Event; later PostgreSQL). */
  readonly record?: (r: AgentStateRecord) => void;
  /**
   * Whether the SipAgent exists (the informer's cache): who signed out is
   * kept in astdb by agent name, and a deleted agent's key must not sign out
   * a new agent of the same name.
   */
  readonly exists?: (agent: string) => boolean;
  readonly now?: () => Date;
}

const str = (m: RawMessage, key: string): string => {
  const v = m[key];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
};

export class AgentStates {
  readonly #o: AgentStatesOptions;
  readonly #log: Logger;
  readonly #emitter = new EventEmitter();
  readonly #live = new LiveMembers();
  /** Explicit choices; agents without one serve (AVAILABLE). */
  readonly #intents = new Map<string, AgentIntent>();
  readonly #since = new Map<string, string>();
  readonly #wrapUpUntil = new Map<string, number>();
  #desired: readonly DesiredMember[] = [];
  /** #desired by agent, and interface → agent: views and events stay O(1) at 10,000 agents. */
  #byAgent = new Map<string, DesiredMember[]>();
  #agentByIface = new Map<string, string>();
  /** The first computed memberships arrived: before that, an empty list means nothing. */
  #desiredKnown = false;
  #wrapUpSeconds: ReadonlyMap<string, number> = new Map();
  /** Live state is known (a snapshot was read since the last connect). */
  #synced = false;
  #resync: Promise<void> | undefined;
  /** Counts connects and drops: a retry of an older connection's snapshot is dropped. */
  #connection = 0;
  #retry: NodeJS.Timeout | undefined;
  readonly #unreport: () => void;
  /** Reconciles run one at a time. */
  #chain: Promise<unknown> = Promise.resolve();
  /** Events that arrive during a snapshot, applied after it. */
  #buffer: AmiEvent[] | undefined;

  constructor(options: AgentStatesOptions) {
    this.#o = options;
    this.#log = options.logger.child({ component: 'agent-states', namespace: options.namespace });
    this.#emitter.setMaxListeners(0);
    options.client.onEvent((e) => this.#onEvent(e));
    options.client.onState((s) => this.#onState(s));
    if (options.client.state === 'connected') this.#startResync();
    this.#unreport = reportPresence({
      namespace: options.namespace,
      synced: () => this.synced,
      views: () => this.agents().map((a) => this.view(a)),
    });
  }

  /** Stops reporting to Prometheus (the connection is gone). */
  close(): void {
    this.#unreport();
    clearTimeout(this.#retry);
    this.#connection++;
  }

  /** Asterisk's members were read and the computed memberships are known: views are current. */
  get synced(): boolean {
    return this.#synced && this.#desiredKnown;
  }

  /** Agents whose state may have changed (names). */
  onChange(cb: (agents: readonly string[]) => void): () => void {
    this.#emitter.on('change', cb);
    return () => this.#emitter.off('change', cb);
  }

  /**
   * The queues agents may serve, computed by the operator, and each queue's
   * wrap-up; resolves once Asterisk's members match (or the attempt failed).
   */
  async setDesired(
    desired: readonly DesiredMember[],
    wrapUpSeconds: ReadonlyMap<string, number>,
  ): Promise<void> {
    this.#desired = desired;
    this.#byAgent = new Map();
    this.#agentByIface = new Map();
    for (const d of desired) {
      const mine = this.#byAgent.get(d.agent);
      if (mine) mine.push(d);
      else this.#byAgent.set(d.agent, [d]);
      this.#agentByIface.set(d.iface, d.agent);
    }
    this.#wrapUpSeconds = wrapUpSeconds;
    this.#desiredKnown = true;
    if (this.#synced) this.#adoptPauses();
    await this.#reconcile('operator');
  }

  /** An agent's (or an admin's) choice. Throws when Asterisk refused or is unreachable. */
  async change(agent: string, intent: AgentIntent, by: string): Promise<AgentStateView> {
    const before = this.#intents.get(agent) ?? AVAILABLE;
    const normalized: AgentIntent =
      intent.presence === 'paused' ? { presence: 'paused', reason: intent.reason ?? '' } : intent;
    if (!this.#synced) await this.#waitSynced();
    if (normalized.presence === 'signed-out')
      await this.#o.client.action({
        action: 'DBPut',
        family: SIGNED_OUT_FAMILY,
        key: agent,
        val: this.#now().toISOString(),
      });
    else if (before.presence === 'signed-out')
      await this.#o.client
        .action({ action: 'DBDel', family: SIGNED_OUT_FAMILY, key: agent })
        .catch(() => undefined); // "Database entry not found": nothing to forget
    this.#intents.set(agent, normalized);
    this.#since.set(agent, this.#now().toISOString());
    await this.#reconcile(by, agent);
    this.#recordChange(agent, before, normalized, by);
    this.#emit([agent]);
    return this.view(agent);
  }

  /**
   * The agent was deleted: its signed-out key leaves astdb and this process
   * forgets its state (a new agent of the same name starts available).
   */
  async forget(agent: string): Promise<void> {
    const had = this.#intents.get(agent);
    this.#intents.delete(agent);
    this.#since.delete(agent);
    this.#wrapUpUntil.delete(agent);
    if (had?.presence === 'signed-out') await this.#dropSignedOut(agent);
  }

  async #dropSignedOut(agent: string): Promise<void> {
    await this.#o.client
      .action({ action: 'DBDel', family: SIGNED_OUT_FAMILY, key: agent })
      .catch((err) =>
        // "Database entry not found" is fine; anything else is worth a line.
        this.#log.debug({ agent, err: describeError(err) }, 'forgetting a sign-out failed'),
      );
  }

  view(agent: string): AgentStateView {
    const intent = this.#intents.get(agent) ?? AVAILABLE;
    const eligible = [...new Set((this.#byAgent.get(agent) ?? []).map((d) => d.queue))].sort();
    const ifaces = new Set((this.#byAgent.get(agent) ?? []).map((d) => d.iface));
    const members: LiveMember[] = [];
    for (const iface of ifaces) members.push(...this.#live.of(iface));
    const wrapUp = this.#wrapUpUntil.get(agent);
    const since = this.#since.get(agent);
    return {
      agent,
      presence: intent.presence,
      ...(intent.presence === 'paused' ? { reason: intent.reason ?? '' } : {}),
      ...(since ? { since } : {}),
      queues: [...new Set(members.map((m) => m.queue))].sort(),
      eligibleQueues: eligible,
      onCall: members.some((m) => m.inCall || ON_CALL_STATUS.has(m.status)),
      ...(wrapUp !== undefined && wrapUp > this.#now().getTime()
        ? { wrapUpUntil: new Date(wrapUp).toISOString() }
        : {}),
      live: this.#synced && this.#desiredKnown,
    };
  }

  /** Every agent the operator computed memberships for, or that has a choice recorded. */
  agents(): string[] {
    return [...new Set([...this.#byAgent.keys(), ...this.#intents.keys()])].sort();
  }

  #now(): Date {
    return this.#o.now?.() ?? new Date();
  }

  #emit(agents: readonly string[]): void {
    if (agents.length) this.#emitter.emit('change', agents);
  }

  #agentOf(iface: string): string | undefined {
    return this.#agentByIface.get(iface);
  }

  #onState(state: AmiState): void {
    if (state === 'connected') this.#startResync();
    else {
      this.#connection++;
      clearTimeout(this.#retry);
      this.#synced = false;
      this.#emit(this.agents());
    }
  }

  #onEvent(e: AmiEvent): void {
    if (!('fields' in e)) return;
    if (this.#buffer) {
      this.#buffer.push(e);
      return;
    }
    this.#apply(e.event, e.fields);
  }

  #apply(event: string, fields: RawMessage): void {
    if (event === 'AgentComplete') {
      const agent = this.#agentOf(str(fields, 'interface'));
      const seconds = this.#wrapUpSeconds.get(str(fields, 'queue')) ?? 0;
      if (agent && seconds > 0) {
        this.#wrapUpUntil.set(agent, this.#now().getTime() + seconds * 1000);
        this.#emit([agent]);
      }
      return;
    }
    const m = this.#live.apply(event, fields);
    if (!m) return;
    const agent = this.#agentOf(m.iface);
    if (agent) this.#emit([agent]);
  }

  #startResync(attempt = 1): void {
    this.#synced = false;
    clearTimeout(this.#retry);
    const connection = ++this.#connection;
    const run = this.#readSnapshot().then(
      () => this.#reconcile('operator'),
      (err: unknown) => {
        this.#log.warn({ err: describeError(err), attempt }, 'reading queue members failed');
        // AMI answers logins before Asterisk has loaded app_queue ("Invalid/unknown
        // command: QueueStatus" while it boots): try again while still connected.
        if (connection !== this.#connection || this.#o.client.state !== 'connected') return;
        this.#retry = setTimeout(
          () => {
            if (connection === this.#connection) this.#startResync(attempt + 1);
          },
          Math.min(250 * attempt, 2_000),
        );
        this.#retry.unref?.();
      },
    );
    this.#resync = run;
  }

  async #waitSynced(): Promise<void> {
    await this.#o.client.ready();
    // A snapshot refused while Asterisk boots is retried: wait a few seconds for one.
    const deadline = performance.now() + 5_000;
    while (!this.#synced && performance.now() < deadline) {
      await this.#resync;
      if (!this.#synced) await new Promise((r) => setTimeout(r, 100));
    }
    if (!this.#synced) throw new Error('the queue members of Asterisk could not be read');
  }

  /** QueueStatus and the signed-out list, with events during the read applied after it. */
  async #readSnapshot(): Promise<void> {
    this.#buffer = [];
    try {
      const [items, signedOut] = await Promise.all([
        this.#o.client.list({ action: 'QueueStatus' }, 'QueueMember', 'QueueStatusComplete'),
        this.#o.client.list(
          { action: 'DBGetTree', family: SIGNED_OUT_FAMILY },
          'DBGetTreeResponse',
          'DBGetTreeComplete',
        ),
      ]);
      const members = items.map(statusItem);
      this.#live.reset(members);
      const out = new Set(signedOut.map((m) => str(m, 'key').split('/').pop() ?? ''));
      // What Asterisk holds wins over what this process remembers of agents it
      // has no newer word on: the operator may have restarted.
      for (const [agent, intent] of this.#intents)
        if (intent.presence === 'signed-out' && !out.has(agent)) this.#intents.delete(agent);
      for (const agent of out) {
        // Deleted while no operator watched: forget it rather than sign out a namesake later.
        if (this.#o.exists && !this.#o.exists(agent)) void this.#dropSignedOut(agent);
        else this.#intents.set(agent, { presence: 'signed-out' });
      }
      for (const e of this.#buffer) if ('fields' in e) this.#apply(e.event, e.fields);
      this.#synced = true;
      if (this.#desiredKnown) this.#adoptPauses();
      this.#log.info({ members: members.length, signedOut: out.size }, 'queue members read');
    } finally {
      this.#buffer = undefined;
    }
    this.#emit(this.agents());
  }

  /**
   * Agents this process has no word on keep the pause Asterisk holds (the
   * operator restarted, or Asterisk restored its members): never undone.
   */
  #adoptPauses(): void {
    for (const d of this.#desired) {
      if (this.#intents.has(d.agent)) continue;
      const paused = this.#live.of(d.iface).find((m) => m.paused);
      if (paused) this.#intents.set(d.agent, { presence: 'paused', reason: paused.pausedReason });
    }
  }

  /** Brings Asterisk's members to the desired ones (one agent's, or everybody's). */
  #reconcile(by: string, only?: string): Promise<void> {
    const run = this.#chain.then(async () => {
      // Before the first computed memberships every member would look unwanted.
      if (!this.#synced || !this.#desiredKnown || this.#o.client.state !== 'connected') return;
      this.#adoptPauses();
      const desired = only ? (this.#byAgent.get(only) ?? []) : this.#desired;
      let live = this.#live.map;
      if (only) {
        const ifaces = new Set(desired.map((d) => d.iface));
        live = new Map([...live].filter(([, m]) => ifaces.has(m.iface)));
      }
      const actions = planMembers(desired, live, (a) => this.#intents.get(a) ?? AVAILABLE);
      if (actions.length === 0) return;
      await this.#run(actions);
      this.#logJoins(actions, by);
    });
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async #run(actions: readonly MemberAction[]): Promise<void> {
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < actions.length) {
        const a = actions[next++] as MemberAction;
        try {
          await this.#o.client.action(actionFields(a));
          this.#assume(a);
        } catch (err) {
          failures.push(`${a.action} ${a.queue} ${a.iface}: ${describeError(err)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_ACTIONS, actions.length) }, worker));
    if (failures.length) {
      this.#log.warn(
        { failures: failures.slice(0, 10), count: failures.length },
        'queue member actions failed',
      );
      throw new Error(`Asterisk refused ${failures.length} queue member change(s): ${failures[0]}`);
    }
  }

  /** The effect an accepted action has (its event confirms it a moment later). */
  #assume(a: MemberAction): void {
    const now = this.#live.map.get(memberKey(a.queue, a.iface));
    if (a.action === 'QueueRemove') this.#live.delete(a.queue, a.iface);
    else if (a.action === 'QueueAdd')
      this.#live.set({
        queue: a.queue,
        iface: a.iface,
        memberName: a.memberName,
        penalty: a.penalty,
        paused: a.paused,
        pausedReason: a.reason,
        status: 0,
        inCall: false,
        lastCall: 0,
        dynamic: true,
      });
    else if (now && a.action === 'QueuePenalty') this.#live.set({ ...now, penalty: a.penalty });
    else if (now && a.action === 'QueuePause')
      this.#live.set({ ...now, paused: a.paused, pausedReason: a.reason });
  }

  /** Joins and leaves the operator made because eligibility changed: logged, not Events. */
  #logJoins(actions: readonly MemberAction[], by: string): void {
    if (by !== 'operator') return;
    const joined = actions.filter((a) => a.action === 'QueueAdd').length;
    const left = actions.filter((a) => a.action === 'QueueRemove').length;
    const changed = actions.length - joined - left;
    this.#log.info({ joined, left, changed }, 'queue members follow the computed memberships');
  }

  #recordChange(agent: string, before: AgentIntent, after: AgentIntent, by: string): void {
    const change = recordedChange(before, after);
    if (!change) return;
    const record: AgentStateRecord = {
      at: this.#now().toISOString(),
      namespace: this.#o.namespace,
      agent,
      change,
      queues: this.view(agent).eligibleQueues,
      ...(after.presence === 'paused' ? { reason: after.reason ?? '' } : {}),
      by,
    };
    this.#log.info({ agentState: record }, `agent ${agent}: ${change}`);
    stateChanges.inc({ namespace: this.#o.namespace, change });
    this.#o.record?.(record);
  }
}

/** The record's change for a choice (undefined: nothing changed). */
export function recordedChange(
  before: AgentIntent,
  after: AgentIntent,
): AgentStateRecord['change'] | undefined {
  const b: Presence = before.presence;
  const a: Presence = after.presence;
  if (a === 'signed-out') return b === 'signed-out' ? undefined : 'sign-out';
  if (b === 'signed-out') return a === 'paused' ? 'pause' : 'sign-in';
  if (a === 'paused') return b === 'paused' && before.reason === after.reason ? undefined : 'pause';
  return b === 'paused' ? 'unpause' : undefined;
}
