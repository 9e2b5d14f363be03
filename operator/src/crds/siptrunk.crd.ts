// The SipTrunk CRD: the one source of its schema. crds/siptrunk.yaml and the
// ajv validator are both generated from this object. Rules that need another
// object (the Secret, the queue or agent a route names, another trunk's
// numbers) cannot be CEL: the operator reports them in status.

import { selector } from './callqueue.crd.ts';
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

/** Transports the schema names. */
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
/** An E.164 number: "+", a country code that does not start with 0, 7 to 15 digits in all. */
export const E164_PATTERN = '^\\+[1-9][0-9]{6,14}$';
/** What agents may dial: a class of numbers, or an E.164 prefix ("+" and 1-15 digits). */
export const OUTBOUND_ALLOW_PATTERN = '^(national|international|emergency|\\+[0-9]{1,15})$';
/** A range of numbers: an E.164 prefix. */
export const OUTBOUND_PREFIX_PATTERN = '^\\+[0-9]{1,15}$';
/** An emergency number as dialled (never a pattern): 2 to 6 digits. */
export const EMERGENCY_NUMBER_PATTERN = '^[0-9]{2,6}$';
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

const outbound: JSONSchemaProps = {
  type: 'object',
  description:
    'Calls out to the phone network through this trunk (at most one trunk per namespace carries them: the oldest; the others report OutboundConflict). Agents dial a number the way a person writes it; Asterisk normalises it to E.164, checks it against deny and allow, and dials it with callerId. Emergency numbers are always allowed, for every agent. Extensions, the hotline and queue numbers always win over outside numbers.',
  required: ['callerId', 'countryCode'],
  'x-kubernetes-validations': [
    {
      rule: 'self.nationalPrefix != self.internationalPrefix && !self.nationalPrefix.startsWith(self.internationalPrefix)',
      message:
        'nationalPrefix must differ from internationalPrefix and must not start with it (e.g. "0" and "00")',
      fieldPath: '.nationalPrefix',
    },
  ],
  properties: {
    enabled: {
      type: 'boolean',
      description: 'false keeps the settings but lets no call out.',
      default: true,
    },
    callerId: {
      type: 'string',
      description:
        'The number the carrier shows to the called party, in E.164 (e.g. the hotline\'s public number "+23222000000"). Sent as the caller ID (From, unless fromUser is set, and P-Asserted-Identity); the agent\'s own name and extension never leave.',
      maxLength: 16,
      pattern: E164_PATTERN,
    },
    countryCode: {
      type: 'string',
      description: 'The country calling code of national numbers, without "+", e.g. "232".',
      maxLength: 3,
      pattern: '^[1-9][0-9]{0,2}$',
    },
    nationalPrefix: {
      type: 'string',
      description:
        'The trunk prefix of national numbers as people write them ("076 123 456" is +232 76 123 456). "" where national numbers are written without one.',
      default: '0',
      maxLength: 3,
      pattern: '^[0-9]{0,3}$',
    },
    internationalPrefix: {
      type: 'string',
      description:
        'The international access code people dial instead of "+" ("00232 76 123 456" is +232 76 123 456).',
      default: '00',
      maxLength: 4,
      pattern: '^[0-9]{1,4}$',
    },
    allow: {
      type: 'array',
      description:
        'What agents may call: "national" (numbers in countryCode), "international" (any other country), "emergency" (always allowed anyway), or E.164 prefixes such as "+23276". Anything else is refused with cause 21 (call rejected).',
      default: ['national'],
      maxItems: 64,
      'x-kubernetes-list-type': 'set',
      items: {
        type: 'string',
        description: '"national", "international", "emergency" or an E.164 prefix ("+23276").',
        maxLength: 16,
        pattern: OUTBOUND_ALLOW_PATTERN,
      },
    },
    deny: {
      type: 'array',
      description:
        'E.164 prefixes never called, whatever allow says (e.g. premium-rate "+2329"); refused with cause 21 (call rejected).',
      default: [],
      maxItems: 64,
      'x-kubernetes-list-type': 'set',
      items: {
        type: 'string',
        description: 'An E.164 prefix, e.g. "+2329".',
        maxLength: 16,
        pattern: OUTBOUND_PREFIX_PATTERN,
      },
    },
    emergencyNumbers: {
      type: 'array',
      description:
        "Numbers sent to the carrier exactly as dialled, from every agent, whatever allow, deny and agents say. A number that is the hotline, a queue's or an agent's stays inside the call center.",
      default: ['112'],
      maxItems: 16,
      'x-kubernetes-list-type': 'set',
      items: {
        type: 'string',
        description: 'An emergency number, e.g. "112".',
        maxLength: 6,
        pattern: EMERGENCY_NUMBER_PATTERN,
      },
    },
    agents: {
      type: 'object',
      description:
        'Which SipAgents may call out. Omitted: every agent. Others are refused with cause 57 (not authorised).',
      properties: { selector },
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
      rule: "self.transport != 'tls' || has(self.tls)",
      message:
        "transport tls needs tls.caSecret: the Secret with the CA bundle the carrier's certificate must chain to",
      fieldPath: '.tls',
    },
    {
      rule: "!has(self.tls) || self.transport == 'tls'",
      message: 'tls is only used with transport: tls',
      fieldPath: '.tls',
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
      description:
        'The SIP transport to the carrier: udp, tcp or tls (WebRTCConfig spec.transports.udp/tcp/tls give our port; tls needs tls.caSecret). Over tcp and tls a carrier that stops is noticed at once (the connection closes) and Asterisk registers again after registrationRetrySeconds; over udp by qualifySeconds.',
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
    tls: {
      type: 'object',
      description:
        'How the carrier is verified over transport tls: its certificate must chain to a CA in caSecret and name host (a DNS name, or an IP address in its subjectAltName). Asterisk verifies every connection; the operator checks the same and reports CarrierVerified.',
      required: ['caSecret'],
      properties: {
        caSecret: {
          type: 'object',
          description:
            "A Secret in this namespace holding the CA bundle (PEM) the carrier's certificate must chain to. The CAs of every tls trunk of the namespace are one bundle in Asterisk (its TLS transport has one CA list); host names are still checked per trunk.",
          required: ['name'],
          properties: {
            name: objectName("The Secret's name."),
            key: secretKey('The key holding the PEM certificates.', 'ca.crt'),
          },
        },
      },
    },
    qualifySeconds: {
      type: 'integer',
      description:
        'Seconds between SIP OPTIONS to the carrier (0: none). A carrier that does not answer within 3 s shows Reachable False (and status.reachable false) until it answers again: over udp this is how a stopped carrier is noticed.',
      default: 10,
      minimum: 0,
      maximum: 3600,
    },
    register: {
      type: 'boolean',
      description:
        'Register with the carrier (outbound registration), so it knows where to send calls. Needs credentialsSecret.',
      default: false,
    },
    registrationRetrySeconds: {
      type: 'integer',
      description:
        'Seconds between registration attempts while the carrier does not answer or refuses temporarily (a 403 or other fatal answer waits 300 s).',
      default: 60,
      minimum: 5,
      maximum: 3600,
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
        'How many calls through the carrier (in and out) may be up at once (0: no limit); one more is refused with cause 34 (congestion).',
      default: 0,
      minimum: 0,
      maximum: 10000,
    },
    outbound,
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
    reachable: {
      type: 'boolean',
      description:
        'Whether the carrier answers OPTIONS (live, from AMI). Unset with qualifySeconds 0.',
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
            name: 'Reachable',
            type: 'boolean',
            jsonPath: '.status.reachable',
            description: 'The carrier answers OPTIONS (qualifySeconds).',
            priority: 1,
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
