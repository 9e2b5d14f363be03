// <sb-agent-table>: one page of agents with their SIP status, queue state
// and actions. Fires "agent-action"
// { action: 'state' | 'regenerate' | 'suspend' | 'resume' | 'delete', user }.
import { html, LitElement, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { clockTime, presenceLabel, wrapUpLeftMs } from '../agentstate/agent-state-text.ts';
import type { AgentStateView, ApiUser } from '../api/types.ts';
import { pageStyles } from '../ui/styles.ts';
import { hrStyles } from './hr-styles.ts';

export type AgentAction = 'state' | 'regenerate' | 'suspend' | 'resume' | 'delete';

export class SbAgentTable extends LitElement {
  static override properties = {
    users: { attribute: false },
    busyId: { attribute: false },
    states: { attribute: false },
    statesError: { attribute: false },
  };

  static override styles = [pageStyles, hrStyles];

  declare users: readonly ApiUser[];
  declare busyId: string | undefined;
  /** Queue states by agent id (GET /hr/agent-states); undefined until read. */
  declare states: ReadonlyMap<string, AgentStateView> | undefined;
  /** Why the states could not be read (the table shows "—" then). */
  declare statesError: string | undefined;

  constructor() {
    super();
    this.users = [];
    this.busyId = undefined;
    this.states = undefined;
    this.statesError = undefined;
  }

  #act(action: AgentAction, user: ApiUser) {
    this.dispatchEvent(
      new CustomEvent('agent-action', { detail: { action, user }, bubbles: true, composed: true }),
    );
  }

  #status(u: ApiUser) {
    return html`${
      u.hasSipCredentials
        ? html`<span class="badge ok">SIP configured</span>`
        : html`<span class="badge warn">no SIP credentials</span>`
    }${
      u.suspended
        ? html`<span class="badge warn">suspended</span>`
        : u.registered
          ? html`<span class="badge ok">registered</span>`
          : html`<span class="badge off">not registered</span>`
    }${
      u.state === 'ExtensionConflict' || u.state === 'ExtensionRangeFull'
        ? html`<span class="badge warn" title=${u.stateMessage}>${u.stateMessage}</span>`
        : nothing
    }`;
  }

  #state(u: ApiUser) {
    const unknown = (why: string) =>
      html`<span class="state-unknown" title=${why}>—<span class="visually-hidden">${why}</span></span>`;
    if (this.statesError) return unknown(`Queue state not available: ${this.statesError}`);
    if (!this.states) return unknown('Queue state loading');
    const v = this.states.get(u.id);
    if (!v) return unknown('No queue state known for this agent yet');
    const since = clockTime(v.since);
    const title = [
      since ? `since ${since}` : '',
      v.queues.length ? `in ${v.queues.join(', ')}` : '',
      v.live ? '' : 'last known: the phone system cannot be reached',
    ]
      .filter(Boolean)
      .join('; ');
    return html`<span class=${`badge state-${v.presence}`} title=${title || nothing}>${presenceLabel(v)}</span>${
      v.onCall ? html`<span class="badge state-on-call">on a call</span>` : nothing
    }${wrapUpLeftMs(v, Date.now()) > 0 ? html`<span class="badge warn">wrap-up</span>` : nothing}`;
  }

  override render() {
    if (this.users.length === 0) return html`<p class="empty">No agents match.</p>`;
    return html`<table>
      <caption class="visually-hidden">Agents</caption>
      <thead>
        <tr><th scope="col">Name</th><th scope="col">Extension</th><th scope="col">SIP username</th><th scope="col">Phone</th><th scope="col">Status</th><th scope="col">State</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
      </thead>
      <tbody>
        ${repeat(
          this.users,
          (u) => u.id,
          (u) => html`<tr data-agent=${u.id}>
            <th scope="row" data-label="Name">${u.name}</th>
            <td data-label="Extension">${u.sipExtension ?? '–'}</td>
            <td data-label="SIP username" class="mono">${u.sipUsername ?? '–'}</td>
            <td data-label="Phone">${u.phoneNumber ?? '–'}</td>
            <td data-label="Status">${this.#status(u)}</td>
            <td data-label="State" class="state-cell">${this.#state(u)}</td>
            <td class="actions-cell">
              <button type="button" data-action="state" ?disabled=${this.busyId === u.id} @click=${() => this.#act('state', u)} aria-label=${`Queue state of ${u.name}`}>State…</button>
              <button type="button" data-action="regenerate" ?disabled=${this.busyId === u.id} @click=${() => this.#act('regenerate', u)} aria-label=${`Regenerate SIP credentials of ${u.name}`}>Regenerate</button>
              ${
                u.suspended
                  ? html`<button type="button" data-action="resume" ?disabled=${this.busyId === u.id} @click=${() => this.#act('resume', u)} aria-label=${`Resume ${u.name}`}>Resume</button>`
                  : html`<button type="button" data-action="suspend" ?disabled=${this.busyId === u.id} @click=${() => this.#act('suspend', u)} aria-label=${`Suspend ${u.name}`}>Suspend</button>`
              }
              <button type="button" class="danger" data-action="delete" ?disabled=${this.busyId === u.id} @click=${() => this.#act('delete', u)} aria-label=${`Delete ${u.name}`}>Delete</button>
            </td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }
}

if (!customElements.get('sb-agent-table')) customElements.define('sb-agent-table', SbAgentTable);

declare global {
  interface HTMLElementTagNameMap {
    'sb-agent-table': SbAgentTable;
  }
}
