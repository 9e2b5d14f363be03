// <sb-call-list>: the calls in progress (caller, queue, agent, state,
// duration), oldest first, from the wallboard feed. A plain table with a
// bound: a call center's calls in progress are a few hundred at most, and
// past MAX_ROWS the rest are counted, not drawn. Durations tick with the
// parent's clock (it passes `now`, on the server's clock).
import { css, html, LitElement } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { pageStyles } from '../ui/styles.ts';
import { callerText, callStateLabel, formatDuration } from './wallboard-format.ts';
import type { WallboardAgent, WallboardCall } from './wallboard-types.ts';

export const MAX_ROWS = 300;

export class SbCallList extends LitElement {
  static override properties = {
    calls: { attribute: false },
    agents: { attribute: false },
    now: { attribute: false },
  };

  static override styles = [
    pageStyles,
    css`
      :host {
        display: block;
        margin-bottom: 1.25rem;
      }
      table {
        width: 100%;
        border-collapse: collapse;
      }
      th,
      td {
        text-align: left;
        padding: 0.3rem 0.75rem;
        border-bottom: 1px solid var(--line);
        white-space: nowrap;
      }
      th {
        color: var(--muted);
        font-weight: 600;
      }
      .duration {
        font-variant-numeric: tabular-nums;
      }
      .empty,
      .more {
        color: var(--muted);
      }
    `,
  ];

  declare calls: readonly WallboardCall[];
  declare agents: ReadonlyMap<string, WallboardAgent>;
  /** Server-clock now. */
  declare now: number;

  constructor() {
    super();
    this.calls = [];
    this.agents = new Map();
    this.now = Date.now();
  }

  override render() {
    if (this.calls.length === 0) return html`<p class="empty">No calls in progress.</p>`;
    const shown = this.calls.slice(0, MAX_ROWS);
    return html`<table aria-label="Calls in progress">
        <thead>
          <tr><th>Caller</th><th>Queue</th><th>Agent</th><th>State</th><th>Duration</th></tr>
        </thead>
        <tbody>
          ${repeat(
            shown,
            (c) => c.id,
            (c) => html`<tr data-call=${c.id} data-state=${c.state}>
              <td class="caller">${callerText({ ...c, channel: '—' })}</td>
              <td class="queue">${c.queue || '—'}</td>
              <td class="agent">${(c.agent && (this.agents.get(c.agent)?.displayName ?? c.agent)) || '—'}</td>
              <td class="state">${callStateLabel(c.state)}</td>
              <td class="duration">${formatDuration(this.now - c.startedAt)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
      ${
        this.calls.length > shown.length
          ? html`<p class="more">and ${this.calls.length - shown.length} more</p>`
          : ''
      }`;
  }
}

if (!customElements.get('sb-call-list')) customElements.define('sb-call-list', SbCallList);

declare global {
  interface HTMLElementTagNameMap {
    'sb-call-list': SbCallList;
  }
}
