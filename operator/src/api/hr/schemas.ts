// Request bodies of the HR API, assembled from the CRD schema pieces (the one
// source of every field rule) plus the few fields that are the API's own
// (the login password, accountType). Field errors come out under the API's
// field names ("name", not "spec.displayName").
import type { JSONSchemaProps } from '../../crds/schema-types.ts';
import { sipAgentCrd } from '../../crds/sipagent.crd.ts';
import { webRtcConfigCrd } from '../../crds/webrtcconfig.crd.ts';
import type { FieldError } from '../../schema/errors.ts';
import { compileValidator, type ValidationResult } from '../../schema/validators.ts';
import type { FlatWebRtcSettingsBody } from './webrtc-flat.ts';

function specOf(crd: typeof sipAgentCrd): Readonly<Record<string, JSONSchemaProps>> {
  const spec = crd.spec.versions[0]?.schema.openAPIV3Schema.properties?.spec?.properties;
  if (!spec) throw new Error(`${crd.metadata.name} has no spec properties`);
  return spec;
}

const agentSpec = specOf(sipAgentCrd);
const configSpec = specOf(webRtcConfigCrd);

const piece = (spec: Readonly<Record<string, JSONSchemaProps>>, name: string): JSONSchemaProps => {
  const p = spec[name];
  if (!p) throw new Error(`CRD spec has no field ${name}`);
  return p;
};

/** The agent's login password for the web UI (not part of the CRD: only its hash is stored). */
const loginPassword: JSONSchemaProps = {
  type: 'string',
  description: 'The password the agent logs in to the web UI with (8 to 128 characters).',
  minLength: 8,
  maxLength: 128,
};

/** API field → SipAgent spec field (for the agent's own fields). */
export const USER_FIELDS: Readonly<Record<string, string>> = {
  name: 'displayName',
  phoneNumber: 'phoneNumber',
  extension: 'extension',
  suspended: 'suspended',
  queues: 'queues',
  codecs: 'codecs',
  maxContacts: 'maxContacts',
  supervisor: 'supervisor',
};

/**
 * The phone number as a person types it: the routes turn it into the E.164
 * form the CRD's pattern demands (phone-number.ts) before this schema runs.
 */
const typedPhoneNumber: JSONSchemaProps = {
  type: 'string',
  description:
    'The agent\'s phone number as people write it ("+232 76 123 456", "(030) 123-456" with a default region); stored in E.164.',
  minLength: 1,
  maxLength: 64,
};

const userProperties = {
  ...Object.fromEntries(
    Object.entries(USER_FIELDS).map(([api, spec]) => [api, piece(agentSpec, spec)]),
  ),
  phoneNumber: typedPhoneNumber,
};

export interface CreateUserBody {
  name: string;
  password: string;
  accountType: 'agent';
  phoneNumber?: string;
  extension?: number;
  suspended?: boolean;
  queues?: string[];
  codecs?: string[];
  maxContacts?: number;
  supervisor?: boolean;
}

export type PatchUserBody = Partial<Omit<CreateUserBody, 'accountType'>>;

const createUserSchema: JSONSchemaProps = {
  type: 'object',
  required: ['name', 'password', 'accountType'],
  properties: {
    ...userProperties,
    password: loginPassword,
    accountType: {
      type: 'string',
      description: 'Only "agent" accounts are made here.',
      enum: ['agent'],
    },
  },
};

const patchUserSchema: JSONSchemaProps = {
  type: 'object',
  properties: { ...userProperties, password: loginPassword },
};

export interface WebRtcSettingsBody {
  asteriskWsUrl: string;
  iceServers: NonNullable<unknown>;
}

const webRtcSettingsSchema: JSONSchemaProps = {
  type: 'object',
  required: ['asteriskWsUrl'],
  properties: {
    asteriskWsUrl: piece(configSpec, 'asteriskWsUrl'),
    iceServers: piece(configSpec, 'iceServers'),
  },
};

