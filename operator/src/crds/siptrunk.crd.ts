// The SipTrunk CRD: the one source of its schema. crds/siptrunk.yaml and the
// ajv validator are both generated from this object. Rules that need another
// object (the Secret, the queue or agent a route names, another trunk's
// numbers) cannot be CEL: the operator reports them in status.
import {
  API_VERSION,
  conditions,
  crdLabels,
  GROUP,
  objectName,
  queueName,
  rootProperties,
  secretKey,
  VERSION,
} from './common.ts';
import type { CustomResourceDefinition, JSONSchemaProps } from './schema-types.ts';
import { SIPAGENT_CODECS } from './sipagent.crd.ts';

/** Transports the schema names; only udp is rendered so far (a CEL rule refuses the others). */
export const TRUNK_TRANSPORTS = ['udp', 'tcp', 'tls'] as const;

/** 0–255 without leading zeros (RE2 and ECMAScript alike). */
const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
const IPV4 = `${OCTET}(\\.${OCTET}){3}`;
/** 1–65535. */
const PORT =
  '(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})';
/** A DNS name whose last label starts with a letter (so "999.1.1.1" is no name), or an IPv4 address. */
export const TRUNK_HOST_PATTERN = `^(${IPV4}|([a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?\\.)*[a-zA-Z]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)$`;
/** An IPv4 address with an optional source port and an optional prefix length. */
export const TRUNK_MATCH_PATTERN = `^${IPV4}(:${PORT})?(/(3[0-2]|[12]?[0-9]))?$`;
/** A number as the carrier delivers it: digits, optionally E.164's leading "+". */
export const TRUNK_NUMBER_PATTERN = '^\\+?[0-9]{2,15}$';
/** A SIP user part we write into From headers: letters, digits and a little punctuation. */
export const TRUNK_USER_PATTERN = '^[A-Za-z0-9_.+-]{1,64}$';
/**
 * Section and context names are "switchboard-trunk-<name>"; Asterisk keeps
 * category and context names in 80-byte buffers (79 characters).
 */
export const TRUNK_NAME_MAX = 61;

const host = (description: string): JSONSchemaProps => ({
  type: 'string',
  description,
  minLength: 1,
  maxLength: 253,
  pattern: TRUNK_HOST_PATTERN,
});

const number = (description: string): JSONSchemaProps => ({
  type: 'string',
  description,
  maxLength: 16,
  pattern: TRUNK_NUMBER_PATTERN,
});

const route: JSONSchemaProps = {
  type: 'object',
  description:
    'One number the carrier delivers (a DID) and where its calls go: exactly one of queue, agent and hotline.',
  required: ['number'],
  'x-kubernetes-validations': [
    {
      rule: '(has(self.queue) ? 1 : 0) + (has(self.agent) ? 1 : 0) + (has(self.hotline) && self.hotline ? 1 : 0) == 1',
      message: 'a route needs exactly one target: queue, agent or hotline: true',
    },
  ],
  properties: {
    number: number(
      'The called number as the carrier sends it in the request URI, e.g. "117" or "+23222000000".',
    ),
    queue: queueName('A CallQueue (or the hotline queue) the call waits in.'),
    agent: objectName('A SipAgent (by name) whose extension rings.'),
    hotline: {
      type: 'boolean',
      description: "true: the call goes where the WebRTCConfig's hotline number goes.",
    },
  },
};

