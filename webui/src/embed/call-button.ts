// <switchboard-call-button number="117">: the public call page as an element
// a ministry site puts on its own page with one script tag,
//   <script src="https://switchboard.example/embed/call-button.js" defer></script>
// (GET /embed/call-button.js, an IIFE bundle: scripts/build-options.ts). It
// talks to the operator that served the script, cross-origin (CORS on
// /public/* for the origins in spec.publicAccess.allowedOrigins), and to
// Asterisk's WebSocket. Same phone, status words, keypad and timer as /call;
// only the heading is a level lower (the host page has its own h1).
// The agent's phone shows the page the citizen called from only when the
// site says so: page-label="Passport renewal", or page-label-from="title"
// for the page's own title (privacy: nothing about the page is sent
// otherwise, never its address). The label is cleaned here and checked again
// by the API (operator/src/api/guest/page-label.ts).
import { html } from 'lit';
import { cleanPageLabel } from '../../../operator/src/api/guest/page-label.ts';
import { SbGuestCall } from '../guest/sb-guest-call.ts';
import { apiBaseFrom } from './api-base.ts';

// only while the script runs for the first time (null later, and in modules)
const scriptSrc = (document.currentScript as HTMLScriptElement | null)?.src;

export class SwitchboardCallButton extends SbGuestCall {
  override connectedCallback(): void {
    // before the controller's hostConnected loads /public/guest-access
    this.phone.apiBase = apiBaseFrom(scriptSrc, this.getAttribute('api'));
    this.phone.pageLabel = () => this.#pageLabel();
    super.connectedCallback();
  }

  #pageLabel(): string | undefined {
    const text =
      this.getAttribute('page-label') ??
      (this.getAttribute('page-label-from') === 'title' ? document.title : '');
    return cleanPageLabel(text) || undefined;
  }

  protected override renderTitle() {
    return html`<h2 class="title">Call ${this.number ?? 'the hotline'}</h2>`;
  }
}

if (!customElements.get('switchboard-call-button'))
  customElements.define('switchboard-call-button', SwitchboardCallButton);

declare global {
  interface HTMLElementTagNameMap {
    'switchboard-call-button': SwitchboardCallButton;
  }
}
