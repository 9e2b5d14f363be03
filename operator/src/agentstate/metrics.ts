// Agent states in Prometheus: how many agents are available, paused (by
// reason), signed out or on a call, per namespace, computed when scraped
// (never on every AMI event), and a counter of every explicit change.
import { counter, gauge } from '../kube/metric.ts';
import type { AgentStateView } from './types.ts';

/** What a namespace's agent states give the scrape: every agent's view. */
export interface PresenceSource {
  readonly namespace: string;
  synced(): boolean;
  views(): Iterable<AgentStateView>;
}

const sources = new Set<PresenceSource>();

/** Counts by presence (paused split by reason) and on-call agents. Pure. */
export function presenceCounts(views: Iterable<AgentStateView>): Map<string, number> {
  const counts = new Map<string, number>([
    ['available|', 0],
    ['signed-out|', 0],
    ['on-call|', 0],
  ]);
  const add = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const v of views) {
    add(`${v.presence}|${v.presence === 'paused' ? (v.reason ?? '') : ''}`);
    if (v.onCall) add('on-call|');
  }
  return counts;
}

gauge({
  name: 'switchboard_agents',
  help: 'Agents by queue state (available, paused by reason, signed-out) and on a call, per namespace; only where this replica reads Asterisk.',
  labelNames: ['namespace', 'state', 'reason'],
  collect() {
    this.reset();
    for (const s of sources) {
      if (!s.synced()) continue;
      for (const [key, n] of presenceCounts(s.views())) {
        const [state = '', reason = ''] = key.split('|');
        this.set({ namespace: s.namespace, state, reason }, n);
      }
    }
  },
});

export const stateChanges = counter({
  name: 'switchboard_agent_state_changes_total',
  help: 'Explicit agent state changes (sign-in, sign-out, pause, unpause) made through the operator.',
  labelNames: ['namespace', 'change'],
});

/** Registers a namespace's states for scrapes; returns the unregister. */
export function reportPresence(source: PresenceSource): () => void {
  sources.add(source);
  return () => sources.delete(source);
}
