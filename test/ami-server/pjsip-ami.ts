// The PJSIPShow* answers' fields, in Asterisk 22's order (transcripts
// main_14, main_15, main_21, main_22, main_43).
import type { AmiField } from './framing.ts';
import { names, objectKey, type PjsipObject } from './pjsip-loader.ts';
import {
  AOR_FIELDS,
  AUTH_FIELDS,
  ENDPOINT_FIELDS,
  type FieldSpec,
  TRANSPORT_FIELDS,
} from './pjsip-options.ts';
import {
  type AsteriskState,
  type Contact,
  contactsOfAor,
  DEVICE_STATE_TEXT,
  deviceState,
} from './state.ts';

const tableFields = (o: PjsipObject, table: readonly FieldSpec[]): AmiField[] =>
  table.map(([field, , def]) => [field, o.fields.get(field) ?? def]);

const header = (o: PjsipObject): AmiField[] => [
  ['ObjectType', o.type],
  ['ObjectName', o.id],
];

function deviceStateText(s: AsteriskState, ep: PjsipObject): string {
  return DEVICE_STATE_TEXT[deviceState(s, `PJSIP/${ep.id}`)] ?? 'Unknown';
}

/** EndpointList's fields; `Contacts` lists `aor/uri,` per contact (GAPS.md: not recorded registered). */
export function endpointListFields(s: AsteriskState, ep: PjsipObject): AmiField[] {
  return [
    ...header(ep),
    ['Transport', ep.options.get('transport') ?? ''],
    ['Aor', ep.options.get('aors') ?? ''],
    ['Auths', names(ep.options.get('auth')).join(',')],
    ['OutboundAuths', names(ep.options.get('outbound_auth')).join(',')],
    // One Contacts line per AOR that exists (sip_endpoints_aors_ami), none without.
    ...endpointRelations(s, ep).aors.map(
      (aor): AmiField => [
        'Contacts',
        contactsOfAor(s, aor.id)
          .map((c) => `${c.aor}/${c.uri},`)
          .join(''),
      ],
    ),
    ['DeviceState', deviceStateText(s, ep)],
    ['ActiveChannels', '0'],
  ];
}

export function endpointDetailFields(s: AsteriskState, ep: PjsipObject): AmiField[] {
  return [
    ...header(ep),
    ...tableFields(ep, ENDPOINT_FIELDS),
    ['DeviceState', deviceStateText(s, ep)],
    ['ActiveChannels', '0'],
  ];
}

export function authDetailFields(auth: PjsipObject, endpoint: string): AmiField[] {
  return [...header(auth), ...tableFields(auth, AUTH_FIELDS), ['EndpointName', endpoint]];
}

export function transportDetailFields(t: PjsipObject, endpoint: string): AmiField[] {
  return [...header(t), ...tableFields(t, TRANSPORT_FIELDS), ['EndpointName', endpoint]];
}

export function aorDetailFields(s: AsteriskState, aor: PjsipObject, endpoint: string): AmiField[] {
  const contacts = contactsOfAor(s, aor.id);
  const computed: Record<string, string> = {
    Contacts: contacts.map((c) => `${aor.id}/${c.uri}`).join(','),
    TotalContacts: String(contacts.length),
    ContactsRegistered: String(contacts.length),
  };
  return [
    ...header(aor),
    ...AOR_FIELDS.map(
      ([field, , def]) => [field, computed[field] ?? aor.fields.get(field) ?? def] as const,
    ),
    ['EndpointName', endpoint],
  ];
}

export function contactStatusDetailFields(c: Contact): AmiField[] {
  return [
    ['AOR', c.aor],
    ['URI', c.uri],
    ['UserAgent', c.userAgent],
    ['RegExpire', String(c.expiresAt)],
    ['ViaAddress', c.viaAddr],
    ['CallID', c.callId],
    ['Status', c.status],
    ['RoundtripUsec', c.status === 'Reachable' ? String(c.roundtripUsec) : 'N/A'],
    ['EndpointName', c.endpoint],
    ['ID', c.id],
    ['AuthenticateQualify', c.authenticateQualify ? '1' : '0'],
    ['OutboundProxy', c.outboundProxy],
    ['Path', ''],
    ['QualifyFrequency', String(c.qualifyFrequency)],
    ['QualifyTimeout', c.qualifyTimeout.toFixed(3)],
    ['Qualify2xxOnly', c.qualify2xxOnly ? '1' : '0'],
  ];
}

export function contactListFields(c: Contact): AmiField[] {
  return [
    ['ObjectType', 'contact'],
    ['ObjectName', c.id],
    ['ViaAddr', c.viaAddr],
    ['QualifyTimeout', c.qualifyTimeout.toFixed(6)],
    ['Qualify2xxOnly', c.qualify2xxOnly ? 'true' : 'false'],
    ['CallId', c.callId],
    ['RegServer', ''],
    ['PruneOnBoot', 'yes'],
    ['Path', ''],
    ['Endpoint', c.endpoint],
    ['ViaPort', String(c.viaPort)],
    ['AuthenticateQualify', c.authenticateQualify ? 'yes' : 'no'],
    ['Uri', c.uri],
    ['QualifyFrequency', String(c.qualifyFrequency)],
    ['UserAgent', c.userAgent],
    ['ExpirationTime', String(c.expiresAt)],
    ['OutboundProxy', c.outboundProxy],
    ['Status', c.status],
    ['RoundtripUsec', c.status === 'Reachable' ? String(c.roundtripUsec) : 'N/A'],
  ];
}

/** The objects PJSIPShowEndpoint reports after the endpoint: those that exist. */
export function endpointRelations(
  s: AsteriskState,
  ep: PjsipObject,
): {
  auths: PjsipObject[];
  transport: PjsipObject | undefined;
  aors: PjsipObject[];
  contacts: Contact[];
} {
  const get = (type: string, id: string) => s.objects.get(objectKey(type, id));
  const all = (type: string, list: string | undefined) =>
    names(list).flatMap((id) => get(type, id) ?? []);
  const transport = ep.options.get('transport');
  const aors = all('aor', ep.options.get('aors'));
  return {
    auths: [
      ...all('auth', ep.options.get('auth')),
      ...all('auth', ep.options.get('outbound_auth')),
    ],
    transport: transport ? get('transport', transport) : undefined,
    aors,
    contacts: aors.flatMap((a) => contactsOfAor(s, a.id)),
  };
}
