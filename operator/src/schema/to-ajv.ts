// Derives a JSON Schema for ajv from a CRD's structural OpenAPI schema, so
// that ajv's verdicts match the API server's with strict field validation:
// unknown fields are errors, list-type=set means unique items.
import type { JSONSchemaProps } from '../crds/schema-types.ts';

export type AjvSchema = Record<string, unknown>;

export function toAjvSchema(schema: JSONSchemaProps): AjvSchema {
  const out: AjvSchema = { ...schema };
  if (schema.properties) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([k, v]) => [k, toAjvSchema(v)]),
    );
    out.additionalProperties = false;
  }
  if (schema.additionalProperties)
    out.additionalProperties = toAjvSchema(schema.additionalProperties);
  if (schema.items) out.items = toAjvSchema(schema.items);
  if (schema['x-kubernetes-list-type'] === 'set') out.uniqueItems = true;
  return out;
}
