// A typed, promise-based AMI client around `asterisk-manager`:
// - every action has a timeout; an Error response rejects with its message;
// - nothing is sent before login completes (actions wait for the connection);
// - `Command` actions are serialised (asterisk-manager mis-routes concurrent
//   ones: their responses carry no usable ActionID);
// - a dropped connection is re-established with capped exponential backoff
//   (250 ms doubling to 3 s, equal jitter) and a fresh login, each time on a
//   new asterisk-manager instance;
// - list actions (PJSIPShowEndpoints, …) collect their events up to *Complete;
// - rotate() moves to new credentials on a second session while the first
//   keeps serving, and hands over without losing an action or an event.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import Manager, { type RawMessage } from 'asterisk-manager';
import { Gauge } from 'prom-client';
import type { Logger } from '../../log.ts';
import { registry } from '../../metrics.ts';
import { type AmiEvent, type AmiResponse, typedEvent } from './messages.ts';
import { EventSplice } from './rotation.ts';

export type AmiState = 'disconnected' | 'connecting' | 'connected';

export interface AmiCredentials {
  readonly username: string;
  readonly secret: string;
}

export interface AmiClientOptions {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly secret: string;
  readonly actionTimeoutMs?: number;
  /** First reconnect delay (default 250 ms), doubling with every failed attempt… */
  readonly minBackoffMs?: number;
  /** …up to this (default 3 s: Asterisk back means provisioning back within seconds). */
  readonly maxBackoffMs?: number;
  /** Random numbers in [0, 1) for the jitter (default Math.random; tests fix it). */
  readonly random?: () => number;
  readonly logger?: Logger;
}

/**
 * The delay before reconnect attempt `failures` (1 = the first): the capped
 * exponential delay with equal jitter (half of it fixed, half random), so the
 * operators and namespaces that lost one Asterisk do not retry in lockstep,
 * and none retries in a tight loop.
 */
export function reconnectDelay(
  failures: number,
  minMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  // 2 ** 1100 is Infinity, which min() caps: no overflow after a long outage.
  const cap = Math.min(minMs * 2 ** Math.max(0, failures - 1), maxMs);
  return Math.round(cap / 2 + (random() * cap) / 2);
}

export class AmiError extends Error {
  readonly response: AmiResponse | undefined;
  constructor(message: string, response?: AmiResponse) {
    super(message);
    this.response = response;
  }
}

/** Asterisk refused the login (wrong user or secret): retrying the same will not help by itself. */
export class AmiLoginRefused extends AmiError {}

/** How a rotation handed over: at a marker both sessions saw, or (marker refused) at once. */
export type HandOverKind = 'ordered' | 'unordered';

const connectedGauge = new Gauge({
  name: 'switchboard_ami_connected',
  help: '1 while logged in to Asterisk AMI.',
  labelNames: ['host'],
  registers: [registry],
});

let nextId = 0;
type ManagerInstance = ReturnType<typeof Manager>;
/** A rotation between logging in on the new session and both streams passing the marker. */
interface HandOver {
  readonly old: ManagerInstance;
  readonly next: ManagerInstance;
  readonly credentials: AmiCredentials;
  readonly splice: EventSplice<RawMessage>;
  readonly switched: PromiseWithResolvers<void>;
}
const same = (a: AmiCredentials, b: AmiCredentials) =>
  a.username === b.username && a.secret === b.secret;
const str = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join('\n') : (v ?? ''));

