// A version of a namespace's Asterisk configuration as the apply loop sees it:
// the content-hash marker of every generated file (what GetConfig must show
// before a reload can pick the files up) and the agents it contains. Pure.
import type { DesiredMember } from '../../agentstate/types.ts';
import type { AcceptedAgent } from '../render/agents.ts';
import { hashMarker } from '../render/marker.ts';
import { endpointRevision } from '../render/pjsip.ts';
import type { GeneratedObject, HashMarker } from '../render/types.ts';

export type Module = HashMarker['module'];

/** Reload order: endpoints before the dialplan and the queues that reach them. */
export const MODULE_ORDER: readonly Module[] = [
  'res_pjsip.so',
  'pbx_config.so',
  'app_queue.so',
  'res_rtp_asterisk.so',
];

export interface ConfigVersion {
  /** Short hash over every object's hash: names the version in logs and status. */
  readonly id: string;
  /** Generated file name → its marker. */
  readonly markers: ReadonlyMap<string, HashMarker>;
  /** SipAgent name → fingerprint of what was rendered for it (see agentFingerprint). */
  readonly agents: ReadonlyMap<string, string>;
  /** SipAgent name → PJSIP endpoint id (its SIP username). */
  readonly endpoints: ReadonlyMap<string, string>;
  /** SipAgent name → revision of its endpoint (render/pjsip.ts endpointRevision). */
  readonly revisions: ReadonlyMap<string, string>;
  /** The queues each agent may serve: added as dynamic members once the version is loaded. */
  readonly members: readonly DesiredMember[];
  /** Queue → wrap-up seconds (queues with none left out). */
  readonly wrapUpSeconds: ReadonlyMap<string, number>;
  /** Ids of the outbound registrations (SipTrunks) the version has. */
  readonly registrations: ReadonlySet<string>;
}

/**
 * What must match for an agent's Provisioned to count: the credentials
 * (username; a rotation changes it) and the spec generation it was rendered from.
 */
export function agentFingerprint(username: string, generation: number | undefined): string {
  return `${username}/${generation ?? 0}`;
}

/** What configVersion needs of each rendered agent. */
export interface VersionAgent {
  readonly name: string;
  readonly sipUsername: string;
  readonly generation: number | undefined;
  readonly revision: string;
}

export function versionAgents(
  accepted: readonly AcceptedAgent[],
  generation: (name: string) => number | undefined,
): VersionAgent[] {
  return accepted.map((a) => ({
    name: a.name,
    sipUsername: a.sipUsername,
    generation: generation(a.name),
    revision: endpointRevision(a),
  }));
}

export function configVersion(
  id: string,
  objects: readonly GeneratedObject[],
  agents: readonly VersionAgent[],
  members: readonly DesiredMember[] = [],
  wrapUpSeconds: ReadonlyMap<string, number> = new Map(),
  registrations: readonly string[] = [],
): ConfigVersion {
  const markers = new Map<string, HashMarker>();
  for (const o of objects) {
    for (const [file, content] of Object.entries(o.files)) {
      // The CA bundle has no marker: its hash is in the auth file of its Secret (TRUNK_CA_FILE).
      if (file.endsWith('.pem')) continue;
      const m = hashMarker(file, content);
      if (!m) throw new Error(`generated file ${file} has no content-hash marker`);
      markers.set(file, m);
    }
  }
  return {
    id,
    markers,
    agents: new Map(agents.map((a) => [a.name, agentFingerprint(a.sipUsername, a.generation)])),
    endpoints: new Map(agents.map((a) => [a.name, a.sipUsername])),
    revisions: new Map(agents.map((a) => [a.name, a.revision])),
    members,
    wrapUpSeconds,
    registrations: new Set(registrations),
  };
}

/** The line GetConfig shows for a marker, under its category. */
export function markerLine(m: HashMarker): string {
  return `${m.key}=${m.value}`;
}

/** One GetConfig request: a file and a category. */
export interface MarkerQuery {
  readonly configFile: HashMarker['configFile'];
  readonly category: string;
}

export function queryKey(q: MarkerQuery): string {
  return `${q.configFile}\n${q.category}`;
}

/** The GetConfig requests that show every marker of a version (one per file family). */
export function markerQueries(version: ConfigVersion): MarkerQuery[] {
  const seen = new Map<string, MarkerQuery>();
  for (const m of version.markers.values()) {
    const q = { configFile: m.configFile, category: m.category };
    seen.set(queryKey(q), q);
  }
  return [...seen.values()];
}

/** Lines GetConfig showed, per query (queryKey). */
export type VisibleLines = ReadonlyMap<string, ReadonlySet<string>>;

/** Files of `version` whose marker Asterisk does not show yet (sorted). */
export function invisibleFiles(version: ConfigVersion, visible: VisibleLines): string[] {
  const missing: string[] = [];
  for (const [file, m] of version.markers) {
    if (!visible.get(queryKey(m))?.has(markerLine(m))) missing.push(file);
  }
  return missing.sort();
}

/**
 * Modules whose files differ between what Asterisk last loaded and `next`
 * (every module when nothing is known to be loaded), in reload order.
 */
export function changedModules(loaded: ConfigVersion | undefined, next: ConfigVersion): Module[] {
  if (!loaded) return [...new Set([...next.markers.values()].map((m) => m.module))].sort(byOrder);
  const changed = new Set<Module>();
  for (const [file, m] of next.markers) {
    if (loaded.markers.get(file)?.value !== m.value) changed.add(m.module);
  }
  for (const [file, m] of loaded.markers) if (!next.markers.has(file)) changed.add(m.module);
  return [...changed].sort(byOrder);
}

function byOrder(a: Module, b: Module): number {
  return MODULE_ORDER.indexOf(a) - MODULE_ORDER.indexOf(b);
}
