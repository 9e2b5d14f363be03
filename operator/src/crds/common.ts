// Schema pieces shared by both kinds.
import type { JSONSchemaProps } from './schema-types.ts';

export const GROUP = 'switchboard.dev';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;

export const crdLabels = {
  'app.kubernetes.io/name': 'switchboard',
  'app.kubernetes.io/part-of': 'switchboard',
  'app.kubernetes.io/component': 'crd',
} as const;

/** A Kubernetes object name (RFC 1123 DNS subdomain label). */
export const objectName = (description: string): JSONSchemaProps => ({
  type: 'string',
  description,
  minLength: 1,
  maxLength: 253,
  pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
});

/** A key inside a Secret's data. */
export const secretKey = (description: string, defaultKey: string): JSONSchemaProps => ({
  type: 'string',
  description,
  default: defaultKey,
  minLength: 1,
  maxLength: 253,
  pattern: '^[-._a-zA-Z0-9]+$',
});

/** The name of an Asterisk queue (also used as a config section name). */
export const queueName = (description: string): JSONSchemaProps => ({
  type: 'string',
  description,
  minLength: 1,
  maxLength: 63,
  pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
  'x-kubernetes-validations': [
    {
      rule: "self != 'general'",
      message: 'must not be "general": that is the settings section of queues.conf, not a queue',
    },
  ],
});

/** metav1.Condition, as the API conventions define it. */
export const conditions: JSONSchemaProps = {
  type: 'array',
  description:
    "The latest available observations of the object's state (Ready, and the conditions listed in the API reference).",
  maxItems: 16,
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['type'],
  items: {
    type: 'object',
    description: "One aspect of the object's state, in the form of metav1.Condition.",
    required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'],
    properties: {
      type: {
        type: 'string',
        description: 'Type of condition in CamelCase.',
        maxLength: 316,
        pattern:
          '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
      },
      status: {
        type: 'string',
        description: 'Status of the condition: True, False or Unknown.',
        enum: ['True', 'False', 'Unknown'],
      },
      observedGeneration: {
        type: 'integer',
        description: 'The .metadata.generation that the condition was set based upon.',
        minimum: 0,
      },
      lastTransitionTime: {
        type: 'string',
        format: 'date-time',
        description: 'Last time the condition transitioned from one status to another.',
      },
      reason: {
        type: 'string',
        description: 'Programmatic identifier of the reason for the last transition, in CamelCase.',
        minLength: 1,
        maxLength: 1024,
        pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
      },
      message: {
        type: 'string',
        description: 'Human readable message with details about the transition.',
        maxLength: 32768,
      },
    },
  },
};

/**
 * An object schema whose default is made of its properties' defaults. The API
 * server validates a default against the object's CEL rules as written, so a
 * bare `{}` default would fail rules that read the nested fields.
 */
export function objectWithDefaults(
  schema: JSONSchemaProps & { readonly properties: Record<string, JSONSchemaProps> },
): JSONSchemaProps {
  const defaults: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(schema.properties)) {
    if (prop.default !== undefined) defaults[key] = prop.default;
  }
  return { ...schema, type: 'object', default: defaults };
}

/** The top-level properties every Switchboard resource's schema has. */
export function rootProperties(
  spec: JSONSchemaProps,
  status: JSONSchemaProps,
): Record<string, JSONSchemaProps> {
  return {
    apiVersion: {
      type: 'string',
      description: 'APIVersion defines the versioned schema of this representation of an object.',
    },
    kind: {
      type: 'string',
      description: 'Kind is a string value representing the REST resource this object represents.',
    },
    metadata: { type: 'object' },
    spec,
    status,
  };
}
