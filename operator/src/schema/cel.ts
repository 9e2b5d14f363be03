// Evaluates the CRDs' CEL rules (x-kubernetes-validations) in JS the way the
// API server does: `self` bound to the value, schema integers as CEL ints,
// RE2 regular expressions (@bufbuild/cel uses an RE2 port, as Go's CEL does).
import { celEnv, isCelError, parse, plan } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import type { CelRule, JSONSchemaProps } from '../crds/schema-types.ts';

const env = celEnv({ funcs: strings });

export type CompiledRule = (self: unknown) => { ok: true } | { ok: false; message: string };

export function compileRule(rule: CelRule, schema: JSONSchemaProps): CompiledRule {
  const program = plan(env, parse(rule.rule));
  return (self) => {
    const result = program({ self: toCelValue(self, schema) } as never);
    if (result === true) return { ok: true };
    if (isCelError(result))
      return {
        ok: false,
        message: `${rule.message} (rule could not be evaluated: ${String(result.message)})`,
      };
    return { ok: false, message: rule.message };
  };
}

/** JSON integers become bigints (CEL int) where the schema says integer. */
export function toCelValue(value: unknown, schema: JSONSchemaProps | undefined): unknown {
  if (schema === undefined || value === null || value === undefined) return value;
  if (schema.type === 'integer' && typeof value === 'number' && Number.isInteger(value))
    return BigInt(value);
  if (Array.isArray(value)) return value.map((item) => toCelValue(item, schema.items));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value))
      out[key] = toCelValue(item, schema.properties?.[key] ?? schema.additionalProperties);
    return out;
  }
  return value;
}
