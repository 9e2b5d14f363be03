// The controllers and the events that feed their queues. Informers run on
// every replica; the queues (and so every write) only on the leader.

import {
  CoreV1Api,
  CustomObjectsApi,
  EventsV1Api,
  type KubeConfig,
  type V1Secret,
} from '@kubernetes/client-node';
import type { AgentStateRecord } from './agentstate/types.ts';
import { AsteriskConnections } from './asterisk/connections.ts';
import type { HistorySource } from './asterisk/history-refresh.ts';
import { AsteriskView } from './asterisk/view.ts';
import { CallQueueController } from './callqueue/controller.ts';
import { CertificateController } from './certificates/controller.ts';
import { createEventRecorder } from './clients/events.ts';
import type { OperatorConfig } from './config.ts';
import type { SipAgent } from './crds/types.ts';
import type { Caches } from './informers.ts';
import { createInformer } from './kube/informer.ts';
import { WorkQueue } from './kube/workqueue.ts';
import { AGENT_LABEL } from './labels.ts';
import type { Logger } from './log.ts';
import {
  supervisedNote,
  supervisedReason,
  supervisionLog,
  supervisionNote,
  supervisionReason,
} from './monitoring/supervision.ts';
import { AgentIndex } from './sipagent/agent-index.ts';
import { SipAgentController } from './sipagent/controller.ts';
import { readCredentials } from './sipagent/resources.ts';
import { checkCarrierCertificate } from './siptrunk/carrier-check.ts';
import { SipTrunkController } from './siptrunk/controller.ts';
import { createChartDefaultsApplier } from './webrtcconfig/chart-defaults-applier.ts';
import { WebRTCConfigController } from './webrtcconfig/controller.ts';

const STATE_EVENT_REASONS: Record<AgentStateRecord['change'], string> = {
  'sign-in': 'SignedIn',
  'sign-out': 'SignedOut',
  pause: 'Paused',
  unpause: 'Unpaused',
  'queue-join': 'JoinedQueue',
  'queue-leave': 'LeftQueue',
};

/** An Event's note for a state change: what, which queues, why, by whom. */
function stateNote(r: AgentStateRecord): string {
  const queues = r.queues.length ? r.queues.join(', ') : 'no queues';
  const reason = r.reason ? ` (reason: ${r.reason})` : '';
  return `${r.change} in ${queues}${reason} by ${r.by}`;
}

const RECOVERABLE_REASONS = new Set(['ExtensionConflict', 'ExtensionRangeFull']);

/** Status writes caused by Asterisk (registrations, reloads) wait this long to batch a storm. */
const ASTERISK_STATUS_BATCH_MS = 200;

export interface Controllers {
  readonly agentQueue: WorkQueue;
  readonly configQueue: WorkQueue;
  readonly callQueueQueue: WorkQueue;
  readonly trunkQueue: WorkQueue;
  readonly certificateQueue: WorkQueue;
  readonly view: AsteriskView;
  readonly asterisk: AsteriskConnections;
  start(): void;
  stop(): Promise<void>;
}

