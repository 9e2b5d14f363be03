// <sb-dial-pad>: the twelve phone keys as real buttons (keyboard and screen
// reader friendly). Emits `sb-key` with {key}; the softphone uses it to type
// numbers and, during a call, to send DTMF.
import { css, html, LitElement } from 'lit';

const KEYS: readonly (readonly [string, string])[] = [
  ['1', ''],
  ['2', 'ABC'],
  ['3', 'DEF'],
  ['4', 'GHI'],
  ['5', 'JKL'],
  ['6', 'MNO'],
  ['7', 'PQRS'],
  ['8', 'TUV'],
  ['9', 'WXYZ'],
  ['*', ''],
  ['0', '+'],
  ['#', ''],
];

export interface DialPadKeyDetail {
  readonly key: string;
}

export class SbDialPad extends LitElement {
  static override properties = {
    label: { type: String },
    disabled: { type: Boolean, reflect: true },
  };

  declare label: string;
  declare disabled: boolean;

  static override styles = css`
    :host {
      display: block;
    }
    .pad {
      display: grid;
      grid-template-columns: repeat(3, 1fr);
      gap: 0.5rem;
    }
    button {
      min-height: 3rem;
      font: inherit;
      font-size: 1.25rem;
      border: 1px solid #b8c2cc;
      border-radius: 0.5rem;
      background: #f7f9fb;
      color: #1b2733;
      cursor: pointer;
      display: flex;
      flex-direction: column;
      align-items: center;
      justify-content: center;
      line-height: 1.1;
    }
    button:hover:not(:disabled) {
      background: #e8eef4;
    }
    button:focus-visible {
      outline: 3px solid #1a73e8;
      outline-offset: 2px;
    }
    button:disabled {
      opacity: 0.5;
      cursor: not-allowed;
    }
    small {
      font-size: 0.625rem;
      letter-spacing: 0.08em;
      color: #52606d;
      min-height: 0.7rem;
    }
  `;

  constructor() {
    super();
    this.label = 'Dial pad';
    this.disabled = false;
  }

  override render() {
    return html`<div class="pad" role="group" aria-label=${this.label}>
      ${KEYS.map(
        ([key, letters]) =>
          html`<button
            type="button"
            data-key=${key}
            aria-label=${letters ? `${key} ${letters}` : key}
            ?disabled=${this.disabled}
            @click=${() => this.#press(key)}
          >
            <span aria-hidden="true">${key}</span><small aria-hidden="true">${letters}</small>
          </button>`,
      )}
    </div>`;
  }

  #press(key: string): void {
    this.dispatchEvent(
      new CustomEvent<DialPadKeyDetail>('sb-key', {
        detail: { key },
        bubbles: true,
        composed: true,
      }),
    );
  }
}

if (!customElements.get('sb-dial-pad')) customElements.define('sb-dial-pad', SbDialPad);

declare global {
  interface HTMLElementTagNameMap {
    'sb-dial-pad': SbDialPad;
  }
}
