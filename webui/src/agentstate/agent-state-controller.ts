// The signed-in agent's queue state, kept current for the page: read once
// (GET /softphone/state, which also names the pause reasons), then followed
// through the agent's event stream (event "agent-state": a pause an admin
// set, wrap-up after a queue call, a lost Asterisk), and changed by the agent
// (PUT /softphone/state). Asterisk holds the state; this only mirrors it.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { request } from '../api/client.ts';
import type { AgentStateChange, AgentStateView, OwnAgentState, Presence } from '../api/types.ts';
import type { AgentEventFeed } from '../softphone/line-watch.ts';
import { errorText, retryable, wrapUpLeftMs } from './agent-state-text.ts';

const STATE_PATH = '/softphone/state';

export interface AgentStateProblem {
  readonly message: string;
  /** "Try again" helps: the server or Asterisk could not take it just now. */
  readonly retry: boolean;
  /** The change that failed (undefined: reading the state failed). */
  readonly change?: AgentStateChange;
}

export class AgentStateController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  #feed: AgentEventFeed | undefined;
  #unsubscribe: (() => void)[] = [];
  #connected = false;
  /** Bumped by every state heard: an older read answering late must not undo a newer one. */
  #version = 0;
  #tick: ReturnType<typeof setInterval> | undefined;
  /** The stream's first "open" was heard (later ones are reconnects). */
  #opened = false;

  /** The state as last heard (undefined until the first answer). */
  view: AgentStateView | undefined;
  pauseReasons: readonly string[] = [];
  /** The change being sent (the controls wait for it). */
  pending: AgentStateChange | undefined;
  problem: AgentStateProblem | undefined;
  /** Date.now() of the last tick, while a wrap-up counts down. */
  now = Date.now();

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  /** Follows this event stream (the softphone's: one per page). */
  follow(feed: AgentEventFeed | undefined): void {
    if (feed === this.#feed) return;
    this.#feed = feed;
    this.#subscribe();
  }

  hostConnected(): void {
    this.#connected = true;
    this.#subscribe();
    void this.load();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#subscribe();
    this.#countdown();
  }

  /** Reads the state (and the pause reasons) from the server. */
  async load(): Promise<void> {
    const version = this.#version;
    try {
      const answer = await request<OwnAgentState>('GET', STATE_PATH);
      const { pauseReasons, ...view } = answer;
      this.pauseReasons = pauseReasons;
      if (this.#version === version) this.#set(view);
      if (!this.problem?.change) this.problem = undefined;
    } catch (err) {
      this.problem = { message: errorText(err), retry: retryable(err) || !this.view };
    }
    this.#host.requestUpdate();
  }

  /** Asks for a new state; the answer (Asterisk holds it then) becomes the state shown. */
  async change(change: AgentStateChange): Promise<void> {
    if (this.pending) return;
    this.pending = change;
    this.problem = undefined;
    this.#host.requestUpdate();
    try {
      const view = await request<AgentStateView>('PUT', STATE_PATH, change);
      this.#set(view);
    } catch (err) {
      this.problem = { message: errorText(err), retry: retryable(err), change };
    } finally {
      this.pending = undefined;
      this.#host.requestUpdate();
    }
  }

  /** Repeats what failed: the change, or reading the state. */
  retry(): Promise<void> {
    const change = this.problem?.change;
    return change ? this.change(change) : this.load();
  }

  /** Whether this presence (and reason) is the one in force. */
  isCurrent(presence: Presence, reason?: string): boolean {
    const v = this.view;
    return v?.presence === presence && (presence !== 'paused' || v.reason === reason);
  }

  #subscribe(): void {
    for (const off of this.#unsubscribe) off();
    this.#unsubscribe = [];
    const feed = this.#feed;
    if (!feed || !this.#connected) return;
    this.#unsubscribe = [
      feed.on('agent-state', (data) => {
        if (!data || typeof data !== 'object') return;
        this.#set(data as AgentStateView);
        // the stream speaks for Asterisk again: an old read error is stale now
        if (this.problem && !this.problem.change) this.problem = undefined;
        this.#host.requestUpdate();
      }),
      // after a reconnect (a replica restart, a blip) read again: a replica
      // that does not steer Asterisk forwards the read, not the stream
      feed.on('open', () => {
        if (this.#opened) void this.load();
        this.#opened = true;
      }),
    ];
  }

  #set(view: AgentStateView): void {
    this.#version++;
    this.view = view;
    this.now = Date.now();
    this.#countdown();
  }

  /** Ticks once a second while a wrap-up counts down, never otherwise. */
  #countdown(): void {
    const running = this.#connected && this.view && wrapUpLeftMs(this.view, Date.now()) > 0;
    if (!running) {
      clearInterval(this.#tick);
      this.#tick = undefined;
      return;
    }
    this.#tick ??= setInterval(() => {
      this.now = Date.now();
      if (!this.view || wrapUpLeftMs(this.view, this.now) === 0) this.#countdown();
      this.#host.requestUpdate();
    }, 1000);
  }
}
