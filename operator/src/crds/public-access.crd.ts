// WebRTCConfig spec.publicAccess: citizens calling the hotline from a public
// web page without an account (issue 15). Off unless the object is given and
// says enabled; every limit has a default, so `publicAccess: {enabled: true}`
// is a complete, safe configuration. The limits are enforced where they can
// not be bypassed: the token, the concurrent-call cap and the call length by
// Asterisk's dialplan (asterisk/render/guests.ts), the mint rate by the API.
import type { JSONSchemaProps } from './schema-types.ts';

export const PUBLIC_ACCESS_DEFAULTS = {
  tokenTtlSeconds: 300,
  maxConcurrentGuests: 10,
  maxCallSeconds: 1800,
  mintsPerMinutePerAddress: 6,
} as const;

const HHMM = '([01][0-9]|2[0-3]):[0-5][0-9]';
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const openingHoursSchema: JSONSchemaProps = {
  type: 'object',
  description:
    'When guests may call, in one time zone. Absent: always. Outside these hours the page says the hotline is closed and when it opens, no permission is given, and Asterisk refuses a guest call (cause 20, SIP 480).',
  required: ['timeZone', 'windows'],
  properties: {
    timeZone: {
      type: 'string',
      description:
        'An IANA time zone, e.g. Africa/Freetown or Europe/Berlin; Asterisk reads it from its zoneinfo files.',
      pattern: '^(UTC|[A-Z][A-Za-z_-]+(/[A-Za-z0-9_+-]+){1,2})$',
      maxLength: 64,
    },
    windows: {
      type: 'array',
      description: 'The open periods; guests may call inside any of them.',
      minItems: 1,
      maxItems: 14,
      items: {
        type: 'object',
        required: ['days', 'from', 'to'],
        properties: {
          days: {
            type: 'array',
            description: 'Days of the week this period applies to.',
            minItems: 1,
            maxItems: 7,
            'x-kubernetes-list-type': 'set',
            items: { type: 'string', enum: [...WEEKDAYS] },
          },
          from: {
            type: 'string',
            description: 'Opening time, HH:MM (24-hour clock, local time of timeZone).',
            pattern: `^${HHMM}$`,
          },
          to: {
            type: 'string',
            description:
              'Closing time, HH:MM, after from on the same day (24:00 for midnight); calls are refused from this minute on.',
            pattern: `^(${HHMM}|24:00)$`,
          },
        },
        'x-kubernetes-validations': [
          {
            rule: 'self.from < self.to',
            message: 'to must be after from on the same day (use two periods to cross midnight)',
            fieldPath: '.to',
          },
        ],
      },
    },
  },
};

export const publicAccessSchema: JSONSchemaProps = {
  type: 'object',
  description:
    'Calls from the public web page /call without an account: each visit gets a single-use, short-lived permission for one call to the public numbers only, checked by Asterisk.',
  properties: {
    enabled: {
      type: 'boolean',
      description: 'Whether the public page may place calls.',
      default: false,
    },
    numbers: {
      type: 'array',
      description:
        'The numbers guests may call: the hotline number or CallQueue numbers. Empty: the hotline number only. Never an extension or an outside number.',
      default: [],
      maxItems: 10,
      'x-kubernetes-list-type': 'set',
      items: {
        type: 'string',
        description: 'A hotline or CallQueue number.',
        pattern: '^[0-9]{2,8}$',
        maxLength: 8,
      },
    },
    tokenTtlSeconds: {
      type: 'integer',
      description: 'How long a permission to call stays usable after the page got it.',
      default: PUBLIC_ACCESS_DEFAULTS.tokenTtlSeconds,
      minimum: 10,
      maximum: 3600,
    },
    maxConcurrentGuests: {
      type: 'integer',
      description:
        'Guest calls up at once; the next guest is refused with "all lines busy" (cause 34, SIP 503).',
      default: PUBLIC_ACCESS_DEFAULTS.maxConcurrentGuests,
      minimum: 1,
      maximum: 1000,
    },
    maxCallSeconds: {
      type: 'integer',
      description: 'The longest a guest call may last, queue wait included; Asterisk ends it then.',
      default: PUBLIC_ACCESS_DEFAULTS.maxCallSeconds,
      minimum: 30,
      maximum: 14400,
    },
    mintsPerMinutePerAddress: {
      type: 'integer',
      description: 'Permissions one client address may get per minute.',
      default: PUBLIC_ACCESS_DEFAULTS.mintsPerMinutePerAddress,
      minimum: 1,
      maximum: 600,
    },
    openingHours: openingHoursSchema,
    allowedOrigins: {
      type: 'array',
      description:
        "Web sites (origins, e.g. https://www.ministry.example) whose pages may embed <switchboard-call-button> and call the public API cross-origin (CORS on /public/* only). Empty: only the operator's own /call page.",
      default: [],
      maxItems: 20,
      'x-kubernetes-list-type': 'set',
      items: {
        type: 'string',
        description: 'An origin: scheme, host and optional port; no path.',
        pattern: '^https?://[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$',
        maxLength: 253,
      },
    },
  },
};
