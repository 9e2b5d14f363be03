// Writes crds/*.yaml from the TypeScript CRD sources (make crds).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crdFiles } from '../operator/src/crds/index.ts';
import { renderCrdYaml } from '../operator/src/crds/render.ts';

const dir = join(import.meta.dirname, '..', 'crds');
for (const { file, crd } of crdFiles) {
  writeFileSync(join(dir, file), renderCrdYaml(crd));
  console.log(`wrote crds/${file}`);
}
