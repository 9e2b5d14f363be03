// The SipAgent CRD: the one source of its schema. crds/sipagent.yaml and the
// HTTP API's ajv validator are both generated from this object.

import { SKILL_LEVEL_MAX, SKILL_PATTERN } from './callqueue.crd.ts';
import {
  API_VERSION,
  conditions,
  crdLabels,
  GROUP,
  queueName,
  rootProperties,
  VERSION,
} from './common.ts';
import type { CustomResourceDefinition, JSONSchemaProps } from './schema-types.ts';

export const SIPAGENT_CODECS = ['opus', 'g722', 'ulaw', 'alaw'] as const;

const spec: JSONSchemaProps = {
  type: 'object',
  description:
    'The desired state of a SipAgent: one person who takes calls from a browser softphone.',
  required: ['displayName'],
  properties: {
    displayName: {
      type: 'string',
      description:
        'The agent\'s name as people read it, e.g. "John Doe". It is shown as caller ID and seeds the SIP username (john_doe_<unix seconds>).',
      minLength: 1,
      maxLength: 100,
      pattern: '^\\S(.*\\S)?$',
    },
    phoneNumber: {
      type: 'string',
      description:
        'The agent\'s own phone number in E.164 form (a "+", the country code, then the number, 7 to 15 digits), e.g. "+4930123456". Informational.',
      pattern: '^\\+[1-9][0-9]{6,14}$',
    },
    extension: {
      type: 'integer',
      description:
        "The internal number that rings this agent. Allocated from the WebRTCConfig's extension range when omitted; an explicit value must be unique in the namespace.",
      minimum: 100,
      maximum: 99999,
    },
    codecs: {
      type: 'array',
      description: 'Audio codecs offered to the browser, in order of preference.',
      default: ['opus', 'ulaw', 'alaw'],
      minItems: 1,
      maxItems: SIPAGENT_CODECS.length,
      'x-kubernetes-list-type': 'set',
      items: {
        type: 'string',
        description: 'A codec: opus, g722, ulaw or alaw.',
        enum: SIPAGENT_CODECS,
      },
    },
    queues: {
      type: 'array',
      description:
        'Names of the call queues this agent serves. Omitted: the hotline queue of the WebRTCConfig. Empty: no queue.',
      maxItems: 16,
      'x-kubernetes-list-type': 'set',
      items: queueName('The name of a queue (lowercase letters, digits and "-").'),
    },
    skills: {
      type: 'object',
      description:
        'What the agent is good at, as skill name → level from 1 to 10, e.g. {billing: 3, french: 1}. CallQueues that ask for a skill take the agent, higher levels first.',
      maxProperties: 16,
      additionalProperties: {
        type: 'integer',
        description: 'The level: 1 (beginner) to 10 (expert).',
        minimum: 1,
        maximum: SKILL_LEVEL_MAX,
      },
      'x-kubernetes-validations': [
        {
          rule: `self.all(k, k.matches('${SKILL_PATTERN}'))`,
          message: 'skill names are 1-32 lowercase letters, digits and "-" (no spaces)',
        },
      ],
    },
    suspended: {
      type: 'boolean',
      description:
        'Removes the agent from Asterisk (it can neither register nor be called) while keeping its extension and credentials.',
      default: false,
    },
    supervisor: {
      type: 'boolean',
      description:
        "The agent may supervise from its softphone: *51<extension> listens to that agent's call, *52 whispers to the agent (the caller does not hear), *53 joins the call. Asterisk refuses everyone else; every use is recorded as an Event on this SipAgent. Its endpoint offers opus last: Asterisk must decode a supervisor's voice to whisper or barge and has no opus decoder.",
    },
    callWaiting: {
      type: 'boolean',
      description:
        "A direct call (to the agent's extension, or a transfer to it) that arrives while the agent is on a call rings as a second line the agent may answer (the first call goes on hold) or decline. Off (the default): Asterisk answers such a caller busy. Queues never offer a second call to an agent on a call either way.",
      default: false,
    },
    recording: {
      type: 'boolean',
      description:
        "Overrides the queue's call recording for calls this agent answers from a queue: true records them (in the queue's format, else wav), false never does. Omitted: the queue decides.",
    },
    maxContacts: {
      type: 'integer',
      description:
        'How many devices (browser tabs) may be registered for this agent at once; a new registration beyond it replaces the oldest.',
      default: 1,
      minimum: 1,
      maximum: 10,
    },
  },
};

const status: JSONSchemaProps = {
  type: 'object',
  description: 'The observed state of a SipAgent, written by the operator.',
  properties: {
    observedGeneration: {
      type: 'integer',
      description: 'The .metadata.generation the operator last acted on.',
      minimum: 0,
    },
    extension: {
      type: 'integer',
      description: 'The extension the agent has (given or allocated).',
      minimum: 0,
    },
    sipUsername: {
      type: 'string',
      description: 'The SIP username the softphone registers with.',
      maxLength: 128,
    },
    credentialsSecretName: {
      type: 'string',
      description: 'The Secret holding the SIP username, password and extension.',
      maxLength: 253,
    },
    credentialsRotatedAt: {
      type: 'string',
      format: 'date-time',
      description: 'When the SIP credentials were last generated.',
    },
    registered: {
      type: 'boolean',
      description: 'Whether at least one device of the agent is registered with Asterisk now.',
    },
    contacts: { type: 'integer', description: 'How many devices are registered now.', minimum: 0 },
    conditions,
  },
};

export const sipAgentCrd: CustomResourceDefinition = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `sipagents.${GROUP}`, labels: crdLabels },
  spec: {
    group: GROUP,
    scope: 'Namespaced',
    names: {
      kind: 'SipAgent',
      listKind: 'SipAgentList',
      plural: 'sipagents',
      singular: 'sipagent',
      shortNames: ['sipa'],
      categories: ['switchboard'],
    },
    versions: [
      {
        name: VERSION,
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: [
          {
            name: 'Extension',
            type: 'integer',
            jsonPath: '.status.extension',
            description: "The agent's extension.",
          },
          {
            name: 'Username',
            type: 'string',
            jsonPath: '.status.sipUsername',
            description: 'The SIP username.',
          },
          {
            name: 'Ready',
            type: 'string',
            jsonPath: '.status.conditions[?(@.type=="Ready")].status',
            description: 'Whether the agent can take calls.',
          },
          {
            name: 'Registered',
            type: 'boolean',
            jsonPath: '.status.registered',
            description: 'Whether a device is registered now.',
          },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
        schema: {
          openAPIV3Schema: {
            type: 'object',
            description: `SipAgent is one person who takes calls (${API_VERSION}). The operator gives it SIP credentials (a Secret it owns), an extension, and Asterisk configuration.`,
            required: ['spec'],
            properties: rootProperties(spec, status),
          },
        },
      },
    ],
  },
};
