// <sb-login>: the sign-in form for the admin ("admin") and agents (their SIP
// username and login password). Fires "signed-in" with the new session.
import { html, LitElement, nothing } from 'lit';
import { ApiError, api } from '../api/client.ts';
import { loginStyles, pageStyles } from '../ui/styles.ts';

export class SbLogin extends LitElement {
  static override properties = {
    _error: { state: true },
    _busy: { state: true },
  };

  static override styles = [pageStyles, loginStyles];

  declare _error: string | undefined;
  declare _busy: boolean;

  constructor() {
    super();
    this._error = undefined;
    this._busy = false;
  }

  async #submit(e: SubmitEvent) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    this._busy = true;
    this._error = undefined;
    try {
      const session = await api.login(String(data.get('username')), String(data.get('password')));
      this.dispatchEvent(
        new CustomEvent('signed-in', { detail: session, bubbles: true, composed: true }),
      );
    } catch (err) {
      this._error = err instanceof ApiError ? err.message : String(err);
      (this.renderRoot.querySelector('#password') as HTMLInputElement | null)?.select();
    } finally {
      this._busy = false;
    }
  }

  override render() {
    return html`<main class="login">
      <h1>Sign in to Switchboard</h1>
      ${this._error ? html`<p class="alert" role="alert">${this._error}</p>` : nothing}
      <form @submit=${this.#submit} novalidate>
        <div class="field">
          <label for="username">Username</label>
          <input id="username" name="username" autocomplete="username" required autofocus />
          <p class="hint">Administrators: <code>admin</code>. Agents: your SIP username.</p>
        </div>
        <div class="field">
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required />
        </div>
        <div class="actions">
          <button class="primary" type="submit" ?disabled=${this._busy}>
            ${this._busy ? 'Signing in…' : 'Sign in'}
          </button>
        </div>
      </form>
    </main>`;
  }
}

if (!customElements.get('sb-login')) customElements.define('sb-login', SbLogin);

declare global {
  interface HTMLElementTagNameMap {
    'sb-login': SbLogin;
  }
}
