// <sb-agent-list>: every agent with its activity and time in it, as a
// virtual list: rows have one fixed height and only those in view (and a few
// either side) are in the DOM, so 1,000 agents cost ~30 rows. The parent
// re-renders it every second (ticking times) and on every change. Heights
// and offsets go through the CSSOM (cssom-style.ts): the page's CSP refuses
// style attributes.
import { css, html, LitElement } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { pageStyles } from '../ui/styles.ts';
import { cssomStyle } from './cssom-style.ts';
import { superviseButtons } from './supervise-buttons.ts';
import { visibleRange } from './virtual-range.ts';
import { activityLabel, activityNow, registrationText, timeInState } from './wallboard-format.ts';
import type { WallboardAgent } from './wallboard-types.ts';

/** px; the CSS below keeps each row exactly this high. */
export const ROW_HEIGHT = 36;

export class SbAgentList extends LitElement {
  static override properties = {
    agents: { attribute: false },
    now: { attribute: false },
    supervise: { type: Boolean },
    _scrollTop: { state: true },
    _viewport: { state: true },
  };

  static override styles = [
    pageStyles,
    css`
      .viewport {
        /* grows with the rows up to this, then scrolls */
        max-height: min(32rem, 70vh);
        overflow-y: auto;
        border: 1px solid var(--line);
        border-radius: 6px;
        position: relative;
        contain: content;
      }
      .head,
      .row {
        display: grid;
        grid-template-columns: minmax(8rem, 2fr) minmax(7rem, 1.3fr) 5rem minmax(6rem, 2fr) 7.5rem 14rem;
        gap: 0.75rem;
        align-items: center;
        padding: 0 0.75rem;
        height: ${ROW_HEIGHT}px;
        box-sizing: border-box;
      }
      .head {
        position: sticky;
        top: 0;
        z-index: 1;
        background: var(--panel);
        font-weight: 600;
        color: var(--muted);
        border-bottom: 1px solid var(--line);
      }
      .rows {
        position: relative;
      }
      .row {
        position: absolute;
        left: 0;
        right: 0;
        border-bottom: 1px solid #eef1f6;
        white-space: nowrap;
      }
      .row > span {
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .time {
        font-variant-numeric: tabular-nums;
      }
      .activity::before {
        content: '';
        display: inline-block;
        width: 0.6rem;
        height: 0.6rem;
        border-radius: 50%;
        margin-right: 0.4rem;
        background: var(--dot, #9aa3b2);
      }
      .row[data-activity='available'] {
        --dot: #1b7a3d;
      }
      .row[data-activity='on-call'] {
        --dot: #1d5fd1;
      }
      .row[data-activity='wrap-up'] {
        --dot: #7b4bc4;
      }
      .row[data-activity='paused'] {
        --dot: #c77700;
      }
      .queues {
        color: var(--muted);
      }
      .row[data-registered='false'] .phone {
        color: #b3261e;
      }
      button.supervise {
        padding: 0.1rem 0.45rem;
        font-size: 0.85em;
        margin-right: 0.25rem;
      }
    `,
  ];

  declare agents: readonly WallboardAgent[];
  /** Server-clock now. */
  declare now: number;
  /** The viewer's softphone line is up: on-call rows offer Listen/Whisper/Barge. */
  declare supervise: boolean;
  declare _scrollTop: number;
  declare _viewport: number;
  #frame = 0;
  #resize: ResizeObserver | undefined;

  constructor() {
    super();
    this.agents = [];
    this.now = Date.now();
    this.supervise = false;
    this._scrollTop = 0;
    this._viewport = 600;
  }

  override firstUpdated(): void {
    const viewport = this.renderRoot.querySelector('.viewport');
    if (!viewport) return;
    this._viewport = viewport.clientHeight || this._viewport;
    this.#resize = new ResizeObserver(() => {
      this._viewport = viewport.clientHeight || this._viewport;
    });
    this.#resize.observe(viewport);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#resize?.disconnect();
    cancelAnimationFrame(this.#frame);
  }

  readonly #onScroll = (e: Event) => {
    const target = e.currentTarget as HTMLElement;
    // one render per frame however fast the wheel turns
    cancelAnimationFrame(this.#frame);
    this.#frame = requestAnimationFrame(() => {
      this._scrollTop = target.scrollTop;
    });
  };

  override render() {
    const count = this.agents.length;
    // the header row takes one row's height inside the viewport
    const { start, end } = visibleRange(
      Math.max(0, this._scrollTop - ROW_HEIGHT),
      this._viewport,
      ROW_HEIGHT,
      count,
    );
    const shown = this.agents.slice(start, end);
    return html`<div
      class="viewport"
      role="table"
      aria-label="Agents"
      aria-rowcount=${count + 1}
      tabindex="0"
      @scroll=${this.#onScroll}
    >
      <div class="head" role="row" aria-rowindex="1">
        <span role="columnheader">Agent</span><span role="columnheader">State</span
        ><span role="columnheader">For</span><span role="columnheader">Queues</span
        ><span role="columnheader">Softphone</span
        ><span role="columnheader">${this.supervise ? 'Supervise' : ''}</span>
      </div>
      <div class="rows" role="rowgroup" ${cssomStyle({ height: `${count * ROW_HEIGHT}px` })}>
        ${repeat(
          shown,
          (a) => a.name,
          (a, i) => {
            const { activity, since } = activityNow(a, this.now);
            const index = start + i;
            return html`<div
              class="row"
              role="row"
              aria-rowindex=${index + 2}
              data-agent=${a.name}
              data-activity=${activity}
              data-registered=${String(a.registered)}
              ${cssomStyle({ transform: `translateY(${index * ROW_HEIGHT}px)` })}
            >
              <span role="cell" class="name" title=${a.name}>${a.displayName}</span>
              <span role="cell" class="activity">${activityLabel(activity, a.pauseReason)}</span>
              <span role="cell" class="time">${timeInState(since, this.now)}</span>
              <span role="cell" class="queues">${a.queues.join(', ') || '—'}</span>
              <span role="cell" class="phone">${registrationText(a.registered)}</span>
              <span role="cell" class="actions">${
                this.supervise && activity === 'on-call' && a.extension !== undefined
                  ? superviseButtons({ ...a, extension: a.extension })
                  : ''
              }</span>
            </div>`;
          },
        )}
      </div>
    </div>`;
  }
}

if (!customElements.get('sb-agent-list')) customElements.define('sb-agent-list', SbAgentList);

declare global {
  interface HTMLElementTagNameMap {
    'sb-agent-list': SbAgentList;
  }
}