export class AmiClient {
  readonly #o: Required<Omit<AmiClientOptions, 'logger' | 'username' | 'secret'>> & {
    logger?: Logger;
  };
  readonly #emitter = new EventEmitter();
  /** The session that serves actions and events. */
  #manager: ManagerInstance | undefined;
  #credentials: AmiCredentials;
  /** While a rotation is pending: the other credentials, tried after a refused login. */
  #alternate: AmiCredentials | undefined;
  /** A rotation between logging in on the new session and both streams passing the marker. */
  #handover: HandOver | undefined;
  /** Sessions handed over, logging off once their actions are answered. */
  readonly #retiring = new Set<ManagerInstance>();
  /** Actions and lists in flight per session (a retiring session waits for them). */
  readonly #inFlight = new Map<ManagerInstance, Set<Promise<unknown>>>();
  #state: AmiState = 'disconnected';
  #stopped = true;
  #failures = 0;
  #timer: NodeJS.Timeout | undefined;
  #commands: Promise<unknown> = Promise.resolve();

  constructor(options: AmiClientOptions) {
    const { username, secret, ...rest } = options;
    this.#credentials = { username, secret };
    this.#o = {
      actionTimeoutMs: 10_000,
      minBackoffMs: 250,
      maxBackoffMs: 3_000,
      random: Math.random,
      ...rest,
    };
    this.#emitter.setMaxListeners(0);
  }

  get state(): AmiState {
    return this.#state;
  }

  /** Whether the serving session logs in (or will, on the next reconnect) with these. */
  usesCredentials(c: AmiCredentials): boolean {
    return same(this.#credentials, c);
  }

  /**
   * Credentials for the next login, when there is no session to rotate
   * (disconnected): a reconnect uses them.
   */
  setCredentials(c: AmiCredentials): void {
    this.#credentials = c;
    this.#alternate = undefined;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#connect();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    const sessions = new Set([
      ...(this.#manager ? [this.#manager] : []),
      ...(this.#handover ? [this.#handover.next] : []),
      ...this.#retiring,
    ]);
    this.#abortHandover(new AmiError('AMI client stopped'));
    this.#manager = undefined;
    this.#retiring.clear();
    await Promise.all(
      [...sessions].map((m) => {
        m.removeAllListeners('close');
        return new Promise<void>((resolve) => m.disconnect(resolve));
      }),
    );
    this.#setState('disconnected');
  }

  onEvent(cb: (event: AmiEvent) => void): void {
    this.#emitter.on('event', cb);
  }

  /** State changes; `reason` says why a connection was lost or refused (never the secret). */
  onState(cb: (state: AmiState, reason?: string) => void): void {
    this.#emitter.on('state', cb);
  }

  /** Resolves once logged in (or rejects after the action timeout). */
  async ready(timeoutMs = this.#o.actionTimeoutMs): Promise<void> {
    if (this.#state === 'connected') return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#emitter.off('state', onState);
        reject(new AmiError(`AMI not connected after ${timeoutMs} ms`));
      }, timeoutMs);
      const onState = (s: AmiState) => {
        if (s !== 'connected') return;
        clearTimeout(timer);
        this.#emitter.off('state', onState);
        resolve();
      };
      this.#emitter.on('state', onState);
    });
  }

  /** Sends one action and resolves with its response; an Error response rejects. */
  async action(fields: Record<string, string>): Promise<AmiResponse> {
    await this.ready();
    const m = this.#manager;
    if (!m) throw new AmiError('AMI not connected');
    return await this.#track(m, this.#actionWithId(m, fields, `sb-${++nextId}`));
  }

  /** A CLI command through AMI, one at a time. */
  command(command: string): Promise<AmiResponse> {
    const run = this.#commands.then(() => this.action({ action: 'Command', command }));
    this.#commands = run.catch(() => undefined);
    return run;
  }

  /** A list action: resolves with the items (of one or several events) once `<completeEvent>` arrives; "nothing found" errors give []. */
  async list(
    fields: Record<string, string>,
    itemEvent: string | readonly string[],
    completeEvent: string,
  ): Promise<RawMessage[]> {
    await this.ready();
    const m = this.#manager;
    if (!m) throw new AmiError('AMI not connected');
    return await this.#track(m, this.#list(m, fields, itemEvent, completeEvent));
  }

  async #list(
    m: ManagerInstance,
    fields: Record<string, string>,
    itemEvent: string | readonly string[],
    completeEvent: string,
  ): Promise<RawMessage[]> {
    const wanted = typeof itemEvent === 'string' ? [itemEvent] : itemEvent;
    const items: RawMessage[] = [];
    const actionid = `sb-${++nextId}`;
    let onEvent: ((e: RawMessage) => void) | undefined;
    const done = new Promise<void>((resolve) => {
      onEvent = (e: RawMessage) => {
        if (str(e.actionid) !== actionid) return;
        if (wanted.includes(str(e.event))) items.push(e);
        else if (str(e.event) === completeEvent) resolve();
      };
      m.on('managerevent', onEvent);
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      try {
        await this.#actionWithId(m, fields, actionid);
      } catch (err) {
        if (err instanceof AmiError && /^No .* found/.test(err.message)) return [];
        throw err;
      }
      await Promise.race([
        done,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new AmiError(
                  `AMI ${fields.action} list not complete after ${this.#o.actionTimeoutMs} ms`,
                ),
              ),
            this.#o.actionTimeoutMs,
          );
        }),
      ]);
      return items;
    } finally {
      clearTimeout(timer);
      if (onEvent) m.removeListener('managerevent', onEvent);
    }
  }

  /**
   * Moves to `credentials` without an outage: logs in with them on a second
   * session while the current one keeps serving; once Asterisk accepts,
   * splices the two event streams at a marker (a UserEvent, needs write class
   * "user") and serves every later action from the new session; the old one
   * answers what it was asked, then logs off. Rejects with AmiLoginRefused
   * while Asterisk refuses the new secret (it has not read it yet), with
   * AmiError when the new session could not log in for another reason or the
   * current one was lost meanwhile; the current session is untouched then.
   */
  async rotate(credentials: AmiCredentials): Promise<HandOverKind> {
    const old = this.#manager;
    if (this.#state !== 'connected' || !old) throw new AmiError('AMI not connected');
    if (this.#handover) throw new AmiError('a rotation is already in progress');
    // Until it is done, a reconnect (the current session lost) tries both.
    this.#alternate = credentials;
    const marker = `switchboard-handover-${randomUUID()}`;
    const splice = new EventSplice<RawMessage>((e) => str(e.userevent) === marker);
    const switched = Promise.withResolvers<void>();
    switched.promise.catch(() => {});
    let created: ManagerInstance | undefined;
    let next: ManagerInstance;
    try {
      next = await this.#open(
        credentials,
        (reason) => this.#lost(created, reason),
        (m) => {
          created = m;
          // Spliced from its first event on (FullyBooted right after the login).
          this.#handover = { old, next: m, credentials, splice, switched };
        },
      );
    } catch (err) {
      if ((this.#handover as HandOver | undefined)?.next === created) this.#handover = undefined;
      throw err;
    }
    if (this.#manager !== old || this.#stopped) {
      // #abortHandover closes the new session too (it never served).
      this.#abortHandover(new AmiError('AMI connection lost during the rotation'));
      throw new AmiError('AMI connection lost during the rotation');
    }
    let kind: HandOverKind = 'ordered';
    try {
      await this.#actionWithId(next, { action: 'UserEvent', userevent: marker }, `sb-${++nextId}`);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        switched.promise,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new AmiError('the hand-over marker did not arrive')),
            this.#o.actionTimeoutMs,
          );
        }),
      ]).finally(() => clearTimeout(timer));
    } catch (err) {
      const h = this.#handover as HandOver | undefined;
      if (h?.next !== next) throw err; // aborted: a session was lost
      if (h.splice.switched) return kind;
      // No marker (the new user may not send UserEvent): switch now, unordered.
      this.#o.logger?.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'AMI hand-over without a marker: events around it may be missed or repeated',
      );
      kind = 'unordered';
      this.#deliver(h.splice.force());
      this.#switchTo(h);
      this.#handover = undefined;
    }
    return kind;
  }

  /** Runs `p` as in flight on session `m`. */
  #track<T>(m: ManagerInstance, p: Promise<T>): Promise<T> {
    const own = this.#inFlight.get(m) ?? new Set<Promise<unknown>>();
    this.#inFlight.set(m, own);
    own.add(p);
    return p.finally(() => {
      own.delete(p);
      if (own.size === 0 && this.#inFlight.get(m) === own) this.#inFlight.delete(m);
    });
  }

  async #actionWithId(
    m: ManagerInstance,
    fields: Record<string, string>,
    actionid: string,
  ): Promise<AmiResponse> {
    return await new Promise<AmiResponse>((resolve, reject) => {
      const onDrop = (dropped: ManagerInstance) => {
        if (dropped === m) finish(new AmiError(`AMI connection lost during ${fields.action}`));
      };
      const timer = setTimeout(
        () =>
          finish(
            new AmiError(`AMI ${fields.action} timed out after ${this.#o.actionTimeoutMs} ms`),
          ),
        this.#o.actionTimeoutMs,
      );
      const callback = (err: RawMessage | undefined, res: RawMessage) => {
        const response = toResponse(err ?? res, actionid);
        if (err) finish(new AmiError((response.message ?? 'AMI error').trim(), response));
        else finish(undefined, response);
      };
      const finish = (error?: Error, response?: AmiResponse) => {
        clearTimeout(timer);
        m.removeListener(actionid, callback);
        this.#emitter.off('dropped', onDrop);
        if (error) reject(error);
        else resolve(response as AmiResponse);
      };
      this.#emitter.on('dropped', onDrop);
      m.action({ ...fields, actionid }, callback);
    });
  }

  /**
   * Connects and logs in one session. `onLost` runs when it closes after the
   * login; `onCreated` sees it before the first event can arrive.
   */
  #open(
    credentials: AmiCredentials,
    onLost: (reason: string) => void,
    onCreated?: (m: ManagerInstance) => void,
  ): Promise<ManagerInstance> {
    const m = Manager();
    m.options = {
      port: this.#o.port,
      host: this.#o.host,
      username: credentials.username,
      password: credentials.secret,
      events: true,
    };
    onCreated?.(m);
    m.on('managerevent', (e: RawMessage) => this.#onManagerEvent(m, e));
    // A refused or reset socket reports its cause only as an 'error' before 'close'.
    let socketError = '';
    const closed = () => `connection closed${socketError ? ` (${socketError})` : ''}`;
    m.on('error', (err: Error) => {
      socketError = err.message;
      this.#o.logger?.debug({ err: err.message }, 'AMI socket error');
    });
    return new Promise<ManagerInstance>((resolve, reject) => {
      let settled = false;
      // A login never answered (a silent peer) must not hold a rotation or a reconnect forever.
      const timer = setTimeout(
        () => fail(new AmiError(`AMI login not answered after ${this.#o.actionTimeoutMs} ms`)),
        this.#o.actionTimeoutMs,
      );
      const fail = (err: AmiError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        m.removeAllListeners('close');
        m.disconnect();
        this.#emitter.emit('dropped', m);
        reject(err);
      };
      m.on('close', () => fail(new AmiError(closed())));
      m.connect(this.#o.port, this.#o.host, (err) => {
        if (err) return fail(new AmiError(String(err)));
        m.login((loginErr) => {
          if (loginErr) return fail(new AmiLoginRefused(`login refused: ${str(loginErr.message)}`));
          if (settled) return; // timed out meanwhile
          settled = true;
          clearTimeout(timer);
          m.removeAllListeners('close');
          m.on('close', () => onLost(closed()));
          resolve(m);
        });
      });
    });
  }

  #connect(): void {
    if (this.#stopped) return;
    this.#setState('connecting');
    let session: ManagerInstance | undefined;
    this.#open(this.#credentials, (reason) => this.#lost(session, reason)).then(
      (m) => {
        session = m;
        if (this.#stopped) return void m.disconnect();
        this.#failures = 0;
        // Logged in: a rotation still pending starts again from this session.
        this.#alternate = undefined;
        this.#manager = m;
        this.#setState('connected');
      },
      (err: AmiError) => {
        // During a rotation the other secret may be the one Asterisk has (it restarted meanwhile).
        if (err instanceof AmiLoginRefused && this.#alternate) {
          [this.#credentials, this.#alternate] = [this.#alternate, this.#credentials];
        }
        this.#setState('disconnected', err.message);
        this.#scheduleReconnect(err.message);
      },
    );
  }

  /** A logged-in session closed. */
  #lost(m: ManagerInstance | undefined, reason: string): void {
    if (!m) return;
    m.removeAllListeners('close');
    m.disconnect();
    this.#emitter.emit('dropped', m);
    this.#retiring.delete(m);
    const h = this.#handover;
    if (h && (h.old === m || h.next === m)) {
      if (!h.splice.switched) {
        this.#abortHandover(new AmiError('AMI connection lost during the rotation'));
        if (h.next === m) return; // the old session serves on
      } else if (h.next === m) this.#handover = undefined;
      // (The old one lost after the switch: the new stream still needs splicing up to its marker.)
    }
    if (m !== this.#manager) return;
    this.#manager = undefined;
    this.#setState('disconnected', reason);
    this.#scheduleReconnect(reason);
  }

  #abortHandover(err: AmiError): void {
    const h = this.#handover;
    if (!h) return;
    this.#handover = undefined;
    h.switched.reject(err);
    // Its 'close' settles a login still in flight (rejects #open) or reports the loss.
    if (h.next !== this.#manager) h.next.disconnect();
  }

  #onManagerEvent(m: ManagerInstance, e: RawMessage): void {
    const h = this.#handover;
    if (h && (m === h.old || m === h.next)) {
      const wasSwitched = h.splice.switched;
      this.#deliver(m === h.old ? h.splice.fromOld(e) : h.splice.fromNew(e));
      if (!wasSwitched && h.splice.switched) this.#switchTo(h);
      if (h.splice.complete && this.#handover === h) this.#handover = undefined;
      return;
    }
    if (m === this.#manager) this.#emitter.emit('event', typedEvent(e));
  }

  #deliver(events: readonly RawMessage[]): void {
    for (const e of events) this.#emitter.emit('event', typedEvent(e));
  }

  /** The new session serves from now on; the old one answers what it was asked, then logs off. */
  #switchTo(h: HandOver): void {
    const old = h.old;
    this.#manager = h.next;
    this.#credentials = h.credentials;
    this.#alternate = undefined;
    if (h.splice.complete) this.#handover = undefined;
    h.switched.resolve();
    if (old === h.next) return;
    this.#retiring.add(old);
    void this.#retire(old);
  }

  async #retire(m: ManagerInstance): Promise<void> {
    for (let set = this.#inFlight.get(m); set?.size; set = this.#inFlight.get(m))
      await Promise.allSettled([...set]);
    if (!this.#retiring.has(m)) return; // lost or stopped meanwhile
    await this.#logoff(m);
    this.#retiring.delete(m);
  }

  async #logoff(m: ManagerInstance): Promise<void> {
    m.removeAllListeners('close');
    m.on('close', () => this.#emitter.emit('dropped', m));
    try {
      await this.#actionWithId(m, { action: 'Logoff' }, `sb-${++nextId}`);
    } catch {
      // Asterisk closes the socket after "Goodbye" anyway; nothing to wait for.
    }
    await new Promise<void>((resolve) => m.disconnect(resolve));
  }

  #scheduleReconnect(reason: string): void {
    if (this.#stopped) return;
    this.#failures++;
    const delay = reconnectDelay(
      this.#failures,
      this.#o.minBackoffMs,
      this.#o.maxBackoffMs,
      this.#o.random,
    );
    this.#o.logger?.warn(
      { host: this.#o.host, reason, retryInMs: delay },
      'AMI disconnected; reconnecting',
    );
    this.#timer = setTimeout(() => this.#connect(), delay);
  }

  #setState(state: AmiState, reason?: string): void {
    if (state === this.#state) return;
    this.#state = state;
    connectedGauge.set({ host: this.#o.host }, state === 'connected' ? 1 : 0);
    this.#emitter.emit('state', state, reason);
  }
}

function toResponse(m: RawMessage, actionid: string): AmiResponse {
  const message = m.message === undefined ? undefined : str(m.message).trim();
  return {
    response: str(m.response),
    actionid,
    ...(message === undefined ? {} : { message }),
    fields: m,
  };
}
