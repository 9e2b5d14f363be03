// <sb-webrtc-settings>: the admin's WebRTC settings (ws URL, STUN, TURN)
// backed by GET/PUT /hr/webrtc-config, and the PJSIP text Asterisk reads
// (generated, without any secret), then the API tokens panel.
import { html, LitElement, nothing } from 'lit';
import { ApiError, request } from '../api/client.ts';
import type { TurnServer, WebRtcConfigView, WebRtcSettings } from '../api/types.ts';
import { errorsByField } from '../ui/field-errors.ts';
import { pageStyles } from '../ui/styles.ts';
import './sb-api-tokens.ts';
import { settingsStyles } from './settings-styles.ts';

const FIELDS = ['asteriskWsUrl', 'iceServers'] as const;
const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** One TURN relay as the form edits it. */
interface TurnRow {
  urls: string;
  mode: 'sharedSecret' | 'credentialsSecret';
  secretName: string;
}

function toRows(turn: readonly TurnServer[] | undefined): TurnRow[] {
  return (turn ?? []).map((t) => ({
    urls: t.urls.join('\n'),
    mode: t.sharedSecret ? 'sharedSecret' : 'credentialsSecret',
    secretName: t.sharedSecret?.name ?? t.credentialsSecret?.name ?? '',
  }));
}

export function toSettings(wsUrl: string, stun: string, rows: readonly TurnRow[]): WebRtcSettings {
  const stunUrls = lines(stun);
  const turnServers: TurnServer[] = rows.map((r) =>
    r.mode === 'sharedSecret'
      ? { urls: lines(r.urls), sharedSecret: { name: r.secretName.trim() } }
      : { urls: lines(r.urls), credentialsSecret: { name: r.secretName.trim() } },
  );
  return {
    asteriskWsUrl: wsUrl.trim(),
    iceServers: {
      ...(stunUrls.length ? { stunUrls } : {}),
      ...(turnServers.length ? { turnServers } : {}),
    },
  };
}

export class SbWebrtcSettings extends LitElement {
  static override properties = {
    _view: { state: true },
    _wsUrl: { state: true },
    _stun: { state: true },
    _turn: { state: true },
    _errors: { state: true },
    _saved: { state: true },
    _busy: { state: true },
  };

  static override styles = [pageStyles, settingsStyles];

  declare _view: WebRtcConfigView | undefined;
  declare _wsUrl: string;
  declare _stun: string;
  declare _turn: TurnRow[];
  declare _errors: Map<string, string>;
  declare _saved: string | undefined;
  declare _busy: boolean;

  constructor() {
    super();
    this._view = undefined;
    this._wsUrl = '';
    this._stun = '';
    this._turn = [];
    this._errors = new Map();
    this._saved = undefined;
    this._busy = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  #show(view: WebRtcConfigView) {
    this._view = view;
    this._wsUrl = view.settings?.asteriskWsUrl ?? '';
    this._stun = (view.settings?.iceServers.stunUrls ?? []).join('\n');
    this._turn = toRows(view.settings?.iceServers.turnServers);
  }

