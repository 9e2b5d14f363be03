// <sb-reports-page>: call reports (/dashboard/reports) for a period and a
// queue in the viewer's time zone: the queue's figures, calls per hour and
// answered vs abandoned as charts (with the same numbers in tables), the
// agents' table, and a CSV download of each table.
import type { ChartConfiguration } from 'chart.js';
import { html, LitElement, nothing } from 'lit';
import { ApiError, request } from '../api/client.ts';
import { pageStyles } from '../ui/styles.ts';
import {
  localDay,
  pausesText,
  percent,
  periodText,
  reportQuery,
  seconds,
} from './report-format.ts';
import type { PeriodName, QueueReport, ReportChoice } from './report-types.ts';
import { reportsStyles } from './reports-styles.ts';
import './sb-report-chart.ts';

const PERIODS: { value: PeriodName; label: string }[] = [
  { value: 'today', label: 'Today' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: 'custom', label: 'Custom…' },
];

const COLORS = {
  offered: '#8da2c0',
  answered: '#1b7a3d',
  abandoned: '#b3261e',
  timedOut: '#c77c02',
};

export class SbReportsPage extends LitElement {
  static override styles = [pageStyles, reportsStyles];
  static override properties = {
    _choice: { state: true },
    _report: { state: true },
    _error: { state: true },
    _loading: { state: true },
  };

  declare _choice: ReportChoice;
  declare _report: QueueReport | undefined;
  declare _error: string | undefined;
  declare _loading: boolean;
  #abort: AbortController | undefined;

  constructor() {
    super();
    const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
    const now = new Date();
    this._choice = {
      period: 'today',
      from: localDay(now, timeZone, 6),
      to: localDay(now, timeZone),
      queue: '',
      timeZone,
    };
    this._report = undefined;
    this._error = undefined;
    this._loading = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#abort?.abort();
  }

  async #load() {
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    this._loading = true;
    try {
      this._report = await request<QueueReport>(
        'GET',
        `/reports/queues?${reportQuery(this._choice)}`,
        undefined,
        abort.signal,
      );
      this._error = undefined;
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      this._error = err instanceof ApiError ? err.message : String(err);
    } finally {
      if (this.#abort === abort) this._loading = false;
    }
  }

