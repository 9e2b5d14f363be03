// The WebRTCConfig CRD: the one source of its schema. crds/webrtcconfig.yaml
// and the HTTP API's ajv validator are both generated from this object.
import {
  API_VERSION,
  conditions,
  crdLabels,
  GROUP,
  objectName,
  objectWithDefaults,
  queueName,
  rootProperties,
  secretKey,
  VERSION,
} from './common.ts';
import { publicAccessSchema } from './public-access.crd.ts';
import type { CustomResourceDefinition, JSONSchemaProps } from './schema-types.ts';
import { urlPortRule } from './url-port.ts';

/** Pause reasons every call center has; a WebRTCConfig may list its own. */
export const DEFAULT_PAUSE_REASONS = [
  'break',
  'lunch',
  'training',
  'meeting',
  'after-call-work',
] as const;

const port = (description: string, defaultPort: number): JSONSchemaProps => ({
  type: 'integer',
  description,
  default: defaultPort,
  minimum: 1,
  maximum: 65535,
});

const host: JSONSchemaProps = {
  type: 'string',
  maxLength: 253,
  // A DNS name or an IPv4 address; Asterisk puts it into SDP and Contact headers.
  pattern: '^([a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?)(\\.[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?)*$',
};

const iceServers: JSONSchemaProps = {
  type: 'object',
  description:
    'ICE servers handed to browsers (and the STUN server Asterisk uses for its own candidates).',
  default: {},
  properties: {
    stunUrls: {
      type: 'array',
      description: 'STUN server URLs, e.g. "stun:stun.example.org:3478".',
      maxItems: 8,
      items: {
        type: 'string',
        description: 'A STUN URL (stun: or stuns:).',
        maxLength: 512,
        pattern: '^stuns?:[^\\s/?#]+$',
        'x-kubernetes-validations': [urlPortRule('stuns?:[^?#]*', '')],
      },
    },
    turnServers: {
      type: 'array',
      description:
        'TURN relays. Each has exactly one credential source: static credentials from a Secret, or a shared secret from which short-lived TURN REST credentials are minted per agent.',
      maxItems: 4,
      items: {
        type: 'object',
        description: 'One TURN relay reachable under one or more URLs.',
        required: ['urls'],
        'x-kubernetes-validations': [
          {
            rule: 'has(self.credentialsSecret) != has(self.sharedSecret)',
            message:
              'a TURN server needs exactly one credential source: credentialsSecret (static) or sharedSecret (TURN REST)',
          },
        ],
        properties: {
          urls: {
            type: 'array',
            description:
              'TURN URLs, e.g. "turn:turn.example.org:3478?transport=udp" or "turns:turn.example.org:5349".',
            minItems: 1,
            maxItems: 8,
            items: {
              type: 'string',
              description: 'A TURN URL (turn: or turns:).',
              maxLength: 512,
              pattern: '^turns?:[^\\s/#]+$',
              'x-kubernetes-validations': [urlPortRule('turns?:[^?#]*', '([?].*)?')],
            },
          },
          credentialsSecret: {
            type: 'object',
            description: 'Static TURN credentials, read from a Secret in this namespace.',
            required: ['name'],
            properties: {
              name: objectName("The Secret's name."),
              usernameKey: secretKey('The key holding the TURN username.', 'username'),
              passwordKey: secretKey('The key holding the TURN password.', 'password'),
            },
          },
          sharedSecret: {
            type: 'object',
            description:
              "The TURN REST shared secret (coturn's static-auth-secret), read from a Secret in this namespace.",
            required: ['name'],
            properties: {
              name: objectName("The Secret's name."),
              key: secretKey('The key holding the shared secret.', 'shared-secret'),
              credentialTTLSeconds: {
                type: 'integer',
                description: 'How long minted TURN credentials stay valid.',
                default: 3600,
                minimum: 60,
                maximum: 86400,
              },
            },
          },
        },
      },
    },
  },
};

