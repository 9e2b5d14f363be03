// <sb-confirm-dialog>: asks before anything that cannot be undone.
// ask() resolves true only when the confirm button was pressed (Escape and
// Cancel resolve false). Focus starts on Cancel, the safe choice.
import { html, LitElement } from 'lit';
import { pageStyles } from './styles.ts';

export class SbConfirmDialog extends LitElement {
  static override properties = {
    _title: { state: true },
    _message: { state: true },
    _confirmLabel: { state: true },
  };

  static override styles = [pageStyles];

  declare _title: string;
  declare _message: string;
  declare _confirmLabel: string;
  #resolve: ((ok: boolean) => void) | undefined;

  constructor() {
    super();
    this._title = '';
    this._message = '';
    this._confirmLabel = 'Confirm';
  }

  async ask(title: string, message: string, confirmLabel: string): Promise<boolean> {
    this.#resolve?.(false);
    this._title = title;
    this._message = message;
    this._confirmLabel = confirmLabel;
    await this.updateComplete;
    const dialog = this.renderRoot.querySelector('dialog');
    dialog?.showModal();
    (this.renderRoot.querySelector('button.cancel') as HTMLButtonElement | null)?.focus();
    return new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  #finish(ok: boolean) {
    const resolve = this.#resolve;
    this.#resolve = undefined;
    this.renderRoot.querySelector('dialog')?.close();
    resolve?.(ok);
  }

  override render() {
    return html`<dialog
      role="alertdialog"
      aria-labelledby="confirm-title"
      aria-describedby="confirm-message"
      @close=${() => this.#finish(false)}
    >
      <h2 id="confirm-title">${this._title}</h2>
      <p id="confirm-message">${this._message}</p>
      <div class="actions">
        <button class="cancel" type="button" @click=${() => this.#finish(false)}>Cancel</button>
        <button class="danger confirm" type="button" @click=${() => this.#finish(true)}>
          ${this._confirmLabel}
        </button>
      </div>
    </dialog>`;
  }
}

if (!customElements.get('sb-confirm-dialog'))
  customElements.define('sb-confirm-dialog', SbConfirmDialog);

declare global {
  interface HTMLElementTagNameMap {
    'sb-confirm-dialog': SbConfirmDialog;
  }
}
