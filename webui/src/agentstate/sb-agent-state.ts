// <sb-agent-state>: the signed-in agent's queue state inside the softphone:
// Available / Paused: <reason> / Signed out (since hh:mm), on a call, the
// wrap-up countdown, the queues it is in (or may serve), and the controls to
// change it. The state lives in Asterisk; AgentStateController mirrors it.
// `events` is the softphone's event stream (one EventSource per page).
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { live } from 'lit/directives/live.js';
import type { AgentStateChange } from '../api/types.ts';
import type { AgentEventFeed } from '../softphone/line-watch.ts';
import { AgentStateController } from './agent-state-controller.ts';
import { agentStateStyles } from './agent-state-styles.ts';
import {
  clockTime,
  formatCountdown,
  presenceLabel,
  queuesText,
  wrapUpLeftMs,
} from './agent-state-text.ts';

export class SbAgentState extends LitElement {
  static override properties = {
    events: { attribute: false },
    _reason: { state: true },
  };

  static override styles = agentStateStyles;

  /** The agent's event stream ("agent-state" events), shared with the softphone. */
  declare events: AgentEventFeed | undefined;
  /** The pause reason picked in the list ('' : the current one, else the first). */
  declare _reason: string;

  readonly state = new AgentStateController(this);
  /** The presence and reason last shown: a new one (an admin's pause, say) resets the pick. */
  #shown = '';

  constructor() {
    super();
    this.events = undefined;
    this._reason = '';
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('events')) this.state.follow(this.events);
    const v = this.state.view;
    const shown = v ? `${v.presence}:${v.reason ?? ''}` : '';
    if (shown !== this.#shown) {
      this.#shown = shown;
      this._reason = '';
    }
  }

  /** The reason the Pause button gives. */
  #pickedReason(): string {
    const reasons = this.state.pauseReasons;
    if (this._reason && reasons.includes(this._reason)) return this._reason;
    const current = this.state.view?.presence === 'paused' ? this.state.view.reason : undefined;
    return current && reasons.includes(current) ? current : (reasons[0] ?? '');
  }

  #change(change: AgentStateChange): void {
    void this.state.change(change);
  }

  override render() {
    const s = this.state;
    const v = s.view;
    const left = v ? wrapUpLeftMs(v, s.now) : 0;
    const since = clockTime(v?.since);
    return html`<section
      aria-labelledby="agent-state-title"
      class="agent-state"
      data-presence=${v?.presence ?? 'unknown'}
      aria-busy=${s.pending ? 'true' : 'false'}
    >
      <h3 id="agent-state-title">Queue status</h3>
      <p class="presence" role="status" aria-live="polite">
        <span class="dot" aria-hidden="true"></span>
        <span class="presence-text">${v ? presenceLabel(v) : 'Loading…'}</span>
        ${since ? html`<span class="since">since ${since}</span>` : nothing}
        ${v?.onCall ? html`<span class="badge on-call">On a call</span>` : nothing}
        ${left > 0 ? html`<span class="badge in-wrap-up">Wrap-up</span>` : nothing}
      </p>
      ${
        left > 0
          ? html`<p class="wrap-up" role="timer" aria-label="Wrap-up time left">
            Wrap-up: <span class="countdown">${formatCountdown(left)}</span> left before the next queue call
          </p>`
          : nothing
      }
      ${v ? html`<p class="queues">${queuesText(v)}</p>` : nothing}
      ${
        v && !v.live
          ? html`<p class="hint stale">
            The phone system cannot be reached right now: this is the last state it reported.
          </p>`
          : nothing
      }
      ${this.#renderControls()} ${this.#renderProblem()}
    </section>`;
  }

  #renderControls() {
    const s = this.state;
    const reasons = s.pauseReasons;
    const reason = this.#pickedReason();
    const off = !s.view || s.pending !== undefined;
    return html`<div class="row state-controls" role="group" aria-label="Change your queue status">
      <button
        type="button"
        class="available"
        aria-pressed=${s.isCurrent('available') ? 'true' : 'false'}
        ?disabled=${off}
        @click=${() => this.#change({ presence: 'available' })}
      >
        Available
      </button>
      <div class="pause-reason">
        <div>
          <label for="pause-reason">Pause reason</label>
          <select
            id="pause-reason"
            ?disabled=${reasons.length === 0}
            @change=${(e: Event) => {
              this._reason = (e.target as HTMLSelectElement).value;
            }}
          >
            ${reasons.map((r) => html`<option value=${r} .selected=${live(r === reason)}>${r}</option>`)}
          </select>
        </div>
        <button
          type="button"
          class="pause"
          aria-pressed=${s.isCurrent('paused', reason) ? 'true' : 'false'}
          ?disabled=${off || !reason}
          @click=${() => this.#change({ presence: 'paused', reason: this.#pickedReason() })}
        >
          Pause
        </button>
      </div>
      <button
        type="button"
        class="sign-out"
        aria-pressed=${s.isCurrent('signed-out') ? 'true' : 'false'}
        ?disabled=${off}
        @click=${() => this.#change({ presence: 'signed-out' })}
      >
        Sign out of queues
      </button>
    </div>`;
  }

  #renderProblem() {
    const p = this.state.problem;
    if (!p) return nothing;
    return html`<div class="error state-error" role="alert">
      <p class="state-error-text">${p.message}</p>
      ${
        p.retry
          ? html`<button
            type="button"
            class="retry"
            ?disabled=${this.state.pending !== undefined}
            @click=${() => void this.state.retry()}
          >
            Try again
          </button>`
          : nothing
      }
    </div>`;
  }
}

if (!customElements.get('sb-agent-state')) customElements.define('sb-agent-state', SbAgentState);

declare global {
  interface HTMLElementTagNameMap {
    'sb-agent-state': SbAgentState;
  }
}
