// <sb-own-history>: the signed-in agent's own calls today and talk time
// (GET /softphone/history, the agent's own only), in the agent's time zone.
// Counted again after each call (the call record is written at hang-up) and
// every minute; when history is off or down it says so in a line, never
// blocking the phone.
import { css, html, LitElement } from 'lit';
import { ApiError, request } from '../api/client.ts';
import { seconds } from '../reports/report-format.ts';

interface OwnHistory {
  day: string;
  timeZone: string;
  answered: number;
  unanswered: number;
  talkSeconds: number;
}

/** After a hang-up, how long before asking (Asterisk writes the record as the channel ends). */
const AFTER_CALL_MS = 1500;
const EVERY_MS = 60_000;

export class SbOwnHistory extends LitElement {
  static override properties = { _history: { state: true }, _problem: { state: true } };
  static override styles = css`
    :host {
      display: block;
      margin-top: 1rem;
      color: var(--muted, #5b6576);
    }
    strong {
      color: #1c2330;
      font-variant-numeric: tabular-nums;
    }
  `;

  declare _history: OwnHistory | undefined;
  declare _problem: string | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #later: ReturnType<typeof setTimeout> | undefined;
  readonly #onCallEnded = () => {
    clearTimeout(this.#later);
    this.#later = setTimeout(() => void this.#load(), AFTER_CALL_MS);
  };

  constructor() {
    super();
    this._history = undefined;
    this._problem = undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('sb-call-ended', this.#onCallEnded);
    this.#timer = setInterval(() => void this.#load(), EVERY_MS);
    void this.#load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('sb-call-ended', this.#onCallEnded);
    clearInterval(this.#timer);
    clearTimeout(this.#later);
  }

  async #load() {
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
    try {
      this._history = await request<OwnHistory>(
        'GET',
        `/softphone/history?tz=${encodeURIComponent(tz)}`,
      );
      this._problem = undefined;
    } catch (err) {
      this._problem = err instanceof ApiError ? err.message : String(err);
    }
  }

  override render() {
    if (this._problem && !this._history)
      return html`<p class="history" data-history="unavailable">Your calls today: ${this._problem}</p>`;
    const h = this._history;
    if (!h) return html``;
    return html`<p class="history" aria-live="polite">
      Today: <strong data-own="answered">${h.answered}</strong> ${h.answered === 1 ? 'call' : 'calls'},
      talk time <strong data-own="talk">${seconds(h.talkSeconds)}</strong>${
        h.unanswered > 0
          ? html`, <strong data-own="unanswered">${h.unanswered}</strong> not answered`
          : ''
      }
    </p>`;
  }
}

customElements.define('sb-own-history', SbOwnHistory);
