// The second line (call waiting) above the first call: who calls, and
// Answer / Decline while it rings, Swap / Hang up once answered.
// waiting-view.ts decides what is shown; this only draws it.
import { html, nothing } from 'lit';
import type { WaitingView } from '../sip/waiting-view.ts';

export interface WaitingActions {
  readonly answer: () => void;
  readonly decline: () => void;
  readonly swap: () => void;
  readonly hangUp: () => void;
}

export function renderWaitingLine(view: WaitingView, actions: WaitingActions) {
  const buttons = view.ringing
    ? html`<button class="answer-waiting" type="button" aria-describedby="waiting-hint" @click=${actions.answer}>
          Answer
        </button>
        <button class="danger decline-waiting" type="button" @click=${actions.decline}>
          Decline
        </button>`
    : html`<button class="swap" type="button" ?disabled=${!view.canSwap} @click=${actions.swap}>
          ${view.swapLabel}
        </button>
        <button class="danger hangup-waiting" type="button" @click=${actions.hangUp}>
          Hang up
        </button>`;
  return html`<section
    class="call waiting"
    role=${view.ringing ? 'alertdialog' : nothing}
    aria-labelledby="waiting-title"
    aria-describedby="waiting-line"
  >
    <h3 id="waiting-title">${view.title}</h3>
    <p class="line" id="waiting-line" aria-label=${view.label}>
      <span class="caller">${view.name}</span>
      ${view.user ? html`<span class="hint">${view.user}</span>` : nothing}
      <span class="hint line-status" aria-live="polite">${view.status}</span>
    </p>
    <p class="visually-hidden" id="waiting-hint">Your current call goes on hold and hears music.</p>
    <div class="row">${buttons}</div>
  </section>`;
}