const spec: JSONSchemaProps = {
  type: 'object',
  description:
    "How browsers and the operator reach this namespace's PBX, and how Asterisk is configured for them.",
  required: ['asteriskWsUrl'],
  'x-kubernetes-validations': [
    {
      rule: '!(int(self.hotline.number) >= self.extensions.start && int(self.hotline.number) <= self.extensions.end)',
      message:
        'hotline.number must lie outside the extension range (extensions.start to extensions.end)',
      fieldPath: '.hotline.number',
    },
    // A guest must never reach an agent directly: no extension is a public number.
    {
      rule: '!has(self.publicAccess) || !has(self.publicAccess.numbers) || self.publicAccess.numbers.all(n, int(n) < self.extensions.start || int(n) > self.extensions.end)',
      message:
        'publicAccess.numbers must lie outside the extension range: guests may call the hotline or queue numbers, never an agent',
      fieldPath: '.publicAccess.numbers',
    },
  ],
  properties: {
    asteriskWsUrl: {
      type: 'string',
      description:
        'The SIP-over-WebSocket URL the softphone connects to: ws:// for development, wss:// in production, e.g. "wss://pbx.example.org:8089/ws".',
      maxLength: 2048,
      pattern: '^wss?://[^\\s/?#]+(/[^\\s]*)?$',
      'x-kubernetes-validations': [urlPortRule('wss?://[^/?#]*', '([/?#].*)?')],
    },
    iceServers,
    transports: objectWithDefaults({
      type: 'object',
      description: 'The PJSIP transports Asterisk offers to browsers.',
      'x-kubernetes-validations': [
        {
          rule: 'self.ws || self.wss',
          message: 'at least one of transports.ws or transports.wss must be enabled',
        },
      ],
      properties: {
        ws: {
          type: 'boolean',
          description: 'Offer SIP over plain WebSocket (Asterisk HTTP server, /ws on port 8088).',
          default: true,
        },
        wss: {
          type: 'boolean',
          description: 'Offer SIP over secure WebSocket (Asterisk HTTPS server, /ws on port 8089).',
          default: true,
        },
        externalSignalingAddress: {
          ...host,
          description: 'The address browsers see for SIP signaling when Asterisk is behind NAT.',
        },
        externalMediaAddress: {
          ...host,
          description: 'The address browsers see for RTP media when Asterisk is behind NAT.',
        },
        localNets: {
          type: 'array',
          description:
            'Networks Asterisk treats as local (no NAT rewriting), in CIDR form, e.g. "10.0.0.0/8".',
          maxItems: 16,
          items: {
            type: 'string',
            description: 'An IPv4 network in CIDR form.',
            maxLength: 18,
            pattern: '^([0-9]{1,3}\\.){3}[0-9]{1,3}/[0-9]{1,2}$',
          },
        },
        udp: objectWithDefaults({
          type: 'object',
          description:
            'SIP over UDP for carriers (SipTrunks): bound on every address only while the namespace has a SipTrunk, with the same external addresses and local networks.',
          properties: {
            port: port(
              'The UDP port carriers send SIP to. Asterisk binds a transport once: changing the port of a bound transport takes an Asterisk restart.',
              5060,
            ),
          },
        }),
        tcp: objectWithDefaults({
          type: 'object',
          description:
            'SIP over TCP for carriers (SipTrunks with transport tcp): bound on every address only while the namespace has such a trunk, with the same external addresses and local networks.',
          properties: {
            port: port(
              'The TCP port carriers connect to. Asterisk binds a transport once: changing the port of a bound transport takes an Asterisk restart.',
              5060,
            ),
          },
        }),
        tls: objectWithDefaults({
          type: 'object',
          description:
            "SIP over TLS for carriers (SipTrunks with transport tls): bound on every address only while the namespace has such a trunk, with the same external addresses and local networks. Asterisk presents dtlsCertificateSecret's certificate to carriers that connect to it; without one it only connects out (registering, calling out; the carrier's calls come down that connection).",
          properties: {
            port: port(
              'The TCP port for SIP over TLS. Asterisk binds a transport once: changing the port of a bound transport takes an Asterisk restart.',
              5061,
            ),
          },
        }),
      },
    }),
    dtlsCertificateSecret: {
      type: 'object',
      description:
        'A kubernetes.io/tls Secret (for example from cert-manager) with the DTLS certificate for media. Omitted: Asterisk generates one itself.',
      required: ['name'],
      properties: { name: objectName("The Secret's name.") },
    },
    rtp: objectWithDefaults({
      type: 'object',
      description: 'The UDP port range Asterisk uses for media.',
      'x-kubernetes-validations': [
        {
          rule: 'self.portStart < self.portEnd',
          message: 'rtp.portStart must be below rtp.portEnd',
          fieldPath: '.portEnd',
        },
      ],
      properties: {
        portStart: {
          type: 'integer',
          description: 'First RTP port.',
          default: 10000,
          minimum: 1024,
          maximum: 65535,
        },
        portEnd: {
          type: 'integer',
          description: 'Last RTP port.',
          default: 20000,
          minimum: 1024,
          maximum: 65535,
        },
      },
    }),
    extensions: objectWithDefaults({
      type: 'object',
      description: 'The range extensions are allocated from when a SipAgent does not name one.',
      'x-kubernetes-validations': [
        {
          rule: 'self.start <= self.end',
          message: 'extensions.start must not be above extensions.end',
          fieldPath: '.end',
        },
      ],
      properties: {
        start: {
          type: 'integer',
          description: 'First extension.',
          default: 1000,
          minimum: 100,
          maximum: 99999,
        },
        end: {
          type: 'integer',
          description: 'Last extension.',
          default: 8999,
          minimum: 100,
          maximum: 99999,
        },
      },
    }),
    hotline: objectWithDefaults({
      type: 'object',
      description: 'The number callers dial to be queued to the next free agent.',
      properties: {
        number: {
          type: 'string',
          description: 'The hotline number.',
          default: '117',
          pattern: '^[0-9]{2,6}$',
        },
        queue: { ...queueName('The queue the hotline feeds.'), default: 'support' },
      },
    }),
    dialTimeoutSeconds: {
      type: 'integer',
      description: 'How long an extension rings before the caller hears that nobody answered.',
      default: 30,
      minimum: 5,
      maximum: 300,
    },
    agentStates: objectWithDefaults({
      type: 'object',
      description: 'How agents sign in to their queues and pause.',
      properties: {
        pauseReasons: {
          type: 'array',
          description:
            'The reasons an agent may give for a pause, shown in the softphone in this order (e.g. "break", "training").',
          default: [...DEFAULT_PAUSE_REASONS],
          minItems: 1,
          maxItems: 20,
          'x-kubernetes-list-type': 'set',
          items: {
            type: 'string',
            description: 'A pause reason: lowercase letters, digits and dashes.',
            minLength: 1,
            maxLength: 32,
            pattern: '^[a-z][a-z0-9-]*$',
          },
        },
      },
    }),
    dispositions: {
      type: 'array',
      description:
        'The disposition codes an agent picks from when saving a note on a call (the softphone shows the labels in this order). Empty: agents write notes without a code.',
      default: [],
      maxItems: 50,
      // A map keyed by code: the API server itself refuses two entries with one code.
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['code'],
      items: {
        type: 'object',
        required: ['code', 'label'],
        properties: {
          code: {
            type: 'string',
            description: 'What is stored with the call: lowercase letters, digits and dashes.',
            minLength: 1,
            maxLength: 32,
            pattern: '^[a-z][a-z0-9-]*$',
          },
          label: {
            type: 'string',
            description: 'What the agent sees, e.g. "Resolved".',
            minLength: 1,
            maxLength: 60,
          },
        },
      },
    },
    publicAccess: publicAccessSchema,
    ami: objectWithDefaults({
      type: 'object',
      description: "How the operator reaches Asterisk's manager interface (AMI).",
      properties: {
        host: {
          ...host,
          description: "The AMI host, usually the Asterisk Service's name.",
          default: 'asterisk',
        },
        port: port('The AMI port.', 5038),
        secretName: objectName('The Secret with the AMI user (keys "username" and "secret").'),
      },
    }),
    generated: objectWithDefaults({
      type: 'object',
      description: 'Names of the objects the operator generates for Asterisk to mount.',
      properties: {
        configMapName: {
          ...objectName(
            'The ConfigMap (name prefix of the shards "-00".."-31") with the generated Asterisk configuration.',
          ),
          maxLength: 250, // room for the shard suffix within 253
          default: 'asterisk-generated',
        },
        secretName: {
          ...objectName(
            'The prefix of the Secrets ("-00".."-31") with the generated PJSIP auth sections.',
          ),
          maxLength: 250,
          default: 'asterisk-generated-auth',
        },
      },
    }),
  },
};

