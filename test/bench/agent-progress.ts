// Follows a namespace's SipAgents through one watch (the operator's own
// informer, which survives watch errors) and records when the count of agents
// with a condition True reaches a target. The bench used to LIST every agent
// once a second instead: at 10,000 agents each LIST is tens of MB of JSON that
// the API server, and the bench, spend CPU on while the operator needs it.
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import type { SipAgent } from '../../operator/src/crds/types.ts';
import { createInformer, type Informer } from '../../operator/src/kube/informer.ts';
import { condition } from '../support/resources.ts';

export class AgentProgress {
  readonly #true = new Map<string, Set<string>>();
  readonly #waiters: { type: string; n: number; resolve: (at: number) => void }[] = [];
  /** Per agent, the Provisioned states it went through (status/reason), in order. */
  readonly #provisioned = new Map<string, string[]>();
  #informer: Informer<SipAgent> | undefined;

  constructor(types: readonly string[]) {
    for (const t of types) this.#true.set(t, new Set());
  }

  async start(kc: KubeConfig, namespace: string): Promise<void> {
    const custom = kc.makeApiClient(CustomObjectsApi);
    const informer = createInformer<SipAgent>(kc, {
      name: `bench-${namespace}`,
      path: `/apis/switchboard.dev/v1alpha1/namespaces/${namespace}/sipagents`,
      list: () =>
        custom.listNamespacedCustomObject({
          group: 'switchboard.dev',
          version: 'v1alpha1',
          namespace,
          plural: 'sipagents',
        }) as Promise<{ items: SipAgent[] }>,
    });
    informer.on('add', (a) => this.#see(a, true));
    informer.on('update', (a) => this.#see(a, true));
    informer.on('delete', (a) => this.#see(a, false));
    this.#informer = informer;
    await informer.start();
  }

  async stop(): Promise<void> {
    await this.#informer?.stop();
  }

  /** Resolves with Date.now() once `n` agents have `type` True. */
  reached(type: string, n: number): Promise<number> {
    if ((this.#true.get(type)?.size ?? 0) >= n) return Promise.resolve(Date.now());
    return new Promise((resolve) => this.#waiters.push({ type, n, resolve }));
  }

  /** How many agents show Provisioned `state` ("status/reason", e.g. "False/AsteriskNotConnected") now. */
  showing(state: string): number {
    let n = 0;
    for (const states of this.#provisioned.values()) if (states.at(-1) === state) n++;
    return n;
  }

  /** How many agents went through each sequence of Provisioned states, most common first. */
  provisionedPaths(): [string, number][] {
    const paths = new Map<string, number>();
    for (const states of this.#provisioned.values()) {
      const path = states.join(' > ');
      paths.set(path, (paths.get(path) ?? 0) + 1);
    }
    return [...paths].sort((a, b) => b[1] - a[1]);
  }

  #see(agent: SipAgent, exists: boolean): void {
    const name = agent.metadata.name;
    const p = condition(agent, 'Provisioned');
    if (exists && p) {
      const states = this.#provisioned.get(name) ?? [];
      const state = `${p.status}/${p.reason}`;
      if (states.at(-1) !== state) states.push(state);
      this.#provisioned.set(name, states);
    }
    for (const [type, names] of this.#true) {
      if (exists && condition(agent, type)?.status === 'True') names.add(name);
      else names.delete(name);
    }
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      const w = this.#waiters[i];
      if (w && (this.#true.get(w.type)?.size ?? 0) >= w.n) {
        this.#waiters.splice(i, 1);
        w.resolve(Date.now());
      }
    }
  }
}
