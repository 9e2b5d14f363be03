// <sb-call-note>: the agent's note on a call (issue 19): an outcome from the
// admin's list (WebRTCConfig spec.dispositions; no select when there is none)
// and a free-text note, saved with PUT /softphone/calls/<linkedid>/note. A
// note saved before (reopened after a reload, or saved during the call) is
// read back with GET when the call changes. The rules are call-note-form.ts.
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import type { Disposition } from '../../../operator/src/crds/types.ts';
import { ApiError, request } from '../api/client.ts';
import {
  EMPTY_FORM,
  formOf,
  formProblem,
  NOTE_MAX_CHARS,
  type NoteForm,
  noteBody,
} from './call-note-form.ts';
import { callNoteStyles } from './call-note-styles.ts';

type Status =
  | { kind: 'idle' }
  | { kind: 'saving' }
  | { kind: 'saved' }
  | { kind: 'error'; message: string };

export class SbCallNote extends LitElement {
  static override properties = {
    linkedid: { type: String },
    dispositions: { attribute: false },
    _form: { state: true },
    _status: { state: true },
  };
  static override styles = callNoteStyles;

  /** The call's history id (X-Switchboard-Call). */
  declare linkedid: string;
  declare dispositions: readonly Disposition[];
  declare _form: NoteForm;
  declare _status: Status;
  /** Only the answer for the call still shown fills the form. */
  #loading: AbortController | undefined;

  constructor() {
    super();
    this.linkedid = '';
    this.dispositions = [];
    this._form = EMPTY_FORM;
    this._status = { kind: 'idle' };
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('linkedid')) return;
    this._form = EMPTY_FORM;
    this._status = { kind: 'idle' };
    if (this.linkedid) void this.#load(this.linkedid);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#loading?.abort();
  }

  #path(linkedid: string): string {
    return `/softphone/calls/${encodeURIComponent(linkedid)}/note`;
  }

  async #load(linkedid: string): Promise<void> {
    this.#loading?.abort();
    const loading = new AbortController();
    this.#loading = loading;
    try {
      const saved = await request<{ disposition: string | null; note: string }>(
        'GET',
        this.#path(linkedid),
        undefined,
        loading.signal,
      );
      // the agent may have started typing meanwhile: their words win
      if (this._form === EMPTY_FORM) this._form = formOf(saved);
    } catch (err) {
      if (loading.signal.aborted) return;
      // 404: no note yet, the usual case
      if (err instanceof ApiError && err.status === 404) return;
      this._status = { kind: 'error', message: err instanceof Error ? err.message : String(err) };
    }
  }

  async #save(event: Event): Promise<void> {
    event.preventDefault();
    const problem = formProblem(this._form);
    if (problem) {
      this._status = { kind: 'error', message: problem };
      return;
    }
    this.#loading?.abort();
    const linkedid = this.linkedid;
    this._status = { kind: 'saving' };
    try {
      await request('PUT', this.#path(linkedid), noteBody(this._form));
      if (linkedid === this.linkedid) this._status = { kind: 'saved' };
    } catch (err) {
      if (linkedid !== this.linkedid) return;
      this._status = { kind: 'error', message: err instanceof Error ? err.message : String(err) };
    }
  }

  #edit(change: Partial<NoteForm>): void {
    this._form = { ...this._form, ...change };
    if (this._status.kind !== 'saving') this._status = { kind: 'idle' };
  }

  override render() {
    const f = this._form;
    const s = this._status;
    const chars = [...f.note].length;
    return html`<form class="call-note" @submit=${this.#save} novalidate aria-label="Note on this call">
      ${
        this.dispositions.length > 0
          ? html`<label for="disposition">Outcome</label>
            <select
              id="disposition"
              .value=${f.disposition}
              @change=${(e: Event) => this.#edit({ disposition: (e.target as HTMLSelectElement).value })}
            >
              <option value="" ?selected=${f.disposition === ''}>Not set</option>
              ${this.dispositions.map(
                (d) =>
                  html`<option value=${d.code} ?selected=${d.code === f.disposition}>${d.label}</option>`,
              )}
            </select>`
          : nothing
      }
      <label for="note">Note</label>
      <textarea
        id="note"
        maxlength=${NOTE_MAX_CHARS}
        aria-describedby="note-count"
        .value=${f.note}
        @input=${(e: Event) => this.#edit({ note: (e.target as HTMLTextAreaElement).value })}
      ></textarea>
      <p class="count" id="note-count">${chars} / ${NOTE_MAX_CHARS}</p>
      <button type="submit" class="save-note" ?disabled=${s.kind === 'saving'}>
        ${s.kind === 'saving' ? 'Saving…' : 'Save note'}
      </button>
      <p class="note-status" role="status" aria-live="polite">
        ${s.kind === 'saved' ? html`<span class="saved">Saved</span>` : nothing}
        ${s.kind === 'error' ? html`<span class="error">${s.message}</span>` : nothing}
      </p>
    </form>`;
  }
}

if (!customElements.get('sb-call-note')) customElements.define('sb-call-note', SbCallNote);

declare global {
  interface HTMLElementTagNameMap {
    'sb-call-note': SbCallNote;
  }
}
