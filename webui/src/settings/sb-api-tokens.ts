// <sb-api-tokens>: the admin's API tokens for scripts and HR systems (sent as
// "Authorization: Bearer …"): make one with a name, scopes and an expiry (the
// token is shown once, here, and never again), see when each was last used,
// revoke one (confirmed).
import { html, LitElement, nothing } from 'lit';
import { ApiError, request } from '../api/client.ts';
import { errorsByField } from '../ui/field-errors.ts';
import type { SbConfirmDialog } from '../ui/sb-confirm-dialog.ts';
import '../ui/sb-confirm-dialog.ts';
import { pageStyles } from '../ui/styles.ts';
import {
  type ApiTokenInfo,
  type ApiTokenList,
  type CreateApiTokenBody,
  type CreatedApiToken,
  TOKEN_SCOPES,
  type TokenScope,
} from './api-token-types.ts';
import { settingsStyles } from './settings-styles.ts';

const FIELDS = ['name', 'scopes', 'expiresInDays'] as const;
const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : 'never');

export class SbApiTokens extends LitElement {
  static override properties = {
    _tokens: { state: true },
    _name: { state: true },
    _scopes: { state: true },
    _days: { state: true },
    _created: { state: true },
    _errors: { state: true },
    _busy: { state: true },
  };

  static override styles = [pageStyles, settingsStyles];

  declare _tokens: readonly ApiTokenInfo[];
  declare _name: string;
  declare _scopes: ReadonlySet<TokenScope>;
  declare _days: number;
  declare _created: CreatedApiToken | undefined;
  declare _errors: Map<string, string>;
  declare _busy: boolean;

  constructor() {
    super();
    this._tokens = [];
    this._name = '';
    this._scopes = new Set<TokenScope>(['agents:read']);
    this._days = 90;
    this._created = undefined;
    this._errors = new Map();
    this._busy = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  #fail(err: unknown) {
    const e = err instanceof ApiError ? err : new ApiError(0, String(err));
    this._errors = e.errors.length
      ? errorsByField(e.errors, FIELDS)
      : new Map([['(form)', e.message]]);
  }

  async #load() {
    try {
      this._tokens = (await request<ApiTokenList>('GET', '/auth/tokens')).tokens;
    } catch (err) {
      this.#fail(err);
    }
  }

  async #create(e: SubmitEvent) {
    e.preventDefault();
    this._busy = true;
    this._errors = new Map();
    this._created = undefined;
    const body: CreateApiTokenBody = {
      name: this._name.trim(),
      scopes: TOKEN_SCOPES.filter((s) => this._scopes.has(s)),
      expiresInDays: this._days,
    };
    try {
      this._created = await request<CreatedApiToken>('POST', '/auth/tokens', body);
      this._name = '';
      await this.#load();
    } catch (err) {
      this.#fail(err);
    } finally {
      this._busy = false;
    }
  }

  async #revoke(t: ApiTokenInfo) {
    const dialog = this.renderRoot.querySelector<SbConfirmDialog>('sb-confirm-dialog');
    const ok = await dialog?.ask(
      `Revoke ${t.name}?`,
      'Scripts that use this token are refused from now on. This cannot be undone.',
      'Revoke',
    );
    if (!ok) return;
    try {
      await request('DELETE', `/auth/tokens/${encodeURIComponent(t.id)}`);
      if (this._created?.tokenInfo.id === t.id) this._created = undefined;
      await this.#load();
    } catch (err) {
      this.#fail(err);
    }
  }

  #toggle(scope: TokenScope, on: boolean) {
    const next = new Set(this._scopes);
    if (on) next.add(scope);
    else next.delete(scope);
    this._scopes = next;
  }

  #error(field: string) {
    const message = this._errors.get(field);
    return message
      ? html`<p class="field-error" id=${`token-${field}-error`}>${message}</p>`
      : nothing;
  }

  override render() {
    return html`<section class="tokens">
      <h2>API tokens</h2>
      <p class="hint">For scripts and HR systems: send <code>Authorization: Bearer &lt;token&gt;</code>; no sign-in or CSRF token needed. Only a hash is stored.</p>
      ${this._errors.get('(form)') ? html`<p class="alert" role="alert">${this._errors.get('(form)')}</p>` : nothing}
      ${
        this._created
          ? html`<div class="notice" role="status">
              <p>Token <strong>${this._created.tokenInfo.name}</strong> made. Copy it now: it is not shown again.</p>
              <input class="token" readonly aria-label="New API token" .value=${this._created.token} @focus=${(e: FocusEvent) => (e.target as HTMLInputElement).select()} />
              <button type="button" @click=${() => void navigator.clipboard?.writeText(this._created?.token ?? '')}>Copy</button>
            </div>`
          : nothing
      }
      <table>
        <thead><tr><th>Name</th><th>Scopes</th><th>Last used</th><th>Expires</th><th></th></tr></thead>
        <tbody>
          ${
            this._tokens.length
              ? this._tokens.map(
                  (t) => html`<tr>
                    <td>${t.name}</td>
                    <td>${t.scopes.join(', ')}</td>
                    <td>${when(t.lastUsedAt)}</td>
                    <td>${t.expired ? html`<strong>expired</strong>` : when(t.expiresAt)}</td>
                    <td><button type="button" class="danger" @click=${() => this.#revoke(t)}>Revoke</button></td>
                  </tr>`,
                )
              : html`<tr><td colspan="5">No API tokens.</td></tr>`
          }
        </tbody>
      </table>
      <form @submit=${this.#create} novalidate>
        <div class="field">
          <label for="token-name">Name</label>
          <input id="token-name" .value=${this._name} placeholder="hr-sync" @input=${(
            e: InputEvent,
          ) => {
            this._name = (e.target as HTMLInputElement).value;
          }} aria-describedby="token-name-error" />
          ${this.#error('name')}
        </div>
        <fieldset class="scopes">
          <legend>Scopes</legend>
          ${TOKEN_SCOPES.map(
            (s) =>
              html`<label><input type="checkbox" .checked=${this._scopes.has(s)} @change=${(e: Event) => this.#toggle(s, (e.target as HTMLInputElement).checked)} /> ${s}</label>`,
          )}
          ${this.#error('scopes')}
        </fieldset>
        <div class="field">
          <label for="token-days">Expires after (days)</label>
          <input id="token-days" type="number" min="1" max="366" .value=${String(this._days)} @input=${(
            e: InputEvent,
          ) => {
            this._days = Number((e.target as HTMLInputElement).value);
          }} aria-describedby="token-expiresInDays-error" />
          ${this.#error('expiresInDays')}
        </div>
        <div class="actions">
          <button class="primary" type="submit" ?disabled=${this._busy}>${this._busy ? 'Creating…' : 'Create token'}</button>
        </div>
      </form>
      <sb-confirm-dialog></sb-confirm-dialog>
    </section>`;
  }
}

if (!customElements.get('sb-api-tokens')) customElements.define('sb-api-tokens', SbApiTokens);

declare global {
  interface HTMLElementTagNameMap {
    'sb-api-tokens': SbApiTokens;
  }
}
