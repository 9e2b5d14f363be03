// <sb-monitor-page>: the supervisors' live wallboard (/dashboard/monitor).
// Per queue a card (callers waiting, longest wait, agents by activity,
// answered/abandoned and service level today), the waiting callers, and
// every agent with its activity and time in it (a virtual list). The feed
// (GET /monitor/events) brings changes; the waits and times tick here,
// once a second, on the server's clock as corrected by the feed.
import { html, LitElement, nothing } from 'lit';
import { pageStyles } from '../ui/styles.ts';
import { ClockController } from './clock-controller.ts';
import { monitorStyles } from './monitor-styles.ts';
import { WallboardFeed } from './wallboard-feed.ts';
import {
  callerText,
  countedSinceText,
  formatDuration,
  longestWaitMs,
  queueAgentCounts,
  serviceLevelText,
} from './wallboard-format.ts';
import type { WallboardAgent, WallboardQueue } from './wallboard-types.ts';
import './sb-agent-list.ts';
import './sb-call-list.ts';

export class SbMonitorPage extends LitElement {
  static override properties = { supervise: { type: Boolean } };
  static override styles = [pageStyles, monitorStyles];

  /** The viewer's softphone line is up (the shell says): rows on a call offer Listen/Whisper/Barge. */
  declare supervise: boolean;

  readonly feed = new WallboardFeed(this);
  /** Renders the page again every second: the waits and times tick without a message. */
  readonly clock = new ClockController(this);

  constructor() {
    super();
    this.supervise = false;
  }

  #statusLine() {
    const { feed } = this;
    const s = feed.state;
    if (feed.status === 'refused')
      return html`<p class="status stale" role="alert">${feed.problem ?? 'The live feed was refused.'}</p>`;
    if (!s.loaded) return html`<p class="status">Connecting to the live feed…</p>`;
    if (feed.status === 'reconnecting')
      return html`<p class="status stale" role="status">Connection lost: reconnecting… (figures below may be out of date)</p>`;
    if (!s.live.queues || !s.live.agents)
      return html`<p class="status stale" role="status">Asterisk cannot be reached right now: showing the last known figures.</p>`;
    return html`<p class="status" role="status">Live</p>`;
  }

  #card(q: WallboardQueue, agents: readonly WallboardAgent[], now: number) {
    const counts = queueAgentCounts(q.name, agents, now);
    const longest = longestWaitMs(q, now);
    return html`<section class="card ${q.waiting.length ? 'busy' : ''}" data-queue=${q.name} aria-label="Queue ${q.name}">
      <h2>${q.name}</h2>
      <div class="figures">
        <div class="figure waiting">
          <span class="value" data-figure="waiting">${q.waiting.length}</span>
          <span class="label">waiting</span>
        </div>
        <div class="figure">
          <span class="value" data-figure="longest-wait">${formatDuration(longest)}</span>
          <span class="label">longest wait</span>
        </div>
      </div>
      <dl class="agents">
        <div><dt>free</dt><dd data-count="available">${counts.available}</dd></div>
        <div><dt>on call</dt><dd data-count="on-call">${counts['on-call']}</dd></div>
        <div><dt>paused</dt><dd data-count="paused">${counts.paused}</dd></div>
        <div><dt>wrap-up</dt><dd data-count="wrap-up">${counts['wrap-up']}</dd></div>
        <div><dt>signed out</dt><dd data-count="signed-out">${counts['signed-out']}</dd></div>
      </dl>
      <p class="today">
        ${countedSinceText(q.today, this.feed.state.offsetMs)}:
        <span data-figure="answered">${q.today.answered}</span> answered,
        <span data-figure="abandoned">${q.today.abandoned}</span> abandoned;
        service level <span data-figure="service-level">${serviceLevelText(q.today, q.serviceLevelSeconds)}</span>
      </p>
    </section>`;
  }

  #callers(queues: readonly WallboardQueue[], now: number) {
    const rows = queues.flatMap((q) => q.waiting.map((c) => ({ q: q.name, c })));
    if (rows.length === 0) return html`<p class="empty">Nobody is waiting.</p>`;
    rows.sort((a, b) => a.c.joinedAt - b.c.joinedAt);
    return html`<table class="callers">
      <thead><tr><th>Queue</th><th>Position</th><th>Caller</th><th>Waiting</th></tr></thead>
      <tbody>
        ${rows.map(
          ({ q, c }) => html`<tr data-caller=${c.uniqueid}>
            <td>${q}</td><td>${c.position}</td><td>${callerText(c)}</td>
            <td class="wait">${formatDuration(now - c.joinedAt)}</td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  override render() {
    const s = this.feed.state;
    // read fresh (a message may come between ticks), on the server's clock
    const now = Date.now() + s.offsetMs;
    const queues = [...s.queues.values()];
    return html`<h1>Live wallboard</h1>
      ${this.#statusLine()}
      ${
        s.loaded
          ? html`<div class="cards">
                ${queues.length ? queues.map((q) => this.#card(q, s.agentOrder, now)) : html`<p class="empty">No queues.</p>`}
              </div>
              <h2>Waiting callers</h2>
              ${this.#callers(queues, now)}
              <h2>Calls in progress (${s.callOrder.length})</h2>
              <sb-call-list .calls=${s.callOrder} .agents=${s.agents} .now=${now}></sb-call-list>
              <h2>Agents (${s.agentOrder.length})</h2>
              <sb-agent-list .agents=${s.agentOrder} .now=${now} ?supervise=${this.supervise}></sb-agent-list>`
          : nothing
      }`;
  }
}

if (!customElements.get('sb-monitor-page')) customElements.define('sb-monitor-page', SbMonitorPage);

declare global {
  interface HTMLElementTagNameMap {
    'sb-monitor-page': SbMonitorPage;
  }
}
