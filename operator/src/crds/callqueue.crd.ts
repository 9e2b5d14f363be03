// The CallQueue CRD: the one source of its schema. crds/callqueue.yaml and the
// ajv validator are both generated from this object. Rules that need another
// object (the WebRTCConfig's extension range, other queues' numbers) cannot be
// CEL: the operator reports them in status (NumberInExtensionRange, NumberConflict).
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

export const QUEUE_STRATEGIES = [
  'ringall',
  'leastrecent',
  'fewestcalls',
  'rrmemory',
  'linear',
  'wrandom',
] as const;

/** Music-on-hold classes the Asterisk build provides (tools/asterisk/sounds.sh makes only this one). */
export const MOH_CLASSES = ['default'] as const;

/**
 * Recording formats MixMonitor writes (format_wav, format_gsm, format_wav_gsm,
 * format_pcm in asterisk/etc/modules.conf). wav: 16-bit 8 kHz PCM, plays in
 * every browser; wav49: GSM in a WAV container (Microsoft's WAV49), a tenth of
 * the size; gsm: raw GSM 06.10; ulaw/alaw: raw G.711.
 */
export const RECORDING_FORMATS = ['wav', 'wav49', 'gsm', 'ulaw', 'alaw'] as const;

/** A skill name: lowercase letters, digits and "-" (also a label-like key). */
export const SKILL_PATTERN = '^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$';
/** Skill levels: 1 (beginner) … 10 (expert). */
export const SKILL_LEVEL_MAX = 10;

const seconds = (
  description: string,
  defaultValue: number,
  minimum: number,
  maximum: number,
): JSONSchemaProps => ({ type: 'integer', description, default: defaultValue, minimum, maximum });

const labelValue: JSONSchemaProps = {
  type: 'string',
  description: 'A label value.',
  maxLength: 63,
  pattern: '^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$',
};

/** A label selector over SipAgents (SipTrunk outbound.agents uses it too). */
export const selector: JSONSchemaProps = {
  type: 'object',
  description:
    'SipAgents whose labels match (a Kubernetes label selector). Empty matches every agent.',
  properties: {
    matchLabels: {
      type: 'object',
      description: 'Labels an agent must carry, with these values.',
      maxProperties: 16,
      additionalProperties: labelValue,
    },
    matchExpressions: {
      type: 'array',
      description: 'Label requirements, all of which must hold.',
      maxItems: 16,
      items: {
        type: 'object',
        description: 'One requirement: key, operator and values.',
        required: ['key', 'operator'],
        'x-kubernetes-validations': [
          {
            rule: "self.operator in ['In', 'NotIn'] ? size(self.values) > 0 : size(self.values) == 0",
            message: 'In and NotIn need values; Exists and DoesNotExist take none',
            fieldPath: '.values',
          },
        ],
        properties: {
          key: { type: 'string', description: 'The label key.', minLength: 1, maxLength: 316 },
          operator: {
            type: 'string',
            description: 'In, NotIn, Exists or DoesNotExist.',
            enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'],
          },
          values: {
            type: 'array',
            description: 'The values for In and NotIn.',
            default: [],
            maxItems: 32,
            items: labelValue,
          },
        },
      },
    },
  },
};

