// <sb-guest-call>: the public page /call. A citizen calls the hotline with
// no account: Call, Hang up, Mute, a keypad for IVR choices (DTMF), a call
// timer, and one status line read out by screen readers (role=status).
// Keyboard only: every control is a labelled button; digits typed anywhere
// in the call's controls go out as tones; focus moves to Hang up when Call
// disappears (and back), so it is never lost. `number` picks a public
// number; default: the first the operator allows. The phone itself is
// GuestCallController. <switchboard-call-button> (embed/) extends it.
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import '../softphone/dial-pad.ts';
import { formatCallDuration } from '../sip/call-timer.ts';
import type { DialPadKeyDetail } from '../softphone/dial-pad.ts';
import { GuestCallController } from './guest-call-controller.ts';
import { keypadTone } from './guest-keys.ts';
import { PHASE_TEXT } from './guest-status.ts';
import { guestStyles } from './guest-styles.ts';

export class SbGuestCall extends LitElement {
  static override properties = {
    number: { type: String },
    _now: { state: true },
  };

  static override styles = guestStyles;

  declare number: string | undefined;
  declare _now: number;
  readonly phone = new GuestCallController(this);
  #tick: ReturnType<typeof setInterval> | undefined;
  #wasInCall = false;

  constructor() {
    super();
    this.number = undefined;
    this._now = Date.now();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#tick);
    this.#tick = undefined;
  }

  /** The heading: the page's own (h1) here; an embedded button uses a lower level. */
  protected renderTitle() {
    return html`<h1>Call the hotline</h1>`;
  }

  override render() {
    const p = this.phone;
    const inCall = p.inCall;
    const canCall = !inCall && p.phase !== 'loading' && p.phase !== 'closed';
    const connected = p.phase === 'connected';
    return html`${this.renderTitle()}
      <p class="status" role="status" aria-live="polite" data-phase=${p.phase}>
        ${PHASE_TEXT[p.phase]}
      </p>
      ${p.message ? html`<p class="message" role="alert">${p.message}</p>` : nothing}
      ${
        connected && p.connectedAt !== undefined
          ? html`<p class="timer" role="timer" aria-label="Call duration">
            ${formatCallDuration(this._now - p.connectedAt)}
          </p>`
          : nothing
      }
      <div class="controls" @keydown=${this.#onKeydown}>
        <div class="buttons">
          ${
            inCall
              ? html`<button type="button" class="hangup" @click=${() => void p.hangUp()}>Hang up</button>
                <button
                  type="button"
                  class="mute"
                  aria-pressed=${p.muted ? 'true' : 'false'}
                  ?disabled=${!connected}
                  @click=${() => p.toggleMute()}
                >
                  ${p.muted ? 'Unmute microphone' : 'Mute microphone'}
                </button>`
              : html`<button
                type="button"
                class="call"
                ?disabled=${!canCall}
                @click=${() => void p.call(this.number)}
              >
                Call${p.numbers.length ? html`<span class="visually-hidden"> ${this.number ?? p.numbers[0]}</span>` : nothing}
              </button>`
          }
        </div>
        ${
          connected
            ? html`<h2 class="visually-hidden">Keypad</h2>
              <sb-dial-pad
                class="keypad"
                label="Keypad: press a number to choose an option"
                @sb-key=${(e: CustomEvent<DialPadKeyDetail>) => p.sendDtmf(e.detail.key)}
              ></sb-dial-pad>
              <p class="tones" aria-live="polite">
                Keys sent: <span class="tones-sent">${p.tonesSent || 'none'}</span>
              </p>`
            : nothing
        }
      </div>`;
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    const p = this.phone;
    if (p.phase === 'connected') {
      this.#tick ??= setInterval(() => {
        this._now = Date.now();
      }, 1000);
    } else if (this.#tick) {
      clearInterval(this.#tick);
      this.#tick = undefined;
    }
    if (p.inCall !== this.#wasInCall) {
      this.#wasInCall = p.inCall;
      // the pressed button is gone: its replacement takes the focus, if nothing else has it
      const active = document.activeElement;
      if (!this.shadowRoot?.activeElement && (!active || active === document.body))
        this.shadowRoot?.querySelector<HTMLButtonElement>(p.inCall ? '.hangup' : '.call')?.focus();
    }
  }

  #onKeydown(event: KeyboardEvent): void {
    const tone = keypadTone(event.key);
    if (!tone || event.ctrlKey || event.metaKey || event.altKey) return;
    if (this.phone.sendDtmf(tone)) event.preventDefault();
  }
}

if (!customElements.get('sb-guest-call')) customElements.define('sb-guest-call', SbGuestCall);

declare global {
  interface HTMLElementTagNameMap {
    'sb-guest-call': SbGuestCall;
  }
}
