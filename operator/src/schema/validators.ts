// ajv validators for the custom resources, compiled from the same CRD
// objects that crds/*.yaml are generated from (one source for the schema).
import { Ajv, type AnySchemaObject, type ErrorObject, type SchemaValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { callQueueCrd } from '../crds/callqueue.crd.ts';
import type { CelRule, CustomResourceDefinition, JSONSchemaProps } from '../crds/schema-types.ts';
import { sipAgentCrd } from '../crds/sipagent.crd.ts';
import { sipTrunkCrd } from '../crds/siptrunk.crd.ts';
import type { CallQueue, SipAgent, SipTrunk, WebRTCConfig } from '../crds/types.ts';
import { webRtcConfigCrd } from '../crds/webrtcconfig.crd.ts';
import { compileRule } from './cel.ts';
import { type FieldError, toFieldErrors } from './errors.ts';
import { toAjvSchema } from './to-ajv.ts';

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true });
  addFormats.default(ajv, ['date-time']);
  ajv.addKeyword({ keyword: 'x-kubernetes-list-map-keys', schemaType: 'array' });
  ajv.addKeyword({ keyword: 'x-kubernetes-list-type', schemaType: 'string' });
  ajv.addKeyword({
    keyword: 'x-kubernetes-validations',
    // Typed, so ajv runs it after `properties` (and thus after defaulting), as the API server does.
    type: ['object', 'array', 'string', 'number', 'integer', 'boolean'],
    schemaType: 'array',
    errors: true,
    compile(rules: readonly CelRule[], parentSchema: AnySchemaObject) {
      const compiled = rules.map((rule) => ({
        rule,
        check: compileRule(rule, parentSchema as JSONSchemaProps),
      }));
      const validate: SchemaValidateFunction = (data, ctx) => {
        const errors: Partial<ErrorObject>[] = [];
        for (const { rule, check } of compiled) {
          const result = check(data);
          if (!result.ok) {
            errors.push({
              keyword: 'x-kubernetes-validations',
              instancePath: ctx?.instancePath ?? '',
              message: result.message,
              params: rule.fieldPath ? { fieldPath: rule.fieldPath } : {},
            });
          }
        }
        validate.errors = errors;
        return errors.length === 0;
      };
      return validate;
    },
  });
  return ajv;
}

const ajv = createAjv();

function validatorFor<T>(crd: CustomResourceDefinition) {
  const version = crd.spec.versions[0];
  if (!version) throw new Error(`${crd.metadata.name} has no version`);
  const validate = ajv.compile(toAjvSchema(version.schema.openAPIV3Schema));
  /** Validates a whole object (defaults applied to a copy, as the API server would). */
  return (input: unknown): ValidationResult<T> => {
    const value = structuredClone(input);
    if (validate(value)) return { ok: true, value: value as T };
    return { ok: false, errors: toFieldErrors(validate.errors ?? []) };
  };
}

export const validateSipAgent = validatorFor<SipAgent>(sipAgentCrd);
export const validateWebRTCConfig = validatorFor<WebRTCConfig>(webRtcConfigCrd);
export const validateCallQueue = validatorFor<CallQueue>(callQueueCrd);
export const validateSipTrunk = validatorFor<SipTrunk>(sipTrunkCrd);

/**
 * A validator for another schema assembled from the CRD schema pieces (the
 * HTTP API's request bodies), with the same ajv, formats and CEL rules.
 */
export function compileValidator<T>(schema: JSONSchemaProps) {
  const validate = ajv.compile(toAjvSchema(schema));
  return (input: unknown): ValidationResult<T> => {
    const value = structuredClone(input);
    if (validate(value)) return { ok: true, value: value as T };
    return { ok: false, errors: toFieldErrors(validate.errors ?? []) };
  };
}
