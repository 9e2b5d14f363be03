// The call view during an attended transfer: both lines (the held caller
// and the colleague) and the two ways out of it. consult-view.ts decides
// what is shown; this only draws it.
import { html, nothing } from 'lit';
import type { ConsultView } from '../sip/consult-view.ts';

export interface ConsultActions {
  readonly complete: () => void;
  readonly conference: () => void;
  readonly back: () => void;
}

function action(
  className: string,
  text: string,
  enabled: boolean,
  click: () => void,
  hint?: string,
) {
  return html`<button
    class=${className}
    type="button"
    aria-describedby=${hint ?? nothing}
    ?disabled=${!enabled}
    @click=${click}
  >
    ${text}
  </button>`;
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
    <p class="visually-hidden" id="conference-hint">
      The caller, your colleague and you hear each other.
    </p>
    <div class="row">
      ${action('primary complete-transfer', 'Complete transfer', view.canComplete, actions.complete, 'complete-hint')}
      ${action('conference', 'Conference', view.canConference, actions.conference, 'conference-hint')}
      ${action('back-to-caller', view.backLabel, view.canGoBack, actions.back)}
    </div>
  </section>`;
}