const spec: JSONSchemaProps = {
  type: 'object',
  description: 'The desired state of a CallQueue: who reaches it, how it rings, who answers.',
  'x-kubernetes-validations': [
    {
      rule: '!(has(self.announcements) && (self.announcements.position || self.announcements.holdTime)) || self.announcements.frequencySeconds > 0',
      message: 'announcements need a frequencySeconds above 0',
      fieldPath: '.announcements.frequencySeconds',
    },
  ],
  properties: {
    numbers: {
      type: 'array',
      description:
        'Numbers callers dial to reach this queue, e.g. ["118"]. Outside the extension range; a number another queue already has stays with the older queue.',
      default: [],
      maxItems: 8,
      'x-kubernetes-list-type': 'set',
      items: {
        type: 'string',
        description: 'A number of 2 to 6 digits.',
        pattern: '^[0-9]{2,6}$',
      },
    },
    strategy: {
      type: 'string',
      description:
        'How app_queue picks the next agent: ringall, leastrecent, fewestcalls, rrmemory, linear or wrandom.',
      default: 'rrmemory',
      enum: QUEUE_STRATEGIES,
    },
    ringSeconds: seconds('How long one agent rings before the next is tried.', 20, 5, 300),
    retrySeconds: seconds('Pause after every agent was tried before trying again.', 5, 1, 300),
    maxWaitSeconds: seconds(
      'How long a caller waits in the queue before the overflow takes the call.',
      600,
      10,
      86400,
    ),
    maxCallers: {
      type: 'integer',
      description:
        'How many callers may wait at once (0: no limit); one more goes to the overflow.',
      default: 0,
      minimum: 0,
      maximum: 10000,
    },
    wrapUpSeconds: seconds(
      'Rest after a call before the agent is offered the next one.',
      0,
      0,
      3600,
    ),
    joinWithoutAgents: {
      type: 'boolean',
      description:
        'Whether callers may join while no agent is signed in (otherwise they go to the overflow at once).',
      default: true,
    },
    stayWithoutAgents: {
      type: 'boolean',
      description: 'Whether waiting callers stay when the last agent signs out.',
      default: true,
    },
    serviceLevelSeconds: seconds(
      'Answer within this many seconds counts as within the service level.',
      60,
      1,
      3600,
    ),
    musicOnHold: {
      type: 'string',
      description: 'The music-on-hold class callers hear (the build provides "default").',
      default: 'default',
      enum: MOH_CLASSES,
    },
    announcements: {
      type: 'object',
      description: 'What waiting callers are told, from the prompts the build provides.',
      properties: {
        position: {
          type: 'boolean',
          description: "Announce the caller's position.",
          default: false,
        },
        holdTime: {
          type: 'boolean',
          description: 'Announce the estimated hold time.',
          default: false,
        },
        frequencySeconds: seconds('How often the announcements repeat.', 60, 0, 1200),
      },
    },
    overflow: {
      type: 'object',
      description:
        'Where a caller goes after maxWaitSeconds, when the queue is full, or when no agent is there: at most one of queue, extension, hangupCause (none: hang up normally).',
      'x-kubernetes-validations': [
        {
          rule: '(has(self.queue) ? 1 : 0) + (has(self.extension) ? 1 : 0) + (has(self.hangupCause) ? 1 : 0) <= 1',
          message: 'give at most one of queue, extension and hangupCause',
        },
      ],
      properties: {
        queue: queueName('Another CallQueue (by name) the caller moves to.'),
        extension: {
          type: 'integer',
          description: "An agent's extension that rings instead.",
          minimum: 100,
          maximum: 99999,
        },
        hangupCause: {
          type: 'integer',
          description: 'Hang up with this Q.850 cause (e.g. 17 busy, 34 congestion).',
          minimum: 1,
          maximum: 127,
        },
      },
    },
    recording: {
      type: 'object',
      description:
        "Call recording: both parties of every call this queue connects, from the agent's answer to the hangup (an agent's spec.recording overrides enabled).",
      properties: {
        enabled: {
          type: 'boolean',
          description: 'Record calls answered from this queue.',
          default: false,
        },
        format: {
          type: 'string',
          description:
            'File format: wav (16-bit PCM, plays in every browser), wav49 (GSM in WAV, a tenth of the size), gsm, ulaw or alaw.',
          default: 'wav',
          enum: RECORDING_FORMATS,
        },
        retentionDays: {
          type: 'integer',
          description:
            'Days a recording is kept; the operator then deletes the file and its link from the call record.',
          default: 90,
          minimum: 1,
          maximum: 3650,
        },
      },
    },
    members: {
      type: 'object',
      description:
        'Which SipAgents answer: those matching the selector and having every listed skill (both given: both must hold). Agents listing this queue in spec.queues answer too.',
      properties: {
        selector,
        skills: {
          type: 'array',
          description:
            'Skills an agent must have (SipAgent spec.skills). The lowest of its levels in them sets the penalty: level 10 is penalty 0, level 1 penalty 9; lower penalties ring first.',
          maxItems: 8,
          'x-kubernetes-list-type': 'set',
          items: { type: 'string', description: 'A skill name.', pattern: SKILL_PATTERN },
        },
      },
    },
  },
};

const status: JSONSchemaProps = {
  type: 'object',
  description: 'The observed state of a CallQueue, written by the operator.',
  properties: {
    observedGeneration: {
      type: 'integer',
      description: 'The .metadata.generation the operator last acted on.',
      minimum: 0,
    },
    members: { type: 'integer', description: 'How many agents the queue resolved to.', minimum: 0 },
    numbers: {
      type: 'array',
      description: 'The numbers that reach this queue now.',
      items: { type: 'string', description: 'A number.' },
    },
    conditions,
  },
};

export const callQueueCrd: CustomResourceDefinition = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `callqueues.${GROUP}`, labels: crdLabels },
  spec: {
    group: GROUP,
    scope: 'Namespaced',
    names: {
      kind: 'CallQueue',
      listKind: 'CallQueueList',
      plural: 'callqueues',
      singular: 'callqueue',
      shortNames: ['cq'],
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
            name: 'Numbers',
            type: 'string',
            jsonPath: '.status.numbers',
            description: 'The numbers that reach the queue now.',
          },
          { name: 'Strategy', type: 'string', jsonPath: '.spec.strategy' },
          {
            name: 'Members',
            type: 'integer',
            jsonPath: '.status.members',
            description: 'Agents the queue resolved to.',
          },
          {
            name: 'Ready',
            type: 'string',
            jsonPath: '.status.conditions[?(@.type=="Ready")].status',
          },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
        schema: {
          openAPIV3Schema: {
            type: 'object',
            description: `CallQueue is one queue of callers waiting for agents (${API_VERSION}): its numbers, ringing, overflow and members.`,
            required: ['spec'],
            'x-kubernetes-validations': [
              {
                rule: "self.metadata.name.size() <= 63 && self.metadata.name.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$') && self.metadata.name != 'general'",
                message:
                  'metadata.name is the Asterisk queue name: up to 63 lowercase letters, digits and "-", not "general"',
              },
              {
                rule: '!has(self.spec.overflow) || !has(self.spec.overflow.queue) || self.spec.overflow.queue != self.metadata.name',
                message: 'overflow.queue must name another queue, not this one',
                fieldPath: '.spec.overflow.queue',
              },
            ],
            properties: rootProperties(spec, status),
          },
        },
      },
    ],
  },
};