  async #load() {
    try {
      this.#show(await request<WebRtcConfigView>('GET', '/hr/webrtc-config'));
    } catch (err) {
      this._errors = new Map([['(form)', err instanceof ApiError ? err.message : String(err)]]);
    }
  }

  async #save(e: SubmitEvent) {
    e.preventDefault();
    this._busy = true;
    this._errors = new Map();
    this._saved = undefined;
    try {
      this.#show(
        await request<WebRtcConfigView>(
          'PUT',
          '/hr/webrtc-config',
          toSettings(this._wsUrl, this._stun, this._turn),
        ),
      );
      this._saved = 'Saved. The operator regenerates the Asterisk configuration now.';
    } catch (err) {
      const e2 = err instanceof ApiError ? err : new ApiError(0, String(err));
      this._errors = e2.errors.length
        ? errorsByField(e2.errors, FIELDS)
        : new Map([['(form)', e2.message]]);
    } finally {
      this._busy = false;
    }
  }

  #updateTurn(i: number, patch: Partial<TurnRow>) {
    this._turn = this._turn.map((r, j) => (j === i ? { ...r, ...patch } : r));
  }

  #turnRow(r: TurnRow, i: number) {
    return html`<fieldset class="turn">
      <legend>TURN relay ${i + 1}</legend>
      <div class="field">
        <label for=${`turn-urls-${i}`}>URLs (one per line)</label>
        <textarea id=${`turn-urls-${i}`} rows="2" .value=${r.urls} @input=${(e: InputEvent) => this.#updateTurn(i, { urls: (e.target as HTMLTextAreaElement).value })}></textarea>
      </div>
      <div class="field">
        <label for=${`turn-mode-${i}`}>Credentials</label>
        <select id=${`turn-mode-${i}`} .value=${r.mode} @change=${(e: Event) => this.#updateTurn(i, { mode: (e.target as HTMLSelectElement).value as TurnRow['mode'] })}>
          <option value="sharedSecret">Short-lived, minted per agent (TURN REST shared secret)</option>
          <option value="credentialsSecret">Static username and password</option>
        </select>
      </div>
      <div class="field">
        <label for=${`turn-secret-${i}`}>Secret name</label>
        <input id=${`turn-secret-${i}`} .value=${r.secretName} @input=${(e: InputEvent) => this.#updateTurn(i, { secretName: (e.target as HTMLInputElement).value })} />
        <p class="hint">A Secret in namespace ${this._view?.namespace ?? ''} that the platform team created; its value never passes through this page.</p>
      </div>
      <button type="button" class="danger" @click=${() => {
        this._turn = this._turn.filter((_, j) => j !== i);
      }}>Remove relay ${i + 1}</button>
    </fieldset>`;
  }

  #error(field: string) {
    const message = this._errors.get(field);
    return message ? html`<p class="field-error" id=${`${field}-error`}>${message}</p>` : nothing;
  }

  override render() {
    const v = this._view;
    return html`<h1>WebRTC settings</h1>
      ${this._errors.get('(form)') ? html`<p class="alert" role="alert">${this._errors.get('(form)')}</p>` : nothing}
      ${this._saved ? html`<p class="notice" role="status">${this._saved}</p>` : nothing}
      ${v && !v.exists ? html`<p class="notice">Namespace ${v.namespace} has no WebRTCConfig yet: saving creates it.</p>` : nothing}
      <form @submit=${this.#save} novalidate>
        <div class="field">
          <label for="ws-url">Asterisk WebSocket URL</label>
          <input id="ws-url" .value=${this._wsUrl} @input=${(e: InputEvent) => {
            this._wsUrl = (e.target as HTMLInputElement).value;
          }} placeholder="wss://pbx.example.org:8089/ws" aria-invalid=${this._errors.has('asteriskWsUrl') ? 'true' : 'false'} aria-describedby="asteriskWsUrl-error" />
          ${this.#error('asteriskWsUrl')}
        </div>
        <div class="field">
          <label for="stun">STUN URLs (one per line)</label>
          <textarea id="stun" rows="3" .value=${this._stun} @input=${(e: InputEvent) => {
            this._stun = (e.target as HTMLTextAreaElement).value;
          }} placeholder="stun:stun.example.org:3478" aria-describedby="iceServers-error"></textarea>
        </div>
        ${this._turn.map((r, i) => this.#turnRow(r, i))}
        ${this.#error('iceServers')}
        <div class="actions">
          <button type="button" @click=${() => {
            this._turn = [...this._turn, { urls: '', mode: 'sharedSecret', secretName: '' }];
          }}>Add TURN relay</button>
          <button class="primary" type="submit" ?disabled=${this._busy}>${this._busy ? 'Saving…' : 'Save'}</button>
        </div>
      </form>
      ${
        v?.generated
          ? html`<section class="generated">
              <h2>Generated pjsip.conf</h2>
              <p class="hint">ConfigMap ${v.generated.configMapName}${v.generated.contentHash ? html`, content hash <code>${v.generated.contentHash}</code>` : nothing}. Passwords live only in Secrets and never appear here.</p>
              <pre tabindex="0">${v.generated.pjsipConf ?? 'not generated yet'}</pre>
            </section>`
          : nothing
      }
      <sb-api-tokens></sb-api-tokens>`;
  }
}

if (!customElements.get('sb-webrtc-settings'))
  customElements.define('sb-webrtc-settings', SbWebrtcSettings);

declare global {
  interface HTMLElementTagNameMap {
    'sb-webrtc-settings': SbWebrtcSettings;
  }
}