const status: JSONSchemaProps = {
  type: 'object',
  description: 'The observed state of a WebRTCConfig, written by the operator.',
  properties: {
    observedGeneration: {
      type: 'integer',
      description: 'The .metadata.generation the operator last acted on.',
      minimum: 0,
    },
    agents: {
      type: 'integer',
      description: 'How many SipAgents are configured in Asterisk.',
      minimum: 0,
    },
    configHash: {
      type: 'string',
      description: 'Content hash of the generated Asterisk configuration.',
      maxLength: 128,
    },
    iceServers: {
      type: 'array',
      description: 'The ICE server URLs handed to browsers (credentials are never shown here).',
      maxItems: 12,
      items: {
        type: 'object',
        description: 'One ICE server.',
        properties: {
          urls: {
            type: 'array',
            description: 'Its URLs.',
            maxItems: 8,
            items: { type: 'string', description: 'A URL.', maxLength: 512 },
          },
          credential: {
            type: 'string',
            description: 'How credentials are obtained: none, static or turn-rest.',
            enum: ['none', 'static', 'turn-rest'],
          },
        },
      },
    },
    certificate: {
      type: 'object',
      description:
        "The certificate Asterisk serves for wss (and DTLS for new calls), read from its TLS port: the DTLS Secret's once Asterisk has loaded it (condition CertificateServed tells whether it is). Public facts only.",
      properties: {
        serial: { type: 'string', description: 'Serial number, upper-case hex.', maxLength: 64 },
        subject: { type: 'string', description: 'Subject distinguished name.', maxLength: 1024 },
        notBefore: {
          type: 'string',
          format: 'date-time',
          description: 'Start of validity (RFC 3339).',
        },
        notAfter: {
          type: 'string',
          format: 'date-time',
          description: 'Expiry (RFC 3339).',
        },
        fingerprint: {
          type: 'string',
          description:
            'SHA-256 fingerprint, colon-separated upper-case hex: what the SDP a=fingerprint of a DTLS call shows.',
          maxLength: 95,
        },
      },
    },
    conditions,
  },
};

