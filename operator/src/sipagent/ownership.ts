// The namespace-wide view of who wants which extension, from the informer
// caches plus in-flight reservations. Shared by the SipAgent controller and
// the Asterisk configuration controller so both agree on conflicts.
import type { V1Secret } from '@kubernetes/client-node';
import type { SipAgent } from '../crds/types.ts';
import { type AgentExtension, type ExtensionOwnership, resolveExtensions } from './extensions.ts';
import type { Reservations } from './reservations.ts';
import { credentialsSecretName, readCredentials } from './resources.ts';

export interface NamespaceSources {
  readonly agents: readonly SipAgent[];
  readonly secret: (name: string) => V1Secret | undefined;
  readonly reservations: Reservations;
  readonly namespace: string;
}

export function storedExtension(
  sources: NamespaceSources,
  agentName: string,
): { username?: string; extension?: number } {
  const reserved = sources.reservations.get(sources.namespace, agentName);
  if (reserved) return reserved;
  const secret = sources.secret(credentialsSecretName(agentName));
  const stored = secret ? readCredentials(secret) : undefined;
  return stored ? { username: stored.username, extension: stored.extension } : {};
}

export function agentExtensions(sources: NamespaceSources): AgentExtension[] {
  return sources.agents
    .filter((a) => !a.metadata.deletionTimestamp)
    .map((a) => {
      const extension = a.spec.extension ?? storedExtension(sources, a.metadata.name).extension;
      const ready = a.status?.conditions?.find((c) => c.type === 'Ready');
      return {
        name: a.metadata.name,
        creationTimestamp: String(a.metadata.creationTimestamp ?? ''),
        extension,
        incumbent:
          extension !== undefined &&
          a.status?.extension === extension &&
          ready?.reason !== 'ExtensionConflict',
      };
    });
}

export function extensionOwnership(sources: NamespaceSources): ExtensionOwnership {
  return resolveExtensions(agentExtensions(sources));
}

/** Extensions wanted by every agent but `except` (for allocation). */
export function takenExtensions(sources: NamespaceSources, except: string): Set<number> {
  const taken = new Set<number>();
  for (const a of agentExtensions(sources))
    if (a.name !== except && a.extension !== undefined) taken.add(a.extension);
  for (const [name, r] of sources.reservations.entries(sources.namespace)) {
    if (name !== except && r.extension !== undefined) taken.add(r.extension);
  }
  return taken;
}

/** SIP usernames in use in the namespace (for uniqueness of new ones). */
export function takenUsernames(sources: NamespaceSources): Set<string> {
  const taken = new Set<string>();
  for (const a of sources.agents) {
    const u = storedExtension(sources, a.metadata.name).username;
    if (u) taken.add(u);
  }
  for (const [, r] of sources.reservations.entries(sources.namespace)) taken.add(r.username);
  return taken;
}