  #set(patch: Partial<ReportChoice>) {
    this._choice = { ...this._choice, ...patch };
    void this.#load();
  }

  #pickers() {
    const c = this._choice;
    const queues = this._report?.queues ?? [];
    return html`<form class="pickers" @submit=${(e: Event) => e.preventDefault()}>
      <label>Period
        <select name="period" @change=${(e: Event) => this.#set({ period: (e.target as HTMLSelectElement).value as PeriodName })}>
          ${PERIODS.map((p) => html`<option value=${p.value} ?selected=${p.value === c.period}>${p.label}</option>`)}
        </select>
      </label>
      ${
        c.period === 'custom'
          ? html`<label>From
              <input type="date" name="from" .value=${c.from} @change=${(e: Event) => this.#set({ from: (e.target as HTMLInputElement).value })} />
            </label>
            <label>To
              <input type="date" name="to" .value=${c.to} @change=${(e: Event) => this.#set({ to: (e.target as HTMLInputElement).value })} />
            </label>`
          : nothing
      }
      <label>Queue
        <select name="queue" @change=${(e: Event) => this.#set({ queue: (e.target as HTMLSelectElement).value })}>
          <option value="" ?selected=${c.queue === ''}>All queues</option>
          ${queues.map((q) => html`<option value=${q} ?selected=${q === c.queue}>${q}</option>`)}
        </select>
      </label>
      <span class="status" role="status">${this._loading ? 'Loading…' : ''}</span>
    </form>`;
  }

  #csv(table: string, what: string) {
    return html`<a class="csv" data-csv=${table} href="/reports/queues.csv?${reportQuery(this._choice, table)}" download>Download ${what} (CSV)</a>`;
  }

  #summary(r: QueueReport) {
    const s = r.summary;
    const figure = (key: string, label: string, value: string) =>
      html`<div><dt>${label}</dt><dd data-figure=${key}>${value}</dd></div>`;
    return html`<section aria-label="Queue figures">
      <div class="table-head"><h2>Queue figures</h2>${this.#csv('summary', 'figures')}</div>
      <dl class="figures">
        ${figure('offered', 'Offered', String(s.offered))}
        ${figure('answered', 'Answered', String(s.answered))}
        ${figure('abandoned', 'Abandoned', String(s.abandoned))}
        ${figure('timed-out', 'Timed out', String(s.timedOut))}
        ${figure('service-level', 'Within service level', percent(s.serviceLevelPercent))}
        ${figure('average-wait', 'Average wait', seconds(s.averageWaitSeconds))}
        ${figure('p90-wait', '90% waited at most', seconds(s.p90WaitSeconds))}
        ${figure('longest-wait', 'Longest wait', seconds(s.longestWaitSeconds))}
        ${figure('average-handle', 'Average handle time', seconds(s.averageHandleSeconds))}
      </dl>
    </section>`;
  }

  #charts(r: QueueReport) {
    const hourly: ChartConfiguration = {
      type: 'bar',
      data: {
        labels: r.hours.map((h) => `${String(h.hour).padStart(2, '0')}:00`),
        datasets: [
          {
            label: 'Offered',
            data: r.hours.map((h) => h.offered),
            backgroundColor: COLORS.offered,
          },
          {
            label: 'Answered',
            data: r.hours.map((h) => h.answered),
            backgroundColor: COLORS.answered,
          },
          {
            label: 'Abandoned',
            data: r.hours.map((h) => h.abandoned),
            backgroundColor: COLORS.abandoned,
          },
        ],
      },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    };
    const s = r.summary;
    const outcome: ChartConfiguration = {
      type: 'doughnut',
      data: {
        labels: ['Answered', 'Abandoned', 'Timed out'],
        datasets: [
          {
            data: [s.answered, s.abandoned, s.timedOut],
            backgroundColor: [COLORS.answered, COLORS.abandoned, COLORS.timedOut],
          },
        ],
      },
    };
    return html`<div class="charts">
      <figure>
        <figcaption><h2>Calls per hour of day (${r.period.timeZone})</h2></figcaption>
        <sb-report-chart data-chart="hours" .config=${hourly} label="Calls per hour of day"></sb-report-chart>
      </figure>
      <figure>
        <figcaption><h2>Answered and abandoned</h2></figcaption>
        <sb-report-chart data-chart="outcome" .config=${outcome} label="Answered ${s.answered}, abandoned ${s.abandoned}, timed out ${s.timedOut}"></sb-report-chart>
      </figure>
    </div>`;
  }

  #hours(r: QueueReport) {
    const busy = r.hours.filter((h) => h.offered + h.answered + h.abandoned > 0);
    return html`<section class="table" aria-label="Calls per hour">
      <div class="table-head"><h2>Calls per hour</h2>${this.#csv('hours', 'hours')}</div>
      ${
        busy.length === 0
          ? html`<p class="empty">No calls in this period.</p>`
          : html`<table data-table="hours">
            <thead><tr><th>Hour</th><th class="n">Offered</th><th class="n">Answered</th><th class="n">Abandoned</th></tr></thead>
            <tbody>${busy.map(
              (h) => html`<tr data-hour=${h.hour}><td>${String(h.hour).padStart(2, '0')}:00</td>
                <td class="n">${h.offered}</td><td class="n">${h.answered}</td><td class="n">${h.abandoned}</td></tr>`,
            )}</tbody>
          </table>`
      }
    </section>`;
  }

  #agents(r: QueueReport) {
    return html`<section class="table" aria-label="Agents">
      <div class="table-head"><h2>Agents</h2>${this.#csv('agents', 'agents')}</div>
      ${
        r.agents.length === 0
          ? html`<p class="empty">No agent activity in this period.</p>`
          : html`<table data-table="agents">
            <thead><tr>
              <th>Agent</th><th class="n">Answered</th><th class="n">Missed</th><th class="n">Talk time</th>
              <th class="n">Average handle</th><th class="n">Signed in</th><th>Paused</th>
            </tr></thead>
            <tbody>${r.agents.map(
              (a) => html`<tr data-member=${a.member}>
                <td>${a.member}</td>
                <td class="n" data-col="answered">${a.answered}</td>
                <td class="n" data-col="missed">${a.missed}</td>
                <td class="n" data-col="talk">${seconds(a.talkSeconds)}</td>
                <td class="n" data-col="handle">${seconds(a.averageHandleSeconds)}</td>
                <td class="n" data-col="signed-in">${seconds(a.signedInSeconds)}</td>
                <td data-col="paused">${pausesText(a.pausedSeconds)}</td>
              </tr>`,
            )}</tbody>
          </table>`
      }
    </section>`;
  }

  override render() {
    const r = this._report;
    return html`<h1>Reports</h1>
      ${this.#pickers()}
      ${this._error ? html`<p class="alert" role="alert">${this._error}</p>` : nothing}
      ${
        r
          ? html`<p class="period" data-period>${periodText(r.period.from, r.period.to, r.period.timeZone)}${r.queue ? html`, queue ${r.queue}` : ', all queues'}</p>
            ${this.#summary(r)} ${this.#charts(r)} ${this.#hours(r)} ${this.#agents(r)}`
          : nothing
      }`;
  }
}

customElements.define('sb-reports-page', SbReportsPage);
