// How SipAgents look through the HR API (the seed workflow's user shape),
// and the list query: search, filter, page. Pure: the caller passes the
// cached agents and a lookup for their credentials.
import type { SipAgent } from '../../crds/types.ts';

export interface ApiUser {
  readonly id: string;
  readonly name: string;
  readonly phoneNumber: string | null;
  readonly accountType: 'agent';
  readonly sipUsername: string | null;
  readonly sipExtension: number | null;
  readonly hasSipCredentials: boolean;
  readonly registered: boolean;
  readonly suspended: boolean;
  /** May watch the wallboard and listen in (spec.supervisor). */
  readonly supervisor: boolean;
  /** The Ready condition's reason, e.g. "AwaitingProvisioning", "Provisioned", "ExtensionConflict". */
  readonly state: string;
  readonly stateMessage: string;
  readonly createdAt: string | null;
}

export type UserFilter = 'all' | 'registered' | 'unregistered' | 'suspended' | 'unconfigured';
export const USER_FILTERS: readonly UserFilter[] = [
  'all',
  'registered',
  'unregistered',
  'suspended',
  'unconfigured',
];

export interface UserQuery {
  readonly search: string;
  readonly filter: UserFilter;
  /** 1-based. */
  readonly page: number;
  readonly pageSize: number;
}

export interface UserPage {
  readonly users: ApiUser[];
  readonly total: number;
  readonly page: number;
  readonly pageSize: number;
}

export interface Stats {
  readonly totalAgents: number;
  readonly withSipCredentials: number;
  readonly registeredNow: number;
  readonly suspended: number;
}

export function toApiUser(agent: SipAgent, hasSipCredentials: boolean): ApiUser {
  const ready = agent.status?.conditions?.find((c) => c.type === 'Ready');
  return {
    id: agent.metadata.name,
    name: agent.spec.displayName,
    phoneNumber: agent.spec.phoneNumber ?? null,
    accountType: 'agent',
    sipUsername: agent.status?.sipUsername ?? null,
    sipExtension: agent.status?.extension ?? agent.spec.extension ?? null,
    hasSipCredentials,
    registered: agent.status?.registered === true,
    suspended: agent.spec.suspended === true,
    supervisor: agent.spec.supervisor === true,
    state: ready?.reason ?? 'Pending',
    stateMessage: ready?.message ?? '',
    createdAt: agent.metadata.creationTimestamp ?? null,
  };
}

function matches(agent: SipAgent, needle: string): boolean {
  if (!needle) return true;
  const { displayName, phoneNumber } = agent.spec;
  return (
    displayName.toLowerCase().includes(needle) ||
    agent.metadata.name.includes(needle) ||
    (agent.status?.sipUsername?.includes(needle) ?? false) ||
    (phoneNumber?.includes(needle) ?? false) ||
    String(agent.status?.extension ?? agent.spec.extension ?? '').startsWith(needle)
  );
}

function passes(agent: SipAgent, filter: UserFilter, hasCreds: boolean): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'registered':
      return agent.status?.registered === true;
    case 'unregistered':
      return agent.status?.registered !== true && !agent.spec.suspended;
    case 'suspended':
      return agent.spec.suspended === true;
    case 'unconfigured':
      return !hasCreds;
  }
}

const extensionOf = (a: SipAgent) => a.status?.extension ?? a.spec.extension ?? Infinity;

/** By extension, then name: the order an admin reads a phone list in. */
function compare(a: SipAgent, b: SipAgent): number {
  return (
    extensionOf(a) - extensionOf(b) ||
    (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0)
  );
}

export function listUsers(
  agents: readonly SipAgent[],
  hasCredentials: (agent: SipAgent) => boolean,
  query: UserQuery,
): UserPage {
  const needle = query.search.trim().toLowerCase();
  const hits = agents.filter(
    (a) =>
      !a.metadata.deletionTimestamp &&
      matches(a, needle) &&
      // Only the "unconfigured" filter needs the (slower) credentials lookup.
      passes(a, query.filter, query.filter === 'unconfigured' ? hasCredentials(a) : true),
  );
  hits.sort(compare);
  const start = (query.page - 1) * query.pageSize;
  return {
    users: hits.slice(start, start + query.pageSize).map((a) => toApiUser(a, hasCredentials(a))),
    total: hits.length,
    page: query.page,
    pageSize: query.pageSize,
  };
}

export function userStats(
  agents: readonly SipAgent[],
  hasCredentials: (agent: SipAgent) => boolean,
): Stats {
  let withSipCredentials = 0;
  let registeredNow = 0;
  let suspended = 0;
  let totalAgents = 0;
  for (const a of agents) {
    if (a.metadata.deletionTimestamp) continue;
    totalAgents++;
    if (hasCredentials(a)) withSipCredentials++;
    if (a.status?.registered === true) registeredNow++;
    if (a.spec.suspended) suspended++;
  }
  return { totalAgents, withSipCredentials, registeredNow, suspended };
}