const iceServerPieces = piece(configSpec, 'iceServers').properties;
const stunUrl = iceServerPieces?.stunUrls?.items;
const turnUrl = iceServerPieces?.turnServers?.items?.properties?.urls?.items;
if (!stunUrl || !turnUrl) throw new Error('WebRTCConfig CRD has no STUN/TURN URL schema');

/** The seed workflow's flat shape (webrtc-flat.ts turns it into iceServers and a Secret). */
const flatWebRtcSettingsSchema: JSONSchemaProps = {
  type: 'object',
  required: ['asteriskWsUrl'],
  properties: {
    asteriskWsUrl: piece(configSpec, 'asteriskWsUrl'),
    stunServer: stunUrl,
    turnServer: turnUrl,
    turnUsername: {
      type: 'string',
      description: 'The static TURN username (stored in a Secret with the password).',
      minLength: 1,
      maxLength: 256,
    },
    turnPassword: {
      type: 'string',
      description:
        'The static TURN password: stored in a Secret, never in the WebRTCConfig, never answered.',
      minLength: 1,
      maxLength: 256,
    },
  },
};

export interface LoginBody {
  username: string;
  password: string;
}

const loginSchema: JSONSchemaProps = {
  type: 'object',
  required: ['username', 'password'],
  properties: {
    username: {
      type: 'string',
      description: '"admin", or the agent\'s SIP username.',
      minLength: 1,
      maxLength: 253,
    },
    password: { type: 'string', description: 'The login password.', minLength: 1, maxLength: 128 },
  },
};

/** The schema of a field path like "iceServers.turnServers[0].urls[1]". */
function schemaAt(schema: JSONSchemaProps, field: string): JSONSchemaProps | undefined {
  let at: JSONSchemaProps | undefined = schema;
  for (const part of field.match(/[^.[\]]+|\[\d+\]/g) ?? []) {
    at = part.startsWith('[') ? at?.items : at?.properties?.[part];
  }
  return at;
}

const isPattern = (e: FieldError) => e.message.startsWith('must match pattern');

/** Replaces ajv's "must match pattern "^…$"" with what the field's description says it must be. */
function readable(errors: FieldError[], schema: JSONSchemaProps): FieldError[] {
  // "" breaks minLength and pattern at once: the pattern's message would only repeat it.
  const others = new Set(errors.filter((e) => !isPattern(e)).map((e) => e.field));
  return errors
    .filter((e) => !isPattern(e) || !others.has(e.field))
    .map((e) => {
      const description = schemaAt(schema, e.field)?.description;
      if (!isPattern(e) || !description) return e;
      return { field: e.field, message: `has the wrong format. ${description}` };
    });
}

function validatorFor<T>(schema: JSONSchemaProps) {
  const validate = compileValidator<T>(schema);
  return (input: unknown): ValidationResult<T> => {
    const result = validate(input);
    return result.ok ? result : { ok: false, errors: readable(result.errors, schema) };
  };
}

export const validateCreateUser = validatorFor<CreateUserBody>(createUserSchema);
export const validatePatchUser = validatorFor<PatchUserBody>(patchUserSchema);
export const validateWebRtcSettings = validatorFor<WebRtcSettingsBody>(webRtcSettingsSchema);
export const validateFlatWebRtcSettings =
  validatorFor<FlatWebRtcSettingsBody>(flatWebRtcSettingsSchema);
export const validateLogin = validatorFor<LoginBody>(loginSchema);

/** Renames "spec.displayName" (from validating the whole SipAgent) to the API's "name". */
export function toUserField(error: FieldError): FieldError {
  const m = /^spec\.([A-Za-z]+)(.*)$/.exec(error.field);
  if (!m) return error;
  const api = Object.entries(USER_FIELDS).find(([, spec]) => spec === m[1])?.[0];
  return api ? { field: `${api}${m[2]}`, message: error.message } : error;
}
