// The call view during an attended transfer: both lines (the held caller
// and the colleague) and the two ways out of it. consult-view.ts decides
// what is shown; this only draws it.
import { html } from 'lit';
import type { ConsultView } from '../sip/consult-view.ts';

export interface ConsultActions {
  readonly complete: () => void;
  readonly back: () => void;
}

export function renderConsultLines(view: ConsultView, actions: ConsultActions) {
  return html`<section aria-labelledby="consult-title" class="call consult">
    <h3 id="consult-title">Consultation</h3>
    <ul class="lines" aria-label="Your calls">
      ${view.lines.map(
        (line) => html`<li class="line" data-role=${line.role} aria-label=${line.label}>
          <span class="caller">${line.name}</span>
          <span class="hint line-status" aria-live="polite">${line.status}</span>
        </li>`,
      )}
    </ul>
    <p class="visually-hidden" id="complete-hint">${view.completeHint}</p>
    <div class="row">
      <button
        class="primary complete-transfer"
        type="button"
        aria-describedby="complete-hint"
        ?disabled=${!view.canComplete}
        @click=${actions.complete}
      >
        Complete transfer
      </button>
      <button class="back-to-caller" type="button" ?disabled=${!view.canGoBack} @click=${actions.back}>
        ${view.backLabel}
      </button>
    </div>
  </section>`;
}
