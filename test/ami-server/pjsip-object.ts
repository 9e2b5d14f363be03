// Builds one PJSIP object (endpoint, aor, auth, transport) from a config
// category as res_pjsip's sorcery handlers do, or says why it fails. The
// recorded failures (config-behaviour D, E, F, J) are reproduced with
// Asterisk's log wording; values are kept as AMI shows them.
import type { ConfigCategory, ConfigLine } from './config-reader.ts';
import {
  AOR_FIELDS,
  AUTH_FIELDS,
  CODECS,
  ENDPOINT_EXTRA_OPTIONS,
  ENDPOINT_FIELDS,
  type FieldSpec,
  isTrue,
  type OptionKind,
  TRANSPORT_FIELDS,
} from './pjsip-options.ts';

export type CheckedType = 'endpoint' | 'aor' | 'auth' | 'transport';
export const CHECKED_TYPES: readonly CheckedType[] = ['endpoint', 'aor', 'auth', 'transport'];

export interface PjsipObject {
  readonly type: string;
  readonly id: string;
  /** AMI field name → value as PJSIPShowEndpoint prints it (checked types only). */
  readonly fields: ReadonlyMap<string, string>;
  /** Option name → value as written (last one wins). */
  readonly options: ReadonlyMap<string, string>;
}

export type BuildResult =
  | { readonly ok: true; readonly object: PjsipObject }
  | { readonly ok: false; readonly errors: readonly string[] };

export interface BuildContext {
  /** Whether a file named in the config can be read (paths as Asterisk sees them). */
  readable(path: string): boolean;
}

const TABLES: Record<CheckedType, readonly FieldSpec[]> = {
  endpoint: ENDPOINT_FIELDS,
  aor: AOR_FIELDS,
  auth: AUTH_FIELDS,
  transport: TRANSPORT_FIELDS,
};

interface OptionSpec {
  readonly field: string | undefined;
  readonly kind: OptionKind;
}

const OPTION_SPECS: Record<CheckedType, ReadonlyMap<string, OptionSpec>> = {
  endpoint: specs('endpoint', ENDPOINT_EXTRA_OPTIONS),
  aor: specs('aor', [['type', 's']]),
  auth: specs('auth', [['type', 's']]),
  transport: specs('transport', [['type', 's']]),
};

function specs(
  type: CheckedType,
  extra: readonly (readonly [string, OptionKind])[],
): Map<string, OptionSpec> {
  const map = new Map<string, OptionSpec>();
  for (const [field, option, , kind] of TABLES[type])
    if (option !== undefined) map.set(option, { field, kind });
  for (const [option, kind] of extra) map.set(option, { field: undefined, kind });
  return map;
}

const UINT = /^\d+$/;
const DECIMAL = /^\d+(\.\d+)?$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function validIpv4(text: string): boolean {
  const m = IPV4.exec(text);
  return !!m && m.slice(1).every((p) => Number(p) <= 255);
}

/** `bind=` as Asterisk shows it: the port defaults to 5060 (5061 for tls). */
function formatBind(value: string, protocol: string): string | undefined {
  const defaultPort = protocol === 'tls' ? 5061 : 5060;
  const v6 = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(value);
  if (v6) return `[${v6[1]}]:${v6[2] ?? defaultPort}`;
  if (/^[0-9a-fA-F:]+$/.test(value) && value.includes(':') && value.split(':').length > 2)
    return `[${value}]:${defaultPort}`;
  const v4 = /^([\d.]+)(?::(\d+))?$/.exec(value);
  if (v4 && validIpv4(v4[1] ?? '') && Number(v4[2] ?? defaultPort) <= 65535)
    return `${v4[1]}:${v4[2] ?? defaultPort}`;
  return undefined;
}

/** `local_net=` as Asterisk's ast_ha_join shows it: address/netmask, dotted. */
function formatLocalNet(value: string): string | undefined {
  const [addr = '', mask = '32'] = value.split('/');
  if (!validIpv4(addr)) return undefined;
  let dotted = mask;
  if (UINT.test(mask)) {
    const bits = Number(mask);
    if (bits > 32) return undefined;
    const n = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    dotted = [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
  } else if (!validIpv4(mask)) {
    return undefined;
  }
  const a = addr.split('.').map(Number);
  const m = dotted.split('.').map(Number);
  return `${a.map((x, i) => x & (m[i] ?? 0)).join('.')}/${dotted}`;
}

/** `callerid=` shown through ast_callerid_merge: `"Name" <number>` stays as it is. */
function formatCallerId(value: string): string {
  const both = /^\s*"([^"]*)"\s*<([^>]*)>\s*$/.exec(value);
  return both ? `"${both[1]}" <${both[2]}>` : value;
}

function display(kind: OptionKind, value: string): string | undefined {
  if (kind === 'b') return isTrue(value) ? 'true' : 'false';
  if (kind === 'yn') return isTrue(value) ? 'yes' : 'no';
  if (kind === 'YN') return isTrue(value) ? 'Yes' : 'No';
  if (kind === 'u') return UINT.test(value) && Number(value) <= 0xffffffff ? value : undefined;
  if (kind === 'f') return DECIMAL.test(value) ? Number(value).toFixed(6) : undefined;
  if (kind === 's') return value;
  return kind.find((w) => w.toLowerCase() === value.toLowerCase());
}

