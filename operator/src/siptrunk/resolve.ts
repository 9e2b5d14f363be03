// Resolves a namespace's SipTrunks against each other, the WebRTCConfig, the
// CallQueues and the SipAgents: which numbers each trunk routes now (the
// older trunk keeps a number two claim, as queues and extensions do; a route
// whose queue or agent does not exist is left out, so its calls meet the
// "unallocated number" refusal), and whether its credentials can be used.
// Outbound calls go through one trunk: the oldest whose outbound is enabled;
// any other trunk with it enabled reports the conflict and renders without.
// Pure: the WebRTCConfig controller renders from it, the SipTrunk controller
// writes status from it, so both always agree.
import type { RenderOutbound, RenderTrunk } from '../asterisk/render/index.ts';
import type {
  CallQueue,
  SipAgent,
  SipTrunk,
  TrunkOutbound,
  TrunkRoute,
  WebRTCConfigSpec,
} from '../crds/types.ts';
import type { CaResult } from './ca.ts';
import type { CredentialsResult } from './credentials.ts';
import { type ShadowedNumber, shadowedEmergencyNumbers } from './emergency.ts';

export interface ResolvedTrunk {
  readonly name: string;
  readonly credentials: CredentialsResult;
  /** The CA bundle of a tls trunk. */
  readonly ca: CaResult;
  /** Routes in force, sorted by number. */
  readonly routes: readonly TrunkRoute[];
  /** Numbers an older trunk routes. */
  readonly conflicts: readonly { readonly number: string; readonly trunk: string }[];
  /** Routes whose target does not exist (what is missing, in words). */
  readonly missing: readonly { readonly number: string; readonly target: string }[];
  /** Whether the trunk carries outbound calls; `conflict`: the older trunk that does. */
  readonly outbound: 'off' | 'active' | { readonly conflict: string };
  /** Emergency numbers that ring inside instead (only for the trunk whose outbound is active). */
  readonly shadowed: readonly ShadowedNumber[];
}

const older = (a: SipTrunk, b: SipTrunk): number => {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
};

/** What is missing for `route`, or undefined when its target exists. */
function missingTarget(
  route: TrunkRoute,
  queues: ReadonlySet<string>,
  agents: ReadonlySet<string>,
  config: Pick<WebRTCConfigSpec, 'hotline'> | undefined,
): string | undefined {
  if (route.queue !== undefined)
    return queues.has(route.queue) || route.queue === config?.hotline.queue
      ? undefined
      : `CallQueue "${route.queue}"`;
  if (route.agent !== undefined)
    return agents.has(route.agent) ? undefined : `SipAgent "${route.agent}" (or it is suspended)`;
  return config ? undefined : 'the hotline (no WebRTCConfig)';
}

export function resolveTrunks(
  trunks: readonly SipTrunk[],
  queues: readonly CallQueue[],
  agents: readonly SipAgent[],
  config: Pick<WebRTCConfigSpec, 'hotline'> | undefined,
  credentials: (trunk: SipTrunk) => CredentialsResult,
  ca: (trunk: SipTrunk) => CaResult = () => ({ state: 'none' }),
): Map<string, ResolvedTrunk> {
  const queueNames = new Set(
    queues.filter((q) => !q.metadata.deletionTimestamp).map((q) => q.metadata.name),
  );
  const agentNames = new Set(
    agents
      .filter((a) => !a.metadata.deletionTimestamp && !a.spec.suspended)
      .map((a) => a.metadata.name),
  );
  const holder = new Map<string, string>();
  const out = new Map<string, ResolvedTrunk>();
  let outboundHolder: string | undefined;
  for (const t of trunks.filter((x) => !x.metadata.deletionTimestamp).sort(older)) {
    let outbound: ResolvedTrunk['outbound'] = 'off';
    if (t.spec.outbound?.enabled) {
      outbound = outboundHolder === undefined ? 'active' : { conflict: outboundHolder };
      outboundHolder ??= t.metadata.name;
    }
    const routes: TrunkRoute[] = [];
    const conflicts: { number: string; trunk: string }[] = [];
    const missing: { number: string; target: string }[] = [];
    for (const r of t.spec.routes ?? []) {
      const other = holder.get(r.number);
      if (other !== undefined) {
        conflicts.push({ number: r.number, trunk: other });
        continue;
      }
      holder.set(r.number, t.metadata.name);
      const target = missingTarget(r, queueNames, agentNames, config);
      if (target !== undefined) missing.push({ number: r.number, target });
      else routes.push(r);
    }
    out.set(t.metadata.name, {
      name: t.metadata.name,
      credentials: credentials(t),
      ca: ca(t),
      routes: routes.sort((a, b) => (a.number < b.number ? -1 : a.number > b.number ? 1 : 0)),
      conflicts,
      missing,
      outbound,
      shadowed:
        outbound === 'active'
          ? shadowedEmergencyNumbers(
              t.spec.outbound?.emergencyNumbers ?? [],
              config,
              queues,
              agents,
            )
          : [],
    });
  }
  return out;
}

/** Whether the trunk goes into Asterisk: everything but unusable credentials or CA bundle. */
export function isRendered(r: ResolvedTrunk): boolean {
  return r.credentials.state !== 'problem' && r.ca.state !== 'problem';
}

function renderOutbound(o: TrunkOutbound): RenderOutbound {
  return {
    callerId: o.callerId,
    countryCode: o.countryCode,
    nationalPrefix: o.nationalPrefix,
    internationalPrefix: o.internationalPrefix,
    allow: o.allow,
    deny: o.deny,
    emergencyNumbers: o.emergencyNumbers,
    allAgents: o.agents?.selector === undefined,
  };
}

/** The render input for every trunk that goes into Asterisk. */
export function renderTrunks(
  trunks: readonly SipTrunk[],
  resolved: ReadonlyMap<string, ResolvedTrunk>,
): RenderTrunk[] {
  const out: RenderTrunk[] = [];
  for (const t of trunks) {
    const r = resolved.get(t.metadata.name);
    if (!r || !isRendered(r)) continue;
    const s = t.spec;
    out.push({
      name: t.metadata.name,
      host: s.host,
      port: s.port,
      transport: s.transport,
      ...(r.ca.state === 'ok' ? { tlsCa: r.ca.pem } : {}),
      qualifySeconds: s.qualifySeconds ?? 0,
      ...(s.registrationRetrySeconds !== undefined
        ? { registrationRetrySeconds: s.registrationRetrySeconds }
        : {}),
      match: s.match ?? [],
      ...(r.credentials.state === 'ok' ? { credentials: r.credentials.credentials } : {}),
      register: s.register && r.credentials.state === 'ok',
      ...(s.fromUser !== undefined ? { fromUser: s.fromUser } : {}),
      ...(s.fromDomain !== undefined ? { fromDomain: s.fromDomain } : {}),
      codecs: s.codecs,
      maxCalls: s.maxCalls,
      routes: r.routes,
      ...(r.outbound === 'active' && s.outbound ? { outbound: renderOutbound(s.outbound) } : {}),
    });
  }
  return out;
}
