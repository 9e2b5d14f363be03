// Metrics in the shared registry, created once per name. A module loaded twice
// (or an older copy of these helpers elsewhere in the process) reuses the
// registered metric instead of throwing "already registered".
import {
  Counter,
  type CounterConfiguration,
  Gauge,
  type GaugeConfiguration,
  Histogram,
  type HistogramConfiguration,
} from 'prom-client';
import { registry } from '../metrics.ts';

function existing<M>(
  name: string,
  labelNames: readonly string[] | undefined,
  kind: abstract new (...args: never) => unknown,
): M | undefined {
  const found = registry.getSingleMetric(name);
  if (!found) return undefined;
  const have = (found as { labelNames?: readonly string[] }).labelNames ?? [];
  const want = labelNames ?? [];
  // A same-named metric with other labels would fail at the first observation: fail now, clearly.
  if (!(found instanceof kind) || have.join() !== want.join()) {
    throw new Error(`metric ${name} is already registered with another type or labels`);
  }
  return found as M;
}

export function counter<L extends string>(config: CounterConfiguration<L>): Counter<L> {
  return (
    existing<Counter<L>>(config.name, config.labelNames, Counter) ??
    new Counter({ ...config, registers: [registry] })
  );
}

export function gauge<L extends string>(config: GaugeConfiguration<L>): Gauge<L> {
  return (
    existing<Gauge<L>>(config.name, config.labelNames, Gauge) ??
    new Gauge({ ...config, registers: [registry] })
  );
}

export function histogram<L extends string>(config: HistogramConfiguration<L>): Histogram<L> {
  return (
    existing<Histogram<L>>(config.name, config.labelNames, Histogram) ??
    new Histogram({ ...config, registers: [registry] })
  );
}
