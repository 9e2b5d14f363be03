// <sb-call-dialer>: a caller's page. Calls the hotline (queued to the next
// free agent) or an agent's extension from the browser; it never registers,
// it only places calls, with a caller identity from the config when the PBX
// wants one.
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { formatCallDuration } from '../sip/call-timer.ts';
import type { PhoneConfig, SipCredentials } from '../sip/phone-config.ts';
import { SipPhoneController } from '../sip/sip-phone-controller.ts';
import type { DialPadKeyDetail } from '../softphone/dial-pad.ts';
import '../softphone/dial-pad.ts';
import { phoneStyles } from '../softphone/phone-styles.ts';

export interface DialerConfig extends PhoneConfig {
  /** The hotline number (default 117). */
  readonly hotline?: string;
  /** Caller identity for PBXs that authenticate callers; anonymous when absent. */
  readonly caller?: SipCredentials;
}

const ANONYMOUS: SipCredentials = { username: 'anonymous', password: '' };

export class SbCallDialer extends LitElement {
  static override properties = {
    config: { attribute: false },
    _number: { state: true },
    _now: { state: true },
  };

  static override styles = phoneStyles;

  declare config: DialerConfig | undefined;
  declare _number: string;
  declare _now: number;

  readonly phone = new SipPhoneController(this, { register: false });
  #tick: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this.config = undefined;
    this._number = '';
    this._now = Date.now();
  }

  get hotline(): string {
    return this.config?.hotline ?? '117';
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // connect as soon as the page has a config, so the first call is quick
    if (changed.has('config') && this.config) {
      void this.phone.start(this.config, this.config.caller ?? ANONYMOUS);
    }
  }

  protected override updated(): void {
    if (this.phone.call?.phase === 'active') {
      this.#tick ??= setInterval(() => {
        this._now = Date.now();
      }, 1000);
    } else {
      clearInterval(this.#tick);
      this.#tick = undefined;
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#tick);
  }

  async #call(number: string): Promise<void> {
    await this.phone.dial(number);
  }

  #onPadKey(event: CustomEvent<DialPadKeyDetail>): void {
    if (this.phone.call?.phase === 'active') this.phone.sendDtmf(event.detail.key);
    else this._number += event.detail.key;
  }

  override render() {
    const call = this.phone.call;
    const ready = this.phone.connected;
    return html`<section aria-labelledby="dialer-title">
      <h2 id="dialer-title">Call us</h2>
      <p class="status" role="status" aria-live="polite" data-status=${ready ? 'connected' : 'connecting'}>
        <span class="dot" aria-hidden="true"></span>
        <span class="status-text">${ready ? 'Ready to call' : 'Connecting…'}</span>
      </p>
      ${call ? this.#renderCall() : this.#renderIdle(ready)}
      ${this.phone.callError ? html`<p class="error call-error" role="alert">${this.phone.callError}</p>` : nothing}
      ${this.phone.mediaError ? html`<p class="error mic-help" role="alert">${this.phone.mediaError}</p>` : nothing}
    </section>`;
  }

  #renderIdle(ready: boolean) {
    return html`
      <div class="row">
        <button
          class="primary hotline"
          type="button"
          ?disabled=${!ready}
          @click=${() => this.#call(this.hotline)}
        >
          Call the hotline (${this.hotline})
        </button>
      </div>
      <form
        @submit=${(e: Event) => {
          e.preventDefault();
          void this.#call(this._number);
        }}
        novalidate
      >
        <label for="number">Or dial an extension</label>
        <input
          id="number"
          inputmode="tel"
          autocomplete="off"
          .value=${this._number}
          @input=${(e: Event) => {
            this._number = (e.target as HTMLInputElement).value;
          }}
        />
        <sb-dial-pad @sb-key=${this.#onPadKey}></sb-dial-pad>
        <div class="row">
          <button class="primary call" type="submit" ?disabled=${!ready}>Call</button>
        </div>
      </form>
      ${
        this.phone.lastCall
          ? html`<p class="hint last-call" role="status">
            ${this.phone.lastCall.reason}
            ${
              this.phone.lastCall.durationMs !== undefined
                ? html` · ${formatCallDuration(this.phone.lastCall.durationMs)}`
                : nothing
            }
          </p>`
          : nothing
      }
    `;
  }

  #renderCall() {
    const call = this.phone.call;
    if (!call) return nothing;
    return html`<div class="call" data-phase=${call.phase}>
      <h3>${call.phase === 'active' ? (call.held ? 'On hold' : 'Connected') : 'Calling…'}</h3>
      <p class="caller">${call.remoteName}</p>
      ${
        call.answeredAt
          ? html`<p class="timer" role="timer" aria-label="Call duration">
            ${formatCallDuration(this._now - call.answeredAt)}
          </p>`
          : nothing
      }
      <div class="row">
        <button
          class="mute"
          type="button"
          aria-pressed=${call.muted ? 'true' : 'false'}
          ?disabled=${call.phase !== 'active'}
          @click=${() => this.phone.setMute(!call.muted)}
        >
          ${call.muted ? 'Unmute' : 'Mute'}
        </button>
        <button class="danger hangup" type="button" @click=${() => this.phone.hangUp()}>
          Hang up
        </button>
      </div>
      ${
        call.phase === 'active'
          ? html`<sb-dial-pad label="Keypad: send tones" @sb-key=${this.#onPadKey}></sb-dial-pad>`
          : nothing
      }
    </div>`;
  }
}

if (!customElements.get('sb-call-dialer')) customElements.define('sb-call-dialer', SbCallDialer);

declare global {
  interface HTMLElementTagNameMap {
    'sb-call-dialer': SbCallDialer;
  }
}
