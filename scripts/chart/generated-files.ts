// The chart's generated files: byte-identical copies of crds/*.yaml (the chart
// installs and upgrades them as templates), values.schema.json and the
// Grafana dashboard (grafana-dashboard.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderGrafanaDashboard } from './grafana-dashboard.ts';
import { renderValuesSchema } from './values-schema.ts';

export const repoRoot = join(import.meta.dirname, '..', '..');
export const chartDir = join(repoRoot, 'charts', 'switchboard');

export interface GeneratedFile {
  /** Path relative to the repository root. */
  readonly path: string;
  readonly content: string;
}

export function chartGeneratedFiles(): GeneratedFile[] {
  const crds = readdirSync(join(repoRoot, 'crds'))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({
      path: join('charts', 'switchboard', 'files', 'crds', f),
      content: readFileSync(join(repoRoot, 'crds', f), 'utf8'),
    }));
  return [
    ...crds,
    { path: join('charts', 'switchboard', 'values.schema.json'), content: renderValuesSchema() },
    {
      path: join('charts', 'switchboard', 'files', 'grafana', 'switchboard.json'),
      content: renderGrafanaDashboard(),
    },
  ];
}
