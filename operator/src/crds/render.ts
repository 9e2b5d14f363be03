import { stringify } from 'yaml';
import type { CustomResourceDefinition } from './schema-types.ts';

const HEADER =
  '# Generated from operator/src/crds/ by `make crds`. Do not edit: change the TypeScript source.\n';

/** The CRD as the YAML file committed under crds/ (stable output: same input, same bytes). */
export function renderCrdYaml(crd: CustomResourceDefinition): string {
  return HEADER + stringify(crd, { lineWidth: 0, aliasDuplicateObjects: false });
}
