// <sb-credentials-dialog>: the SIP credentials, shown once right after they
// were made. Nothing here is stored: closing the dialog forgets them, and no
// API call returns the password again.
import { html, LitElement, nothing } from 'lit';
import type { SipCredentials } from '../api/types.ts';
import { pageStyles } from '../ui/styles.ts';
import { credentialsStyles } from './hr-styles.ts';

export class SbCredentialsDialog extends LitElement {
  static override properties = {
    _credentials: { state: true },
    _title: { state: true },
    _copied: { state: true },
  };

  static override styles = [pageStyles, credentialsStyles];

  declare _credentials: SipCredentials | undefined;
  declare _title: string;
  declare _copied: string | undefined;

  constructor() {
    super();
    this._credentials = undefined;
    this._title = '';
    this._copied = undefined;
  }

  /** Shows the credentials (modal) until the admin closes the dialog. */
  async show(title: string, credentials: SipCredentials): Promise<void> {
    this._title = title;
    this._credentials = credentials;
    this._copied = undefined;
    await this.updateComplete;
    this.renderRoot.querySelector('dialog')?.showModal();
  }

  #close() {
    this.renderRoot.querySelector('dialog')?.close();
  }

  #forget() {
    this._credentials = undefined;
    this._copied = undefined;
    this.dispatchEvent(new CustomEvent('closed', { bubbles: true, composed: true }));
  }

  async #copy(label: string, value: string) {
    try {
      await navigator.clipboard.writeText(value);
      this._copied = `${label} copied to the clipboard.`;
    } catch {
      this._copied = `Copying failed: select the ${label.toLowerCase()} and copy it by hand.`;
    }
  }

  #row(id: string, label: string, value: string) {
    return html`<div class="credential">
      <label for=${id}>${label}</label>
      <div class="copy-row">
        <input id=${id} .value=${value} readonly spellcheck="false" />
        <button type="button" data-copy=${id} @click=${() => this.#copy(label, value)} aria-label=${`Copy ${label}`}>
          Copy
        </button>
      </div>
    </div>`;
  }

  override render() {
    const c = this._credentials;
    return html`<dialog aria-labelledby="cred-title" @close=${this.#forget}>
      ${
        c
          ? html`<h2 id="cred-title">${this._title}</h2>
              <p class="warning" role="note">
                <strong>Copy these now.</strong> The password will not be shown again: after you
                close this dialog only "Regenerate" can make new credentials.
              </p>
              ${this.#row('cred-username', 'SIP username', c.username)}
              ${this.#row('cred-password', 'SIP password', c.password)}
              ${this.#row('cred-extension', 'Extension', c.extension === null ? '' : String(c.extension))}
              <p class="copied" role="status" aria-live="polite">${this._copied ?? ''}</p>
              <div class="actions">
                <button class="primary" type="button" @click=${this.#close}>I have copied them</button>
              </div>`
          : nothing
      }
    </dialog>`;
  }
}

if (!customElements.get('sb-credentials-dialog'))
  customElements.define('sb-credentials-dialog', SbCredentialsDialog);

declare global {
  interface HTMLElementTagNameMap {
    'sb-credentials-dialog': SbCredentialsDialog;
  }
}
