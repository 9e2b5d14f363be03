// <sb-agent-state-dialog>: the admin sets an agent's queue state: available,
// paused with a reason, or signed out of every queue. open() shows the
// agent's current state; Apply runs the page's `submit` and closes only when
// it succeeded. A refusal (Asterisk unreachable, a bad reason) stays in the
// dialog with the API's message, so the admin can try again or cancel.
import { html, LitElement, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { clockTime, errorText, presenceLabel } from '../agentstate/agent-state-text.ts';
import type { AgentStateChange, AgentStateView, Presence } from '../api/types.ts';
import { pageStyles } from '../ui/styles.ts';
import { hrStyles } from './hr-styles.ts';

export type SubmitAgentState = (change: AgentStateChange) => Promise<void>;

const CHOICES: readonly { presence: Presence; label: string }[] = [
  { presence: 'available', label: 'Available (takes queue calls)' },
  { presence: 'paused', label: 'Paused' },
  { presence: 'signed-out', label: 'Signed out of every queue' },
];

export class SbAgentStateDialog extends LitElement {
  static override properties = {
    _name: { state: true },
    _current: { state: true },
    _reasons: { state: true },
    _presence: { state: true },
    _reason: { state: true },
    _error: { state: true },
    _busy: { state: true },
  };

  static override styles = [pageStyles, hrStyles];

  declare _name: string;
  declare _current: AgentStateView | undefined;
  declare _reasons: readonly string[];
  declare _presence: Presence;
  declare _reason: string;
  declare _error: string | undefined;
  declare _busy: boolean;
  #submit: SubmitAgentState | undefined;

  constructor() {
    super();
    this._name = '';
    this._current = undefined;
    this._reasons = [];
    this._presence = 'available';
    this._reason = '';
    this._error = undefined;
    this._busy = false;
  }

  /** Opens the dialog for one agent; resolves once it is shown. */
  async open(
    name: string,
    current: AgentStateView | undefined,
    pauseReasons: readonly string[],
    submit: SubmitAgentState,
  ): Promise<void> {
    this._name = name;
    this._current = current;
    this._reasons = pauseReasons;
    this._presence = current?.presence ?? 'available';
    this._reason =
      current?.presence === 'paused' && current.reason && pauseReasons.includes(current.reason)
        ? current.reason
        : (pauseReasons[0] ?? '');
    this._error = undefined;
    this._busy = false;
    this.#submit = submit;
    await this.updateComplete;
    this.renderRoot.querySelector('dialog')?.showModal();
    this.renderRoot.querySelector<HTMLInputElement>('input[name="presence"]:checked')?.focus();
  }

  #close() {
    this.renderRoot.querySelector('dialog')?.close();
  }

  async #apply(e: Event) {
    e.preventDefault();
    if (this._busy || !this.#submit) return;
    if (this._presence === 'paused' && !this._reason) {
      this._error = 'Pick the reason for the pause.';
      return;
    }
    const change: AgentStateChange =
      this._presence === 'paused'
        ? { presence: 'paused', reason: this._reason }
        : { presence: this._presence };
    this._busy = true;
    this._error = undefined;
    try {
      await this.#submit(change);
      this.#close();
    } catch (err) {
      this._error = errorText(err);
    } finally {
      this._busy = false;
    }
  }

  override render() {
    const c = this._current;
    const since = clockTime(c?.since);
    return html`<dialog aria-labelledby="state-title" @close=${() => {
      this.#submit = undefined;
    }}>
      <h2 id="state-title">Queue state of ${this._name}</h2>
      <p class="hint current-state">
        Now: ${c ? presenceLabel(c) : 'not known'}${since ? ` since ${since}` : ''}${c?.onCall ? ' · on a call' : ''}
      </p>
      <form @submit=${this.#apply} novalidate>
        <fieldset class="field">
          <legend>State</legend>
          ${CHOICES.map(
            (choice) => html`<label class="choice">
              <input
                type="radio"
                name="presence"
                value=${choice.presence}
                .checked=${this._presence === choice.presence}
                @change=${() => {
                  this._presence = choice.presence;
                }}
              />
              ${choice.label}
            </label>`,
          )}
        </fieldset>
        <div class="field">
          <label for="state-reason">Pause reason</label>
          <select
            id="state-reason"
            ?disabled=${this._presence !== 'paused' || this._reasons.length === 0}
            @change=${(e: Event) => {
              this._reason = (e.target as HTMLSelectElement).value;
            }}
          >
            ${this._reasons.map(
              (r) => html`<option value=${r} .selected=${live(r === this._reason)}>${r}</option>`,
            )}
          </select>
        </div>
        ${this._error ? html`<p class="alert state-error" role="alert">${this._error}</p>` : nothing}
        <div class="actions">
          <button class="cancel" type="button" @click=${() => this.#close()}>Cancel</button>
          <button class="primary apply" type="submit" ?disabled=${this._busy}>
            ${this._busy ? 'Applying…' : 'Apply'}
          </button>
        </div>
      </form>
    </dialog>`;
  }
}

if (!customElements.get('sb-agent-state-dialog'))
  customElements.define('sb-agent-state-dialog', SbAgentStateDialog);

declare global {
  interface HTMLElementTagNameMap {
    'sb-agent-state-dialog': SbAgentStateDialog;
  }
}
