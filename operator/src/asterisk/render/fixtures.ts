// Test helpers (not imported by the renderer): inputs, the base configuration
// that #includes our files, and checks of the loaded result.
import assert from 'node:assert/strict';
import type { WebRTCConfigSpec } from '../../crds/types.ts';
import { validateCallQueue, validateWebRTCConfig } from '../../schema/validators.ts';
import { BASE_INCLUDES, INCLUDE_DIR } from './layout.ts';
import { type ConfigCategory, type LoadedConfig, loadConfig, optionValue } from './parse.ts';
import { renderAsteriskConfig } from './render.ts';
import type {
  GeneratedObject,
  RenderAgent,
  RenderInput,
  RenderOutbound,
  RenderQueue,
  RenderQueueMember,
  RenderTrunk,
} from './types.ts';

/** A WebRTCConfig spec after defaulting, as the API server would store it. */
export function spec(extra: Record<string, unknown> = {}): WebRTCConfigSpec {
  const r = validateWebRTCConfig({
    apiVersion: 'switchboard.dev/v1alpha1',
    kind: 'WebRTCConfig',
    metadata: { name: 'default' },
    spec: { asteriskWsUrl: 'wss://pbx.example.org/ws', ...extra },
  });
  assert.ok(r.ok, JSON.stringify(r.ok ? '' : r.errors));
  return r.value.spec;
}

/** A distinct password per agent (32 hex), so a leak can be traced to its agent. */
export const passwordOf = (i: number) => `deadbeef${String(i).padStart(8, '0')}`.padEnd(32, 'c');

export function agent(i: number, extra: Partial<RenderAgent> = {}): RenderAgent {
  return {
    name: `agent-${i}`,
    displayName: `Agent ${i}`,
    extension: 1000 + i,
    sipUsername: `agent_${i}_1700000000`,
    sipPassword: passwordOf(i),
    codecs: ['opus', 'ulaw', 'alaw'],
    queues: ['support'],
    maxContacts: 1,
    ...extra,
  };
}

export function render(agents: readonly RenderAgent[], extra: Partial<RenderInput> = {}) {
  return renderAsteriskConfig({ namespace: 'ns', config: spec(), agents, ...extra });
}

/** Base files as asterisk/ would ship them: own settings first, our #include last. */
const BASE: Readonly<Record<string, string>> = {
  'pjsip.conf': `[global]\ntype = global\nuser_agent = Switchboard\n\n${BASE_INCLUDES['pjsip.conf']}\n`,
  'extensions.conf': `[general]\nstatic = yes\nwriteprotect = no\n\n${BASE_INCLUDES['extensions.conf']}\n`,
  'queues.conf': `[general]\npersistentmembers = yes\n\n${BASE_INCLUDES['queues.conf']}\n`,
  'rtp.conf': `${BASE_INCLUDES['rtp.conf']}\n`,
};

/** Every generated file by the path Asterisk sees (all objects projected into one directory). */
export function mounted(objects: readonly GeneratedObject[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const o of objects)
    for (const [name, content] of Object.entries(o.files)) {
      assert.ok(!files.has(name), `file ${name} is in two objects`);
      files.set(`${INCLUDE_DIR}/${name}`, content);
    }
  return files;
}

/** Loads a top-level file as Asterisk would, base file first. */
export function load(
  objects: readonly GeneratedObject[],
  file: keyof typeof BASE_INCLUDES,
): LoadedConfig {
  const files = mounted(objects);
  return loadConfig(file, (path) => BASE[path] ?? files.get(path));
}

export const find = (config: LoadedConfig, name: string, type?: string) =>
  config.categories.find(
    (c) =>
      c.name === name && !c.template && (type === undefined || optionValue(c, 'type') === type),
  );

/** Options per PJSIP type: the set minimal-config uses, plus what the product asks for. */
const KNOWN: Readonly<Record<string, ReadonlySet<string>>> = {
  global: new Set(['type', 'user_agent']),
  transport: new Set([
    'type',
    'protocol',
    'bind',
    'ca_list_file',
    'verify_server',
    'cert_file',
    'priv_key_file',
    'method',
    'external_signaling_address',
    'external_media_address',
    'local_net',
  ]),
  endpoint: new Set([
    'set_var',
    'type',
    'transport',
    'context',
    'disallow',
    'allow',
    'webrtc',
    'auth',
    'aors',
    'callerid',
    'direct_media',
    'asymmetric_rtp_codec',
    'rtp_timeout',
    'rtp_timeout_hold',
    'inband_progress',
    'dtls_cert_file',
    'dtls_private_key',
    // SipTrunks (trunks.ts), loaded by the real Asterisk in trunk-asterisk.test.ts
    'outbound_auth',
    'from_user',
    'from_domain',
    'rtp_symmetric',
    'force_rport',
    'rewrite_contact',
    // outbound calls (outbound.ts), loaded by the real Asterisk in trunk-outbound.test.ts
    'send_pai',
  ]),
  aor: new Set(['type', 'max_contacts', 'remove_existing', 'contact', 'qualify_frequency']),
  auth: new Set(['type', 'auth_type', 'username', 'password']),
  identify: new Set(['type', 'endpoint', 'match']),
  registration: new Set([
    'type',
    'transport',
    'outbound_auth',
    'server_uri',
    'client_uri',
    'retry_interval',
    'forbidden_retry_interval',
    'fatal_retry_interval',
    'max_retries',
    'max_random_initial_delay',
  ]),
};

/**
 * What res_pjsip would load: every non-template section has a known type and
 * only known options, no (type, id) pair twice; the only typeless sections are
 * our hash markers (ignored by res_pjsip, config-behaviour case H).
 */
