// What res_pjsip loads from pjsip.conf on a reload, per the recorded
// behaviour (NOTES.md, config-behaviour/): a section without type= is
// ignored; an unknown option or a bad value fails that object (an existing
// object of the same type and id is kept); explicit dtls_auto_generate_cert
// together with dtls_cert_file is an error; a missing dtls_cert_file drops a
// new endpoint; a missing #include keeps every object as it was.
import { existsSync } from 'node:fs';
import type { Category } from './config-files.ts';

export interface PjsipObject {
  readonly type: string;
  readonly id: string;
  readonly options: ReadonlyMap<string, string>;
}

const BOOL = /^(yes|no|true|false|on|off|1|0)$/i;
const INT = /^-?\d+$/;

// The options this server knows per type: those in the recorded configs and
// those Switchboard renders. Anything else fails the object, as an unknown
// option does in Asterisk.
const KNOWN: Record<string, Record<string, RegExp | undefined>> = {
  endpoint: {
    type: undefined,
    transport: undefined,
    context: undefined,
    disallow: undefined,
    allow: undefined,
    webrtc: BOOL,
    auth: undefined,
    aors: undefined,
    callerid: undefined,
    direct_media: BOOL,
    rtp_timeout: INT,
    rtp_timeout_hold: INT,
    allow_subscribe: BOOL,
    dtls_auto_generate_cert: BOOL,
    dtls_cert_file: undefined,
    dtls_private_key: undefined,
  },
  aor: { type: undefined, max_contacts: INT, remove_existing: BOOL, qualify_frequency: INT },
  auth: {
    type: undefined,
    auth_type: /^(userpass|md5|digest)$/,
    username: undefined,
    password: undefined,
  },
  transport: {
    type: undefined,
    protocol: /^(udp|tcp|tls|ws|wss|flow)$/,
    bind: undefined,
    external_signaling_address: undefined,
    external_media_address: undefined,
    local_net: undefined,
  },
  global: { type: undefined, user_agent: undefined },
};

export type LoadResult = ReadonlyMap<string, PjsipObject>;
const keyOf = (type: string, id: string) => `${type}/${id}`;

export function loadPjsip(categories: readonly Category[], previous: LoadResult): LoadResult {
  const next = new Map<string, PjsipObject>();
  for (const c of categories) {
    if (c.isTemplate) continue;
    const options = new Map<string, string>();
    for (const [k, v] of c.lines)
      options.set(
        k,
        options.has(k) && (k === 'allow' || k === 'local_net') ? `${options.get(k)},${v}` : v,
      );
    const type = options.get('type');
    if (!type) continue; // silently ignored
    const known = KNOWN[type];
    const key = keyOf(type, c.name);
    const ok =
      known !== undefined &&
      [...options].every(
        ([k, v]) => k in known && (known[k] === undefined || (known[k] as RegExp).test(v)),
      );
    const dtlsConflict =
      /^(yes|true|on|1)$/i.test(options.get('dtls_auto_generate_cert') ?? '') &&
      options.has('dtls_cert_file');
    const certMissing =
      options.has('dtls_cert_file') && !existsSync(options.get('dtls_cert_file') ?? '');
    if (ok && !dtlsConflict && !certMissing) {
      next.set(key, { type, id: c.name, options });
    } else {
      const old = previous.get(key);
      if (old) next.set(key, old); // "Retaining existing configuration"
    }
  }
  return next;
}

export function endpoints(objects: LoadResult): PjsipObject[] {
  return [...objects.values()]
    .filter((o) => o.type === 'endpoint')
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}
