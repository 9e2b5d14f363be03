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
