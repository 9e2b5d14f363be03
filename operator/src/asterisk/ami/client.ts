// A typed, promise-based AMI client around `asterisk-manager`:
// - every action has a timeout; an Error response rejects with its message;
// - nothing is sent before login completes (actions wait for the connection);
// - `Command` actions are serialised (asterisk-manager mis-routes concurrent
//   ones: their responses carry no usable ActionID);
// - a dropped connection is re-established with capped exponential backoff
//   (250 ms doubling to 3 s, equal jitter) and a fresh login, each time on a
//   new asterisk-manager instance;
// - list actions (PJSIPShowEndpoints, …) collect their events up to *Complete.
import { EventEmitter } from 'node:events';
import Manager, { type RawMessage } from 'asterisk-manager';
import { Gauge } from 'prom-client';
import type { Logger } from '../../log.ts';
import { registry } from '../../metrics.ts';
import { type AmiEvent, type AmiResponse, typedEvent } from './messages.ts';

export type AmiState = 'disconnected' | 'connecting' | 'connected';

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

const connectedGauge = new Gauge({
  name: 'switchboard_ami_connected',
  help: '1 while logged in to Asterisk AMI.',
  labelNames: ['host'],
  registers: [registry],
});

let nextId = 0;
const str = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join('\n') : (v ?? ''));

export class AmiClient {
  readonly #o: Required<Omit<AmiClientOptions, 'logger'>> & { logger?: Logger };
  readonly #emitter = new EventEmitter();
  #manager: ReturnType<typeof Manager> | undefined;
  #state: AmiState = 'disconnected';
  #stopped = true;
  #failures = 0;
  #timer: NodeJS.Timeout | undefined;
  #commands: Promise<unknown> = Promise.resolve();

  constructor(options: AmiClientOptions) {
    this.#o = {
      actionTimeoutMs: 10_000,
      minBackoffMs: 250,
      maxBackoffMs: 3_000,
      random: Math.random,
      ...options,
    };
    this.#emitter.setMaxListeners(0);
  }

  get state(): AmiState {
    return this.#state;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#connect();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    const m = this.#manager;
    this.#manager = undefined;
    if (m) await new Promise<void>((resolve) => m.disconnect(resolve));
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
    const actionid = `sb-${++nextId}`;
    return await new Promise<AmiResponse>((resolve, reject) => {
      const onDrop = () => finish(new AmiError(`AMI connection lost during ${fields.action}`));
      const timer = setTimeout(
        () =>
          finish(
            new AmiError(`AMI ${fields.action} timed out after ${this.#o.actionTimeoutMs} ms`),
          ),
        this.#o.actionTimeoutMs,
      );
      const callback = (err: RawMessage | undefined, res: RawMessage) => {
        const response = toResponse(err ?? res, actionid);
        if (err) finish(new AmiError(response.message ?? 'AMI error', response));
        else finish(undefined, response);
      };
      const finish = (error?: Error, response?: AmiResponse) => {
        clearTimeout(timer);
        m.removeListener(actionid, callback);
        this.#emitter.off('dropped', onDrop);
        if (error) reject(error);
        else resolve(response as AmiResponse);
      };
      this.#emitter.once('dropped', onDrop);
      m.action({ ...fields, actionid }, callback);
    });
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
    const wanted = typeof itemEvent === 'string' ? [itemEvent] : itemEvent;
    await this.ready();
    const m = this.#manager;
    if (!m) throw new AmiError('AMI not connected');
    const items: RawMessage[] = [];
    let id = '';
    const done = new Promise<void>((resolve) => {
      const onEvent = (e: RawMessage) => {
        if (str(e.actionid) !== id) return;
        if (wanted.includes(str(e.event))) items.push(e);
        else if (str(e.event) === completeEvent) {
          m.removeListener('managerevent', onEvent);
          resolve();
        }
      };
      m.on('managerevent', onEvent);
    });
    const actionid = `sb-${++nextId}`;
    id = actionid;
    try {
      await this.#actionWithId(m, fields, actionid);
    } catch (err) {
      if (err instanceof AmiError && /^No .* found/.test(err.message)) return [];
      throw err;
    }
    let timer: NodeJS.Timeout | undefined;
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
    ]).finally(() => clearTimeout(timer));
    return items;
  }

  async #actionWithId(
    m: ReturnType<typeof Manager>,
    fields: Record<string, string>,
    actionid: string,
  ): Promise<AmiResponse> {
    return await new Promise<AmiResponse>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new AmiError(`AMI ${fields.action} timed out after ${this.#o.actionTimeoutMs} ms`),
          ),
        this.#o.actionTimeoutMs,
      );
      m.action({ ...fields, actionid }, (err, res) => {
        clearTimeout(timer);
        const response = toResponse(err ?? res, actionid);
        if (err) reject(new AmiError((response.message ?? 'AMI error').trim(), response));
        else resolve(response);
      });
    });
  }

  #connect(): void {
    if (this.#stopped) return;
    this.#setState('connecting');
    const m = Manager();
    m.options = {
      port: this.#o.port,
      host: this.#o.host,
      username: this.#o.username,
      password: this.#o.secret,
      events: true,
    };
    this.#manager = m;
    let settled = false;
    const fail = (reason: string) => {
      if (settled) return;
      settled = true;
      if (this.#manager === m) this.#manager = undefined;
      m.removeAllListeners('close');
      m.disconnect();
      this.#emitter.emit('dropped');
      this.#setState('disconnected', reason);
      this.#scheduleReconnect(reason);
    };
    m.on('managerevent', (e: RawMessage) => this.#emitter.emit('event', typedEvent(e)));
    // A refused or reset socket reports its cause only as an 'error' before 'close'.
    let socketError = '';
    const closed = () => `connection closed${socketError ? ` (${socketError})` : ''}`;
    m.on('close', () => fail(closed()));
    m.on('error', (err: Error) => {
      socketError = err.message;
      this.#o.logger?.debug({ err: err.message }, 'AMI socket error');
    });
    m.connect(this.#o.port, this.#o.host, (err) => {
      if (err) return fail(String(err));
      m.login((loginErr) => {
        if (loginErr) return fail(`login refused: ${str(loginErr.message)}`);
        this.#failures = 0;
        m.removeAllListeners('close');
        m.on('close', () => {
          settled = false;
          fail(closed());
        });
        this.#setState('connected');
      });
    });
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
