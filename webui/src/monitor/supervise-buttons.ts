// Listen / Whisper / Barge on an agent's row of the wallboard: each asks the
// page's softphone (the shell's, docked beside the wallboard) to dial
// *51/*52/*53 and the agent's extension. Asterisk decides whether the line
// may (only supervisors' endpoints), records it, and refuses anyone else.
import { html } from 'lit';
import {
  SUPERVISE_MODES,
  type SuperviseMode,
} from '../../../operator/src/asterisk/render/supervise-codes.ts';

/** Event `sb-supervise` (bubbles out of the shadow roots to the shell). */
export interface SuperviseDetail {
  readonly mode: SuperviseMode;
  readonly agent: string;
  readonly extension: number;
}

const LABEL: Record<SuperviseMode, string> = {
  listen: 'Listen',
  whisper: 'Whisper',
  barge: 'Barge',
};

const TITLE: Record<SuperviseMode, string> = {
  listen: 'Listen to the call (nobody hears you)',
  whisper: 'Talk to the agent only (the caller does not hear you)',
  barge: 'Join the call (both hear you)',
};

export function superviseButtons(agent: { name: string; displayName: string; extension: number }) {
  const ask = (mode: SuperviseMode) => (e: Event) =>
    e.currentTarget?.dispatchEvent(
      new CustomEvent<SuperviseDetail>('sb-supervise', {
        detail: { mode, agent: agent.name, extension: agent.extension },
        bubbles: true,
        composed: true,
      }),
    );
  return SUPERVISE_MODES.map(
    (mode) =>
      html`<button
        type="button"
        class="supervise"
        data-mode=${mode}
        title=${TITLE[mode]}
        aria-label="${LABEL[mode]}: ${agent.displayName}"
        @click=${ask(mode)}
      >${LABEL[mode]}</button>`,
  );
}