export function createControllers(
  kc: KubeConfig,
  caches: Caches,
  config: OperatorConfig,
  logger: Logger,
  history?: HistorySource,
): Controllers {
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const events = createEventRecorder(kc.makeApiClient(EventsV1Api), config.identity, logger);
  const index = new AgentIndex();
  const view = new AsteriskView();
  const asterisk = new AsteriskConnections({
    core,
    view,
    logger: logger.child({ component: 'asterisk' }),
    ...(history ? { history } : {}),
    recordAgentState: (r) => {
      const agent = caches.agents.get(r.agent, r.namespace);
      if (agent) events.normal(agent, STATE_EVENT_REASONS[r.change], 'ChangeState', stateNote(r));
    },
    agentExists: (namespace, agent) => caches.agents.get(agent, namespace) !== undefined,
    recordSupervision: (namespace, r) => {
      const byUsername = (u: string | undefined) =>
        u === undefined
          ? undefined
          : caches.agents.list(namespace).find((a) => a.status?.sipUsername === u);
      const supervisor = byUsername(r.supervisor);
      const agent = byUsername(r.agent);
      const names = { supervisor: supervisor?.metadata.name, agent: agent?.metadata.name };
      logger
        .child({ component: 'asterisk', namespace })
        .info(
          { supervision: supervisionLog(r, names) },
          `supervisor ${r.result === 'started' ? r.mode : 'refused'}`,
        );
      // who did it: on the supervisor's SipAgent; whom: on the agent's
      if (r.result === 'started' && agent)
        events.normal(
          agent,
          supervisedReason(r.mode),
          'Supervise',
          supervisedNote(r, names.supervisor),
        );
      if (!supervisor) return;
      const note = supervisionNote(r, names.agent);
      if (r.result === 'started')
        events.normal(supervisor, supervisionReason(r), 'Supervise', note);
      else events.warning(supervisor, supervisionReason(r), 'Supervise', note);
    },
    applier: { visibleTimeoutMs: config.asteriskVisibleTimeoutMs, pollMs: config.asteriskPollMs },
    rotation: { warnAfterMs: config.amiRotationWarnMs },
    // The AMI Secret is a user's (or the chart's) Secret, outside the managed-label cache: one watch of it by name.
    watchSecret: (namespace, name, onSecret) => {
      const fieldSelector = `metadata.name=${name}`;
      const informer = createInformer<V1Secret>(kc, {
        name: `ami-secret/${namespace}`,
        path: `/api/v1/namespaces/${namespace}/secrets`,
        fieldSelector,
        list: () => core.listNamespacedSecret({ namespace, fieldSelector }),
        logger,
      });
      informer.on('add', onSecret);
      informer.on('update', onSecret);
      informer.start().catch(() => {}); // stopped before its first LIST: nothing to report
      return () => informer.stop();
    },
    onRotationStuck: (namespace, r) => {
      const config = caches.configs.get('default', namespace);
      if (!config) return;
      events.warning(
        config,
        'AmiCredentialsRefused',
        'RotateCredentials',
        `Asterisk still refuses the new secret of Secret "${r.secretName}" after ${Math.round(r.afterMs / 60_000)} min (${r.attempts} login attempts); the operator keeps its session with the old one. Does manager_user.conf of the same Secret carry the new secret?`,
      );
    },
    onRotated: (namespace, r) => {
      const config = caches.configs.get('default', namespace);
      if (!config) return;
      const handover =
        r.handover === 'ordered'
          ? 'no action or event lost'
          : r.handover === 'reconnect'
            ? 'after a reconnect'
            : 'without an ordered hand-over (no UserEvent permission): events around it may be missed';
      events.normal(
        config,
        'AmiCredentialsRotated',
        'RotateCredentials',
        `logged in to AMI with the new secret of Secret "${r.secretName}" ${(r.ms / 1000).toFixed(1)} s after it changed (${r.attempts} login attempts, ${r.reloads} AMI user reloads); ${handover}`,
      );
    },
    guestSweepMs: config.guestSweepMs,
  });

  const agents = new SipAgentController({
    ...caches,
    core,
    custom,
    events,
    index,
    view,
    logger: logger.child({ controller: 'sipagent' }),
  });
  const agentQueue = new WorkQueue(
    { name: 'sipagent', concurrency: config.concurrency, logger },
    (key) => agents.processItem(key),
  );

  const configQueue: WorkQueue = new WorkQueue(
    { name: 'webrtcconfig', concurrency: Math.max(1, Math.floor(config.concurrency / 2)), logger },
    (key) => configs.processItem(key),
  );
  const configs = new WebRTCConfigController({
    ...caches,
    core,
    custom,
    events,
    index,
    logger: logger.child({ controller: 'webrtcconfig' }),
    requeueAfter: (key, ms) => configQueue.add(key, ms),
    referenceRecheckMs: config.referenceRecheckMs,
    asterisk,
    view,
    dtlsDir: config.asteriskDtlsDir,
    generatedDir: config.asteriskGeneratedDir,
  });

  // One key per namespace, like the configs: its DTLS Secret against what Asterisk serves.
  const certificateQueue: WorkQueue = new WorkQueue(
    { name: 'certificate', concurrency: 2, logger },
    (key) => certificates.processItem(key),
  );
  const certificates = new CertificateController({
    configs: caches.configs,
    core,
    custom,
    events,
    logger: logger.child({ controller: 'certificate' }),
    ami: (namespace) => asterisk.amiClient(namespace),
    requeueAfter: (key, ms) => certificateQueue.add(key, ms),
    httpsPort: config.asteriskHttpsPort,
    checkMs: config.certificateCheckMs,
    warningDays: config.certificateWarningDays,
  });

  // The chart's webrtcConfig.* values become WebRTCConfig "default" in the release namespace.
  const defaults = config.webrtcConfigDefaults;
  const chartDefaults =
    defaults &&
    createChartDefaultsApplier({
      custom,
      events,
      logger: logger.child({ component: 'chart-values' }),
      namespace: config.podNamespace,
      defaults,
      current: () => caches.configs.get('default', config.podNamespace),
    });

  const callQueues = new CallQueueController({ ...caches, custom, events });
  const callQueueQueue = new WorkQueue(
    { name: 'callqueue', concurrency: Math.max(1, Math.floor(config.concurrency / 2)), logger },
    (key) => callQueues.processItem(key),
  );

  const keyOf = (o: { metadata?: { name?: string; namespace?: string } }) =>
    `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
  const renderNamespace = (namespace: string | undefined) =>
    configQueue.add(`${namespace ?? ''}/default`, config.coalesceMs);

  const trunkQueue: WorkQueue = new WorkQueue(
    { name: 'siptrunk', concurrency: Math.max(1, Math.floor(config.concurrency / 2)), logger },
    (key) => trunks.processItem(key),
  );
  const trunks = new SipTrunkController({
    ...caches,
    core,
    custom,
    events,
    asterisk,
    credentialsChanged: renderNamespace,
    requeueAfter: (key, ms) => trunkQueue.add(key, ms),
    referenceRecheckMs: config.referenceRecheckMs,
    checkCarrier: checkCarrierCertificate,
  });
  /** Every SipTrunk of the namespace: numbers, conflicts and route targets depend on the rest. */
  const recheckTrunks = (namespace: string | undefined, delayMs = config.coalesceMs) => {
    for (const t of caches.trunks.list(namespace)) trunkQueue.add(keyOf(t), delayMs);
  };
  asterisk.onTrunkRegistrations((namespace) => recheckTrunks(namespace, ASTERISK_STATUS_BATCH_MS));
  /** Every CallQueue of the namespace: member counts, numbers and conflicts depend on each other. */
  const recheckQueues = (namespace: string | undefined) => {
    for (const q of caches.queues.list(namespace)) callQueueQueue.add(keyOf(q), config.coalesceMs);
  };
  /** Agents that may recover when another agent changes or goes. */
  const recheckBlocked = (namespace: string | undefined) => {
    for (const a of caches.agents.list(namespace)) {
      const ready = a.status?.conditions?.find((c) => c.type === 'Ready');
      if (ready && RECOVERABLE_REASONS.has(ready.reason)) agentQueue.add(keyOf(a));
    }
  };

  // Asterisk facts changed: the agents named (a storm of registrations becomes
  // one status write per agent, batched by the queue) or the namespace's connection.
  view.onAgentsChanged((namespace, names) => {
    if (names === 'all') {
      for (const a of caches.agents.list(namespace))
        agentQueue.add(keyOf(a), ASTERISK_STATUS_BATCH_MS);
    } else {
      for (const n of names) agentQueue.add(`${namespace}/${n}`, ASTERISK_STATUS_BATCH_MS);
    }
  });
  view.onNamespaceChanged((namespace) => {
    configQueue.add(`${namespace}/default`);
    // AMI (re)connected: Asterisk may have restarted with other files, and can reload now.
    certificateQueue.add(`${namespace}/default`);
  });

  // Labels are not part of the generation, but CallQueue selectors read them.
  let previousGeneration = new Map<string, string>();
  const fingerprint = (a: SipAgent) =>
    `${a.metadata.generation}|${JSON.stringify(a.metadata.labels ?? {})}`;
  const onAgent = (kind: 'add' | 'update' | 'delete') => (a: SipAgent) => {
    if (kind === 'delete') {
      index.removeAgent(a.metadata.namespace ?? '', a.metadata.name);
      void asterisk.agentStates(a.metadata.namespace ?? '')?.forget(a.metadata.name);
    } else index.upsertAgent(a);
    const key = keyOf(a);
    agentQueue.add(key);
    // Status writes come back as updates; only spec/deletion changes alter the rendered config.
    const generation = fingerprint(a);
    if (
      kind !== 'update' ||
      previousGeneration.get(key) !== generation ||
      a.metadata.deletionTimestamp
    ) {
      renderNamespace(a.metadata.namespace);
      recheckQueues(a.metadata.namespace);
      recheckTrunks(a.metadata.namespace);
      if (kind !== 'add') recheckBlocked(a.metadata.namespace);
    }
    if (kind === 'delete') previousGeneration.delete(key);
    else previousGeneration.set(key, generation);
  };
  caches.agents.on('add', onAgent('add'));
  caches.agents.on('update', onAgent('update'));
  caches.agents.on('delete', onAgent('delete'));

  // Every render writes the config's status (hash, agent count): only a new spec,
  // a new or a deleted config concerns the agents (10,000 of them at scale).
  const configGenerations = new Map<string, number | undefined>();
  const queueGenerations = new Map<string, number | undefined>();
  const trunkGenerations = new Map<string, number | undefined>();
  for (const kind of ['add', 'update', 'delete'] as const) {
    caches.configs.on(kind, (c) => {
      const key = keyOf(c);
      configQueue.add(key);
      const generation = c.metadata.generation;
      const agentsConcerned = kind !== 'update' || configGenerations.get(key) !== generation;
      if (kind === 'delete') configGenerations.delete(key);
      else configGenerations.set(key, generation);
      if (agentsConcerned) {
        certificateQueue.add(key);
        for (const a of caches.agents.list(c.metadata.namespace)) agentQueue.add(keyOf(a));
        recheckQueues(c.metadata.namespace);
        recheckTrunks(c.metadata.namespace);
      }
    });
    // A CallQueue's spec changes the rendered namespace and its neighbours'
    // status (a freed number ends another queue's conflict); its own status
    // writes come back as updates with the same generation and change neither.
    caches.queues.on(kind, (q) => {
      const key = keyOf(q);
      const generation = q.metadata.generation;
      const changed = kind !== 'update' || queueGenerations.get(key) !== generation;
      if (kind === 'delete') queueGenerations.delete(key);
      else queueGenerations.set(key, generation);
      if (changed || q.metadata.deletionTimestamp) {
        renderNamespace(q.metadata.namespace);
        recheckQueues(q.metadata.namespace);
        recheckTrunks(q.metadata.namespace);
      }
      if (kind !== 'delete') callQueueQueue.add(key);
    });
    // A SipTrunk's spec changes the rendered namespace and its neighbours'
    // status (a freed number ends another trunk's conflict); its status
    // writes come back as updates with the same generation.
    caches.trunks.on(kind, (t) => {
      const key = keyOf(t);
      const generation = t.metadata.generation;
      const changed = kind !== 'update' || trunkGenerations.get(key) !== generation;
      if (kind === 'delete') trunkGenerations.delete(key);
      else trunkGenerations.set(key, generation);
      if (changed || t.metadata.deletionTimestamp) {
        renderNamespace(t.metadata.namespace);
        recheckTrunks(t.metadata.namespace);
      }
      if (kind !== 'delete') trunkQueue.add(key);
    });
    caches.secrets.on(kind, (s) => {
      const agent = s.metadata?.labels?.[AGENT_LABEL];
      if (agent) {
        const stored = kind === 'delete' ? undefined : readCredentials(s);
        index.setStored(
          s.metadata?.namespace ?? '',
          agent,
          stored && {
            username: stored.username,
            extension: stored.extension,
            generatedFor: stored.generatedFor,
          },
        );
        agentQueue.add(`${s.metadata?.namespace ?? ''}/${agent}`);
      }
      renderNamespace(s.metadata?.namespace);
    });
    caches.configMaps.on(kind, (cm) => renderNamespace(cm.metadata?.namespace));
  }

  return {
    agentQueue,
    configQueue,
    callQueueQueue,
    trunkQueue,
    certificateQueue,
    view,
    asterisk,
    start() {
      chartDefaults?.start();
      agentQueue.start();
      configQueue.start();
      callQueueQueue.start();
      trunkQueue.start();
      certificateQueue.start();
      // A new leader reconciles everything once: nothing is assumed from before.
      for (const a of caches.agents.list()) agentQueue.add(keyOf(a));
      for (const c of caches.configs.list()) configQueue.add(keyOf(c));
      for (const q of caches.queues.list()) callQueueQueue.add(keyOf(q));
      for (const t of caches.trunks.list()) trunkQueue.add(keyOf(t));
      for (const c of caches.configs.list()) certificateQueue.add(keyOf(c));
    },
    async stop() {
      await chartDefaults?.stop();
      await Promise.all([
        agentQueue.stop(),
        configQueue.stop(),
        callQueueQueue.stop(),
        trunkQueue.stop(),
        certificateQueue.stop(),
      ]);
      await asterisk.stop();
      previousGeneration = new Map();
    },
  };
}
