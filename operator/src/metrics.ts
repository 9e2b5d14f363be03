// The operator's Prometheus registry; every module registers its metrics here.
import { collectDefaultMetrics, Registry } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'switchboard_' });
