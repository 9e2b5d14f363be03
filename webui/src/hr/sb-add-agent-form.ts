// <sb-add-agent-form>: "Add Agent" in a dialog. The API validates (from the
// CRD schema) and its field messages appear under the fields they name.
// Fires "agent-created" with the API's answer (which holds the credentials).
import { html, LitElement, nothing } from 'lit';
import { ApiError, request } from '../api/client.ts';
import type { CredentialsAnswer } from '../api/types.ts';
import { errorsByField } from '../ui/field-errors.ts';
import { pageStyles } from '../ui/styles.ts';

const FIELDS = ['name', 'phoneNumber', 'extension', 'password'] as const;

export class SbAddAgentForm extends LitElement {
  static override properties = {
    _errors: { state: true },
    _busy: { state: true },
  };

  static override styles = [pageStyles];

  declare _errors: Map<string, string>;
  declare _busy: boolean;

  constructor() {
    super();
    this._errors = new Map();
    this._busy = false;
  }

  open(): void {
    const form = this.renderRoot.querySelector('form');
    form?.reset();
    this._errors = new Map();
    this.renderRoot.querySelector('dialog')?.showModal();
  }

  async #submit(e: SubmitEvent) {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const text = (k: string) => String(data.get(k) ?? '').trim();
    const body: Record<string, unknown> = {
      name: text('name'),
      password: String(data.get('password') ?? ''),
      accountType: 'agent',
    };
    if (text('phoneNumber')) body.phoneNumber = text('phoneNumber');
    if (data.get('supervisor') === 'on') body.supervisor = true;
    // Sent as typed: the API's schema says what a valid extension is.
    if (text('extension'))
      body.extension = /^\d+$/.test(text('extension'))
        ? Number(text('extension'))
        : text('extension');
    this._busy = true;
    this._errors = new Map();
    try {
      const answer = await request<CredentialsAnswer>('POST', '/hr/users', body);
      this.renderRoot.querySelector('dialog')?.close();
      this.dispatchEvent(
        new CustomEvent('agent-created', { detail: answer, bubbles: true, composed: true }),
      );
    } catch (err) {
      const e2 = err instanceof ApiError ? err : new ApiError(0, String(err));
      this._errors = e2.errors.length
        ? errorsByField(e2.errors, FIELDS)
        : new Map([['(form)', e2.message]]);
      await this.updateComplete;
      const first = FIELDS.find((f) => this._errors.has(f));
      if (first)
        (this.renderRoot.querySelector(`#agent-${first}`) as HTMLInputElement | null)?.focus();
    } finally {
      this._busy = false;
    }
  }

  #field(
    name: (typeof FIELDS)[number],
    label: string,
    attrs: {
      type?: string;
      hint?: string;
      required?: boolean;
      autocomplete?: string;
      inputmode?: string;
    },
  ) {
    const error = this._errors.get(name);
    const id = `agent-${name}`;
    const described = [attrs.hint ? `${id}-hint` : '', error ? `${id}-error` : '']
      .filter(Boolean)
      .join(' ');
    return html`<div class="field">
      <label for=${id}>${label}${attrs.required ? nothing : html` <span class="hint">(optional)</span>`}</label>
      <input
        id=${id}
        name=${name}
        type=${attrs.type ?? 'text'}
        autocomplete=${attrs.autocomplete ?? 'off'}
        inputmode=${attrs.inputmode ?? nothing}
        aria-invalid=${error ? 'true' : 'false'}
        aria-describedby=${described || nothing}
        ?required=${attrs.required}
      />
      ${attrs.hint ? html`<p class="hint" id=${`${id}-hint`}>${attrs.hint}</p>` : nothing}
      ${error ? html`<p class="field-error" id=${`${id}-error`}>${error}</p>` : nothing}
    </div>`;
  }

  override render() {
    const formError = this._errors.get('(form)');
    return html`<dialog aria-labelledby="add-title">
      <h2 id="add-title">Add agent</h2>
      ${formError ? html`<p class="alert" role="alert">${formError}</p>` : nothing}
      <form @submit=${this.#submit} novalidate>
        ${this.#field('name', 'Full name', { required: true, hint: 'As callers see it, e.g. "John Doe".' })}
        ${this.#field('phoneNumber', 'Phone number', { type: 'tel', autocomplete: 'off', hint: 'As you would write it, e.g. +232 76 123 456; stored as +23276123456.' })}
        ${this.#field('extension', 'Extension', { inputmode: 'numeric', hint: 'Leave empty to take the next free one.' })}
        ${this.#field('password', 'Login password', { type: 'password', required: true, autocomplete: 'new-password', hint: 'For the agent to sign in to the softphone (8+ characters). Stored only as a hash.' })}
        <div class="field">
          <label for="agent-supervisor">
            <input id="agent-supervisor" name="supervisor" type="checkbox" aria-describedby="agent-supervisor-hint" />
            Supervisor
          </label>
          <p class="hint" id="agent-supervisor-hint">Signs in to the wallboard and may listen to, whisper to or join agents' calls from the softphone; never sees agents, credentials or settings.</p>
        </div>
        ${this._errors.size && !formError ? html`<p class="visually-hidden" role="alert">The form has errors: ${[...this._errors.entries()].map(([f, m]) => `${f}: ${m}`).join('; ')}</p>` : nothing}
        <div class="actions">
          <button type="button" @click=${() => this.renderRoot.querySelector('dialog')?.close()}>Cancel</button>
          <button class="primary" type="submit" ?disabled=${this._busy}>${this._busy ? 'Creating…' : 'Create agent'}</button>
        </div>
      </form>
    </dialog>`;
  }
}

if (!customElements.get('sb-add-agent-form'))
  customElements.define('sb-add-agent-form', SbAddAgentForm);

declare global {
  interface HTMLElementTagNameMap {
    'sb-add-agent-form': SbAddAgentForm;
  }
}