const spec: JSONSchemaProps = {
  type: 'object',
  description:
    'The desired state of a SipTrunk: where the carrier is, how it knows us, and where its calls go.',
  required: ['host'],
  'x-kubernetes-validations': [
    {
      rule: "self.transport == 'udp'",
      message: 'only "udp" is rendered so far; tcp and tls come with a later release',
      fieldPath: '.transport',
    },
    {
      rule: '!self.register || has(self.credentialsSecret)',
      message:
        'register: true needs credentialsSecret (the username and password to register with)',
      fieldPath: '.register',
    },
  ],
  properties: {
    host: host(
      'The carrier\'s SIP server, a DNS name or an IPv4 address, e.g. "sip.carrier.example".',
    ),
    port: {
      type: 'integer',
      description: "The carrier's SIP port.",
      default: 5060,
      minimum: 1,
      maximum: 65535,
    },
    transport: {
      type: 'string',
      description: 'The SIP transport to the carrier: udp (tcp and tls are not rendered yet).',
      default: 'udp',
      enum: TRUNK_TRANSPORTS,
    },
    credentialsSecret: {
      type: 'object',
      description:
        'A Secret in this namespace with the username and password the carrier gave us: used to answer its digest challenges and to register.',
      required: ['name'],
      properties: {
        name: objectName("The Secret's name."),
        usernameKey: secretKey('The key holding the username.', 'username'),
        passwordKey: secretKey('The key holding the password.', 'password'),
      },
    },
    register: {
      type: 'boolean',
      description:
        'Register with the carrier (outbound registration), so it knows where to send calls. Needs credentialsSecret.',
      default: false,
    },
    match: {
      type: 'array',
      description:
        'Source addresses the carrier\'s requests come from, IPv4 addresses or networks with an optional port ("192.0.2.10", "192.0.2.0/24", "192.0.2.10:5060"). Omitted, the host.',
      maxItems: 16,
      'x-kubernetes-list-type': 'set',
      items: {
        type: 'string',
        description: 'An IPv4 address, optionally with ":port" and "/prefix".',
        maxLength: 24,
        pattern: TRUNK_MATCH_PATTERN,
      },
    },
    fromUser: {
      type: 'string',
      description:
        'The user part of our From header towards the carrier (e.g. the account number).',
      pattern: TRUNK_USER_PATTERN,
    },
    fromDomain: host('The domain of our From header towards the carrier.'),
    codecs: {
      type: 'array',
      description: 'Audio codecs offered to the carrier, in order of preference.',
      default: ['ulaw', 'alaw'],
      minItems: 1,
      maxItems: SIPAGENT_CODECS.length,
      'x-kubernetes-list-type': 'set',
      items: {
        type: 'string',
        description: 'A codec: opus, g722, ulaw or alaw.',
        enum: SIPAGENT_CODECS,
      },
    },
    maxCalls: {
      type: 'integer',
      description:
        'How many calls from the carrier may be up at once (0: no limit); one more is refused with cause 34 (congestion).',
      default: 0,
      minimum: 0,
      maximum: 10000,
    },
    callerId: number(
      'The number we present to the carrier on outbound calls, e.g. the hotline\'s public number "+23222000000" (used by outbound dialing).',
    ),
    routes: {
      type: 'array',
      description:
        'The numbers the carrier delivers and where each goes. Any other number is refused with cause 1 (unallocated number). A number another trunk already routes stays with the older trunk.',
      default: [],
      maxItems: 64,
      'x-kubernetes-list-type': 'atomic',
      'x-kubernetes-validations': [
        {
          rule: 'self.all(r, self.exists_one(s, s.number == r.number))',
          message: 'each number may be routed once',
        },
      ],
      items: route,
    },
  },
};

const status: JSONSchemaProps = {
  type: 'object',
  description: 'The observed state of a SipTrunk, written by the operator.',
  properties: {
    observedGeneration: {
      type: 'integer',
      description: 'The .metadata.generation the operator last acted on.',
      minimum: 0,
    },
    registered: {
      type: 'boolean',
      description:
        'Whether Asterisk is registered with the carrier (live, from AMI). Unset without register.',
    },
    registration: {
      type: 'string',
      description:
        'The outbound registration as Asterisk reports it: Registered, Unregistered or Rejected.',
      maxLength: 64,
    },
    numbers: {
      type: 'array',
      description: 'The numbers routed now (those whose target exists and no older trunk holds).',
      items: { type: 'string', description: 'A number.' },
    },
    conditions,
  },
};

export const sipTrunkCrd: CustomResourceDefinition = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `siptrunks.${GROUP}`, labels: crdLabels },
  spec: {
    group: GROUP,
    scope: 'Namespaced',
    names: {
      kind: 'SipTrunk',
      listKind: 'SipTrunkList',
      plural: 'siptrunks',
      singular: 'siptrunk',
      shortNames: ['trunk'],
      categories: ['switchboard'],
    },
    versions: [
      {
        name: VERSION,
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: [
          { name: 'Host', type: 'string', jsonPath: '.spec.host' },
          { name: 'Transport', type: 'string', jsonPath: '.spec.transport' },
          {
            name: 'Registered',
            type: 'boolean',
            jsonPath: '.status.registered',
            description: 'Registered with the carrier (only trunks that register).',
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
            description: `SipTrunk is one connection to a carrier (${API_VERSION}): its address, credentials, registration and the numbers it delivers.`,
            required: ['spec'],
            'x-kubernetes-validations': [
              {
                rule: `self.metadata.name.size() <= ${TRUNK_NAME_MAX} && self.metadata.name.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')`,
                message: `metadata.name is part of Asterisk section names: up to ${TRUNK_NAME_MAX} lowercase letters, digits and "-"`,
              },
            ],
            properties: rootProperties(spec, status),
          },
        },
      },
    ],
  },
};
