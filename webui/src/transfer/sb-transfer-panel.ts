// <sb-transfer-panel>: where an agent sends the caller. Type an extension,
// queue number or outside number, or a name: matching agents and queues
// (GET /softphone/directory, loaded when the panel opens) are buttons that
// transfer at once. Emits `sb-transfer` {target} and `sb-transfer-cancel`;
// the softphone does the SIP (call-transfer.ts). With mode="consult" the
// same search picks whom to call first (an attended transfer, call-consult.ts).
import { html, LitElement, nothing } from 'lit';
import { type DirectoryEntry, matchDirectory } from './directory-match.ts';
import { transferStyles } from './transfer-styles.ts';

export interface TransferDetail {
  readonly target: string;
  /** What the agent picked, for the "Transferring to …" note. */
  readonly label: string;
}

export class SbTransferPanel extends LitElement {
  static override properties = {
    directoryUrl: { attribute: 'directory-url' },
    pending: { type: Boolean, reflect: true },
    mode: { reflect: true },
    _query: { state: true },
    _entries: { state: true },
    _loadError: { state: true },
  };

  static override styles = transferStyles;

  /** Where the directory is (unset: typed numbers only, e.g. a page without the API). */
  declare directoryUrl: string | undefined;
  /** A transfer is under way: nothing can be picked. */
  declare pending: boolean;
  /** "transfer": the caller goes at once; "consult": the agent calls the target first. */
  declare mode: 'transfer' | 'consult';
  declare _query: string;
  declare _entries: DirectoryEntry[];
  declare _loadError: string | undefined;
  #abort: AbortController | undefined;

  constructor() {
    super();
    this.directoryUrl = undefined;
    this.pending = false;
    this.mode = 'transfer';
    this._query = '';
    this._entries = [];
    this._loadError = undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#abort?.abort();
  }

  protected override firstUpdated(): void {
    this.renderRoot.querySelector<HTMLInputElement>('#transfer-to')?.focus();
  }

  async #load(): Promise<void> {
    if (!this.directoryUrl) return;
    this.#abort = new AbortController();
    try {
      const res = await fetch(this.directoryUrl, {
        credentials: 'same-origin',
        signal: this.#abort.signal,
      });
      if (!res.ok) throw new Error(`${res.status}`);
      this._entries = ((await res.json()) as { entries: DirectoryEntry[] }).entries;
    } catch (error) {
      if ((error as Error).name === 'AbortError') return;
      this._loadError = 'The list of agents and queues could not be loaded: type a number.';
    }
  }

  #send(target: string, label: string): void {
    if (this.pending || target.trim() === '') return;
    this.dispatchEvent(
      new CustomEvent<TransferDetail>('sb-transfer', {
        detail: { target: target.trim(), label },
        bubbles: true,
        composed: true,
      }),
    );
  }

  readonly #submit = (e: Event) => {
    e.preventDefault();
    const typed = this._query.trim();
    // a name typed in full (not a number): the one match it names
    const only = matchDirectory(this._entries, typed);
    const named = /[A-Za-z]/.test(typed) && only.length === 1 ? only[0] : undefined;
    if (named) this.#send(named.number, named.name);
    else this.#send(typed, typed);
  };

  readonly #cancel = () =>
    this.dispatchEvent(new CustomEvent('sb-transfer-cancel', { bubbles: true, composed: true }));

  override render() {
    const matches = matchDirectory(this._entries, this._query);
    const consult = this.mode === 'consult';
    return html`<form @submit=${this.#submit} @keydown=${(e: KeyboardEvent) => {
      if (e.key === 'Escape') this.#cancel();
    }}>
      <label for="transfer-to">${consult ? 'Consult' : 'Transfer to'}</label>
      <input
        id="transfer-to"
        autocomplete="off"
        placeholder="Name, extension, queue or number"
        aria-describedby="transfer-help"
        .value=${this._query}
        ?disabled=${this.pending}
        @input=${(e: Event) => {
          this._query = (e.target as HTMLInputElement).value;
        }}
      />
      <p class="hint" id="transfer-help">
        ${
          this._loadError ??
          (consult
            ? 'The caller waits on hold with music while you talk.'
            : 'The caller goes there at once; your call ends.')
        }
      </p>
      ${
        matches.length > 0
          ? html`<ul class="matches" aria-label="Agents and queues">
            ${matches.map(
              (m) => html`<li>
                <button
                  type="button"
                  class="target"
                  data-number=${m.number}
                  ?disabled=${this.pending}
                  @click=${() => this.#send(m.number, m.name)}
                >
                  <span class="name">${m.name}</span>
                  <span class="number">${m.kind === 'queue' ? 'queue' : 'agent'} · ${m.number}</span>
                </button>
              </li>`,
            )}
          </ul>`
          : nothing
      }
      <div class="row">
        <button class="primary transfer-now" type="submit" ?disabled=${this.pending}>
          ${consult ? 'Call' : this.pending ? 'Transferring…' : 'Transfer'}
        </button>
        <button class="cancel" type="button" ?disabled=${this.pending} @click=${this.#cancel}>
          Cancel
        </button>
      </div>
    </form>`;
  }
}

if (!customElements.get('sb-transfer-panel'))
  customElements.define('sb-transfer-panel', SbTransferPanel);

declare global {
  interface HTMLElementTagNameMap {
    'sb-transfer-panel': SbTransferPanel;
  }
}
