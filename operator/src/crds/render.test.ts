import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { crdFiles } from './index.ts';
import { renderCrdYaml } from './render.ts';
import type { JSONSchemaProps } from './schema-types.ts';

const crdDir = join(import.meta.dirname, '..', '..', '..', 'crds');

function* undocumented(schema: JSONSchemaProps, path: string): Generator<string> {
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const at = `${path}.${key}`;
    if (!prop.description && !['metadata', 'apiVersion', 'kind'].includes(key)) yield at;
    yield* undocumented(prop, at);
  }
  if (schema.items) yield* undocumented(schema.items, `${path}[]`);
}

describe('generated CRD files', () => {
  for (const { file, crd } of crdFiles) {
    it(`crds/${file} is up to date with its TypeScript source (run make crds)`, () => {
      assert.equal(readFileSync(join(crdDir, file), 'utf8'), renderCrdYaml(crd));
    });

    it(`${crd.spec.names.kind} describes every field, so kubectl explain documents the API`, () => {
      for (const version of crd.spec.versions) {
        assert.deepEqual(
          [...undocumented(version.schema.openAPIV3Schema, crd.spec.names.kind)],
          [],
        );
      }
    });
  }
});