export function lintPjsip(config: LoadedConfig, markerCategory: string): ConfigCategory[] {
  const seen = new Set<string>();
  const objects: ConfigCategory[] = [];
  for (const c of config.categories) {
    if (c.template) continue;
    const type = optionValue(c, 'type');
    if (c.name === markerCategory) {
      assert.equal(type, undefined, `marker section in ${c.file} must have no type`);
      continue;
    }
    assert.ok(type, `section [${c.name}] in ${c.file} has no type=`);
    const known = KNOWN[type];
    assert.ok(known, `section [${c.name}] has unknown type ${type}`);
    for (const l of c.lines)
      assert.ok(known.has(l.key), `option ${l.key} of ${type} [${c.name}] is not a known option`);
    const key = `${type}/${c.name}`;
    assert.ok(!seen.has(key), `duplicate ${key}`);
    seen.add(key);
    objects.push(c);
  }
  return objects;
}

/** Byte size an object adds to etcd: keys plus values; Secret values base64-encoded. */
export function objectBytes(o: GeneratedObject): number {
  let n = 0;
  for (const [k, v] of Object.entries(o.files)) {
    const raw = Buffer.byteLength(v);
    n += Buffer.byteLength(k) + (o.kind === 'Secret' ? Math.ceil(raw / 3) * 4 : raw);
  }
  return n;
}

/** A deterministic shuffle (no Math.random: failures must reproduce). */
export function shuffled<T>(items: readonly T[], seed = 7): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** A CallQueue as the operator resolves it, with the schema's defaults. */
export function callQueue(
  name: string,
  extra: { spec?: Record<string, unknown>; numbers?: string[]; members?: RenderQueueMember[] } = {},
): RenderQueue {
  const r = validateCallQueue({
    apiVersion: 'switchboard.dev/v1alpha1',
    kind: 'CallQueue',
    metadata: { name },
    spec: extra.spec ?? {},
  });
  assert.ok(r.ok, JSON.stringify(r.ok ? '' : r.errors));
  const { numbers, members: _members, ...settings } = r.value.spec;
  return { name, settings, numbers: extra.numbers ?? numbers, members: extra.members ?? [] };
}

/** The priorities of a literal extension of a context, in order (exten, then its `same` lines). */
export function priorities(config: LoadedConfig, context: string, exten: string): string[] {
  const out: string[] = [];
  let inside = false;
  for (const c of config.categories.filter((c) => c.name === context))
    for (const l of c.lines) {
      if (l.key === 'exten') inside = l.value.startsWith(`${exten},`);
      if (inside && (l.key === 'exten' || l.key === 'same'))
        out.push(
          l.value
            .split(',')
            .slice(l.key === 'exten' ? 2 : 1)
            .join(','),
        );
    }
  return out;
}

/** Outbound rules as the operator resolves them: national calls for everyone, premium denied. */
export function outbound(extra: Partial<RenderOutbound> = {}): RenderOutbound {
  return {
    callerId: '+23222000000',
    countryCode: '232',
    nationalPrefix: '0',
    internationalPrefix: '00',
    allow: ['national'],
    deny: ['+2329'],
    emergencyNumbers: ['112'],
    allAgents: true,
    ...extra,
  };
}

/** A SipTrunk as the operator resolves it (registering, with credentials, two routes). */
export function trunk(name: string, extra: Partial<RenderTrunk> = {}): RenderTrunk {
  return {
    name,
    host: 'sip.carrier.example',
    port: 5060,
    match: [],
    credentials: { username: 'acct-1001', password: `pw-${name}-0123456789` },
    register: true,
    codecs: ['alaw', 'ulaw'],
    maxCalls: 0,
    routes: [
      { number: '117', queue: 'support' },
      { number: '+23222000001', agent: 'agent-1' },
    ],
    ...extra,
  };
}

/** Asterisk's pattern syntax, as far as this dialplan uses it. */
export function matches(pattern: string, exten: string): boolean {
  if (!pattern.startsWith('_')) return pattern === exten;
  const re = pattern
    .slice(1)
    .replace(/\[([^\]]+)\]|(.)/g, (_, set: string | undefined, ch: string) => {
      if (set) return `[${set.replace(/[\\\]^]/g, '\\$&')}]`;
      if (ch === 'X') return '[0-9]';
      if (ch === 'Z') return '[1-9]';
      if (ch === 'N') return '[2-9]';
      if (ch === '.') return '.+';
      if (ch === '!') return '.*';
      return ch.replace(/[.*+?^${}()|\\]/g, '\\$&');
    });
  return new RegExp(`^${re}$`).test(exten);
}

export interface Step {
  context: string;
  priorities: string[];
}

/** Where `exten` dialled in `context` ends up: own extensions (literal before pattern), then includes in order. */
export function route(
  dialplan: LoadedConfig,
  context: string,
  exten: string,
  seen = new Set<string>(),
): Step | undefined {
  if (seen.has(context)) return undefined;
  seen.add(context);
  const cats = dialplan.categories.filter((c) => c.name === context);
  const lines = cats.flatMap((c) => c.lines);
  const extens: { name: string; priorities: string[] }[] = [];
  for (const l of lines) {
    if (l.key === 'exten') {
      const [name = '', , ...app] = l.value.split(',');
      extens.push({ name, priorities: [app.join(',')] });
    } else if (l.key === 'same')
      extens.at(-1)?.priorities.push(l.value.split(',').slice(1).join(','));
  }
  const hit =
    extens.find((e) => e.name === exten) ??
    extens.find((e) => e.name.startsWith('_') && matches(e.name, exten));
  if (hit) return { context, priorities: hit.priorities };
  for (const l of lines)
    if (l.key === 'include') {
      const found = route(dialplan, l.value, exten, seen);
      if (found) return found;
    }
  return undefined;
}