const parseError = (l: ConfigLine) =>
  `config_options.c: Error parsing ${l.key}=${l.value} at line ${l.lineNo} of ${l.file}`;

/**
 * Applies allow=/disallow= in order, as ast_format_cap_update_by_allow_disallow:
 * names separated by "," or "|", "!" inverts one, ":<ms>" packetization is
 * dropped here; an unknown name fails (checked in agreement.test.ts).
 */
function updateCodecs(codecs: string[], allowing: boolean, value: string): boolean {
  for (const raw of value.split(/[,|]/)) {
    let name = raw.trim().toLowerCase();
    if (name === '') continue;
    let allow = allowing;
    if (name.startsWith('!')) {
      name = name.slice(1);
      allow = !allowing;
    }
    const colon = name.lastIndexOf(':');
    if (colon >= 0) {
      if (!/^\d+/.test(name.slice(colon + 1))) return false; // "Bad packetization value"
      name = name.slice(0, colon);
    }
    if (name === 'all') {
      codecs.splice(0, codecs.length, ...(allow ? CODECS : []));
      continue;
    }
    if (!CODECS.includes(name)) return false;
    const at = codecs.indexOf(name);
    if (allow && at < 0) codecs.push(name);
    if (!allow && at >= 0) codecs.splice(at, 1);
  }
  return true;
}

const DTLS_FILES: Record<string, string> = {
  dtls_cert_file: 'dtlscertfile',
  dtls_private_key: 'dtlsprivatekey',
  dtls_ca_file: 'dtlscafile',
  dtls_ca_path: 'dtlscapath',
};

export function buildObject(
  type: CheckedType,
  category: ConfigCategory,
  ctx: BuildContext,
): BuildResult {
  const specsOf = OPTION_SPECS[type];
  const fields = new Map<string, string>();
  for (const [field, , def] of TABLES[type]) fields.set(field, def);
  const options = new Map<string, string>();
  const codecs: string[] = [];
  const localNets: string[] = [];
  const setVars: string[] = [];
  const errors: string[] = [];

  for (const l of category.lines) {
    const spec = specsOf.get(l.key);
    if (!spec) {
      errors.push(
        `config_options.c: Could not find option suitable for category '${category.name}' named '${l.key}' at line ${l.lineNo} of ${l.file}`,
      );
      break;
    }
    options.set(l.key, l.value);
    if (l.key === 'type') continue;
    if (type === 'endpoint' && (l.key === 'allow' || l.key === 'disallow')) {
      if (!updateCodecs(codecs, l.key === 'allow', l.value)) {
        errors.push(parseError(l));
        break;
      }
      continue;
    }
    const dtlsName = type === 'endpoint' ? DTLS_FILES[l.key] : undefined;
    if (dtlsName && l.value !== '' && !ctx.readable(l.value)) {
      errors.push(
        `rtp_engine.c: ${dtlsName} file ${l.value} does not exist or is not readable`,
        parseError(l),
      );
      break;
    }
    if (type === 'transport' && l.key === 'local_net') {
      const net = formatLocalNet(l.value);
      if (net === undefined) {
        errors.push(parseError(l));
        break;
      }
      localNets.push(net);
      continue;
    }
    if (type === 'endpoint' && l.key === 'set_var') {
      setVars.push(l.value);
      continue;
    }
    const shown = display(spec.kind, l.value);
    if (shown === undefined) {
      errors.push(parseError(l));
      break;
    }
    if (spec.field !== undefined)
      fields.set(spec.field, l.key === 'callerid' ? formatCallerId(shown) : shown);
  }
  if (errors.length > 0) return { ok: false, errors };

  if (type === 'endpoint') {
    fields.set('Allow', codecs.length ? `(${codecs.join('|')})` : '(nothing)');
    fields.set('SetVar', setVars.join(','));
    const certFile = options.get('dtls_cert_file') ?? '';
    if (isTrue(options.get('dtls_auto_generate_cert')) && certFile !== '') {
      return {
        ok: false,
        errors: [
          'rtp_engine.c: You cannot request automatically generated certificates (dtls_auto_generate_cert) and also specify a certificate file (dtls_cert_file) at the same time',
        ],
      };
    }
    if (isTrue(options.get('webrtc'))) {
      // webrtc=yes turns on DTLS, ICE, AVPF, rtcp-mux and bundle (NOTES.md; transcript main_15).
      fields.set('RtcpMux', 'true');
      fields.set('UseAvpf', 'true');
      fields.set('IceSupport', 'true');
      fields.set('MediaUseReceivedTransport', 'true');
      fields.set('MediaEncryption', 'dtls');
      fields.set('DtlsVerify', 'Fingerprint');
      fields.set('DtlsSetup', 'actpass');
      fields.set('Bundle', 'true');
      if (certFile === '') fields.set('DtlsAutoGenerateCert', 'Yes');
    }
  }
  if (type === 'transport') {
    const protocol = fields.get('Protocol') ?? 'udp';
    const bind = formatBind(options.get('bind') ?? '0.0.0.0', protocol);
    if (bind === undefined) {
      const line = category.lines.findLast((l) => l.key === 'bind');
      return { ok: false, errors: [line ? parseError(line) : 'bind'] };
    }
    fields.set('Bind', bind);
    fields.set('LocalNet', localNets.join(','));
  }
  return { ok: true, object: { type, id: category.name, fields, options } };
}
