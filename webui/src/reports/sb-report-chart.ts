// <sb-report-chart>: one Chart.js chart on a canvas in the shadow root.
// Chart.js (chart-setup.ts, loaded on first use): maintained, draws on a
// canvas, so nothing for the page's CSP to refuse (no stylesheet injected,
// sizes set through the DOM) and nothing to style in the shadow root. The table beside each chart holds
// the same numbers for screen readers and copying.
import type { Chart, ChartConfiguration } from 'chart.js';
import { css, html, LitElement, type PropertyValues } from 'lit';

export class SbReportChart extends LitElement {
  static override properties = {
    config: { attribute: false },
    label: {},
  };
  static override styles = css`
    :host {
      display: block;
      position: relative;
      min-height: 16rem;
    }
  `;

  declare config: ChartConfiguration | undefined;
  declare label: string;
  #chart: Chart | undefined;

  constructor() {
    super();
    this.config = undefined;
    this.label = '';
  }

  override render() {
    return html`<canvas role="img" aria-label=${this.label}></canvas>`;
  }

  override async updated(changed: PropertyValues<this>): Promise<void> {
    if (!changed.has('config')) return;
    const config = this.config;
    const { Chart } = await import('./chart-setup.ts');
    if (config !== this.config) return; // a newer config is being drawn
    this.#chart?.destroy();
    this.#chart = undefined;
    const canvas = this.renderRoot.querySelector('canvas');
    if (!canvas || !config || !this.isConnected) return;
    const reduced = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    this.#chart = new Chart(canvas, {
      ...config,
      options: {
        responsive: true,
        maintainAspectRatio: false,
        ...(reduced ? { animation: false } : {}),
        ...config.options,
      },
    });
    this.dataset.drawn = 'true';
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#chart?.destroy();
    this.#chart = undefined;
  }
}

customElements.define('sb-report-chart', SbReportChart);
