// <sb-guest-call>: the public page /call. A citizen calls the hotline with
// no account: Call, Hang up, Mute, and one status line read out by screen
// readers (role=status). `number` picks a public number; default: the first
// the operator allows. The phone itself is GuestCallController.
import { html, LitElement, nothing } from 'lit';
import { GuestCallController } from './guest-call-controller.ts';
import { PHASE_TEXT } from './guest-status.ts';
import { guestStyles } from './guest-styles.ts';

export class SbGuestCall extends LitElement {
  static override properties = {
    number: { type: String },
  };

  static override styles = guestStyles;

  declare number: string | undefined;
  readonly phone = new GuestCallController(this);

  constructor() {
    super();
    this.number = undefined;
  }

  override render() {
    const p = this.phone;
    const inCall = p.inCall;
    const canCall = !inCall && p.phase !== 'loading' && p.phase !== 'closed';
    return html`<h1>Call the hotline</h1>
      <p class="status" role="status" aria-live="polite" data-phase=${p.phase}>
        ${PHASE_TEXT[p.phase]}
      </p>
      ${p.message ? html`<p class="message" role="alert">${p.message}</p>` : nothing}
      <div class="buttons">
        ${
          inCall
            ? html`<button class="hangup" @click=${() => void p.hangUp()}>Hang up</button>
              <button
                class="mute"
                aria-pressed=${p.muted ? 'true' : 'false'}
                ?disabled=${p.phase !== 'connected'}
                @click=${() => p.toggleMute()}
              >
                ${p.muted ? 'Unmute microphone' : 'Mute microphone'}
              </button>`
            : html`<button class="call" ?disabled=${!canCall} @click=${() => void p.call(this.number)}>
              Call${p.numbers.length ? html`<span class="visually-hidden"> ${this.number ?? p.numbers[0]}</span>` : nothing}
            </button>`
        }
      </div>`;
  }
}

customElements.define('sb-guest-call', SbGuestCall);

declare global {
  interface HTMLElementTagNameMap {
    'sb-guest-call': SbGuestCall;
  }
}
