// The CallQueue controller: writes each CallQueue's status (numbers in force,
// member count, Ready with NumberConflict/NumberInExtensionRange/NoMembers).
// Rendering the queues into Asterisk is the WebRTCConfig controller's job
// (it renders the whole namespace); both read the same resolution.
import { isDeepStrictEqual } from 'node:util';
import type { CustomObjectsApi } from '@kubernetes/client-node';
import type { EventRecorder } from '../clients/events.ts';
import { patchStatus } from '../clients/status.ts';
import type { CallQueue, SipAgent, WebRTCConfig } from '../crds/types.ts';
import type { Informer } from '../kube/informer.ts';
import { splitKey } from '../sipagent/controller.ts';
import { resolveQueues } from './resolve.ts';
import { desiredQueueStatus } from './status.ts';

export interface CallQueueControllerDeps {
  readonly queues: Informer<CallQueue>;
  readonly agents: Informer<SipAgent>;
  readonly configs: Informer<WebRTCConfig>;
  readonly custom: CustomObjectsApi;
  readonly events: EventRecorder;
  readonly now?: () => Date;
}

export class CallQueueController {
  readonly #d: CallQueueControllerDeps;

  constructor(deps: CallQueueControllerDeps) {
    this.#d = deps;
  }

  async processItem(key: string): Promise<void> {
    const [namespace, name] = splitKey(key);
    const queue = this.#d.queues.get(name, namespace);
    if (!queue || queue.metadata.deletionTimestamp) return;
    const config = this.#d.configs.get('default', namespace);
    const resolved = resolveQueues(
      this.#d.queues.list(namespace),
      this.#d.agents.list(namespace),
      config?.spec,
    ).get(name);
    if (!resolved) return;
    const status = desiredQueueStatus(
      queue,
      resolved,
      config !== undefined,
      this.#d.now?.() ?? new Date(),
    );
    if (isDeepStrictEqual(status, queue.status)) return;
    const ready = (s: typeof status | undefined) => s?.conditions?.find((c) => c.type === 'Ready');
    const before = ready(queue.status);
    const after = ready(status);
    await patchStatus(
      this.#d.custom,
      'callqueues',
      namespace,
      name,
      queue.metadata.resourceVersion,
      status as Record<string, unknown>,
    );
    // A refused number is someone's mistake to fix: say it once, as extensions do.
    if (
      after?.status === 'False' &&
      (after.reason === 'NumberConflict' || after.reason === 'NumberInExtensionRange') &&
      (before?.reason !== after.reason || before?.message !== after.message)
    )
      this.#d.events.warning(queue, after.reason, 'ClaimNumber', after.message);
  }
}