export const webRtcConfigCrd: CustomResourceDefinition = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `webrtcconfigs.${GROUP}`, labels: crdLabels },
  spec: {
    group: GROUP,
    scope: 'Namespaced',
    names: {
      kind: 'WebRTCConfig',
      listKind: 'WebRTCConfigList',
      plural: 'webrtcconfigs',
      singular: 'webrtcconfig',
      shortNames: ['wrtc'],
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
            name: 'WS URL',
            type: 'string',
            jsonPath: '.spec.asteriskWsUrl',
            description: 'The URL softphones connect to.',
          },
          {
            name: 'Agents',
            type: 'integer',
            jsonPath: '.status.agents',
            description: 'SipAgents configured in Asterisk.',
          },
          {
            name: 'Ready',
            type: 'string',
            jsonPath: '.status.conditions[?(@.type=="Ready")].status',
          },
          {
            name: 'Cert Expires',
            type: 'date',
            jsonPath: '.status.certificate.notAfter',
            description: 'Expiry of the certificate Asterisk serves (wss, DTLS).',
          },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
        schema: {
          openAPIV3Schema: {
            type: 'object',
            description: `WebRTCConfig describes how browsers and the operator reach this namespace's PBX (${API_VERSION}). One per namespace, named "default".`,
            required: ['spec'],
            'x-kubernetes-validations': [
              {
                rule: "self.metadata.name == 'default'",
                message:
                  'metadata.name must be "default": a namespace has exactly one WebRTCConfig',
              },
            ],
            properties: rootProperties(spec, status),
          },
        },
      },
    ],
  },
};
