// Writes the Helm chart's generated files (make crds): the CRD copies under
// charts/switchboard/files/crds/ and charts/switchboard/values.schema.json.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chartDir, chartGeneratedFiles, repoRoot } from './chart/generated-files.ts';

const files = chartGeneratedFiles();
// A CRD removed from crds/ must disappear from the chart too.
const crdDir = join(chartDir, 'files', 'crds');
mkdirSync(crdDir, { recursive: true });
for (const f of readdirSync(crdDir)) {
  if (!files.some((g) => g.path === join('charts', 'switchboard', 'files', 'crds', f)))
    rmSync(join(crdDir, f));
}
for (const { path, content } of files) {
  mkdirSync(dirname(join(repoRoot, path)), { recursive: true });
  writeFileSync(join(repoRoot, path), content);
  console.log(`wrote ${path}`);
}
