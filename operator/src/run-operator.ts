// Wiring only: settings, logger, Kubernetes client, caches, leader election,
// controllers, HTTP server (API, web UI, health, metrics), signals.
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { createApiServer } from './api/server.ts';
import { loadApiSettings } from './api/settings.ts';
import { loadConfig } from './config.ts';
import { HistoryDatabase } from './history/database.ts';
import { loadHistorySettings } from './history/settings.ts';
import { createCaches } from './informers.ts';
import { LeaderElector } from './kube/leader-election.ts';
import { PooledKubeConfig } from './kube/pooled-kube-config.ts';
import { createLogger } from './log.ts';
import { registry } from './metrics.ts';
import { ReplicaMonitor } from './monitoring/replica-monitor.ts';
import { createControllers } from './operator.ts';
import { RecordingCatalog } from './recordings/catalog.ts';
import { RecordingRetention } from './recordings/retention.ts';
import { loadRecordingSettings } from './recordings/settings.ts';
import { ReportRollup } from './reports/rollup.ts';
import { loadRollupIntervalMs } from './reports/rollup-settings.ts';

const logger = createLogger();
const config = (() => {
  try {
    return loadConfig();
  } catch (err) {
    // A bad setting (e.g. WEBRTC_CONFIG_DEFAULTS) stops the start with one clear line.
    logger.fatal({ err: (err as Error).message }, 'invalid operator settings');
    process.exit(1);
  }
})();
// Call history is optional: without HISTORY_DB_HOST it is off; a database that
// is down is reported (logs, metric, 503 on history routes), never fatal.
const history = (() => {
  try {
    const settings = loadHistorySettings();
    return settings && new HistoryDatabase(settings, { logger });
  } catch (err) {
    logger.fatal({ err: (err as Error).message }, 'invalid history database settings');
    process.exit(1);
  }
})();
void history?.start();
// Recordings need both the directory and the call records that name the files.
const recordings = (() => {
  try {
    const settings = loadRecordingSettings();
    if (!settings) return undefined;
    if (!history) {
      logger.warn(
        { dir: settings.dir },
        'RECORDINGS_DIR is set but the history database is not: recordings are off',
      );
      return undefined;
    }
    const catalog = new RecordingCatalog(history, settings.dir);
    return {
      catalog,
      retention: new RecordingRetention(catalog, logger, settings.retentionIntervalMs),
    };
  } catch (err) {
    logger.fatal({ err: (err as Error).message }, 'invalid recording settings');
    process.exit(1);
  }
})();
// The leader keeps the reports' rollup; reports read stale buckets raw meanwhile.
const rollup = (() => {
  try {
    return history && new ReportRollup(history.pool, logger, loadRollupIntervalMs());
  } catch (err) {
    logger.fatal({ err: (err as Error).message }, 'invalid report rollup settings');
    process.exit(1);
  }
})();
const kc = new PooledKubeConfig();
kc.loadFromDefault();

const caches = createCaches(kc, config.watchNamespace, logger);
const controllers = createControllers(kc, caches, config, logger, history);
// Until it leads, a replica reads the live queues itself with the read-only AMI user.
const replica =
  config.amiReadOnlySecret && config.watchNamespace
    ? new ReplicaMonitor({
        namespace: config.watchNamespace,
        secretName: config.amiReadOnlySecret,
        configs: caches.configs,
        core: kc.makeApiClient(CoreV1Api),
        logger,
      })
    : undefined;
/** The leader's API endpoint, once the elector runs (requests may come before). */
const leader = { endpoint: (): string | undefined => undefined };
let synced = false;

// Every replica serves the API and web UI from its caches; only the leader reconciles.
const api = await createApiServer({
  settings: loadApiSettings({
    watchNamespace: config.watchNamespace,
    podNamespace: config.leaseNamespace,
  }),
  caches,
  core: kc.makeApiClient(CoreV1Api),
  custom: kc.makeApiClient(CustomObjectsApi),
  logger,
  registry,
  ready: () => synced,
  agentStates: {
    states: (namespace) => controllers.asterisk.agentStates(namespace),
    onChange: (cb) => controllers.asterisk.onAgentStates(cb),
    leaderEndpoint: () => leader.endpoint(),
  },
  monitor: {
    queues: (namespace) =>
      controllers.asterisk.queueTracker(namespace) ??
      (namespace === config.watchNamespace ? replica?.tracker() : undefined),
    registered: (namespace, endpoint) =>
      controllers.view.registration(namespace, endpoint).registered,
    onRegistrations: (cb) => controllers.view.onAgentsChanged(cb),
  },
  guests: {
    ami: (namespace) => controllers.asterisk.amiClient(namespace),
    leaderEndpoint: () => leader.endpoint(),
  },
  sipCalls: {
    calls: (namespace) => controllers.asterisk.sipCalls(namespace),
    leaderEndpoint: () => leader.endpoint(),
  },
  history,
  recordings: recordings?.catalog,
});
await api.app.listen({ port: config.httpPort, host: config.httpHost });
const address = api.app.server.address();
const port = typeof address === 'object' && address ? address.port : config.httpPort;
logger.info({ port }, 'API, web UI, health and metrics listening');

const elector = new LeaderElector({
  kc,
  namespace: config.leaseNamespace,
  name: config.leaseName,
  identity: config.identity,
  apiEndpoint: config.apiEndpoint(port),
  // A 10 s term: a replica takes over about 10-12 s after the leader died (the issue asks ~15 s).
  leaseDurationMs: 10_000,
  renewDeadlineMs: 7_000,
  retryPeriodMs: 2_000,
  logger,
  onStartedLeading: () => {
    logger.info({ identity: config.identity }, 'became leader: reconciling');
    void replica?.stop();
    controllers.start();
    // The rollup's first run waits for the schema (migration 0006) when the database answers.
    void history?.becomeLeader().then(() => rollup?.start());
    recordings?.retention.start();
  },
  onStoppedLeading: () => {
    // Another replica may already be writing: stop at once and let the
    // Deployment restart us as a follower (client-go does the same).
    logger.error({ identity: config.identity }, 'lost leadership: exiting');
    process.exit(1);
  },
});

await Promise.all(Object.values(caches).map((c) => c.start()));
synced = true;
logger.info({ namespace: config.watchNamespace || '(all)' }, 'caches synced');
replica?.start();
leader.endpoint = () => elector.leaderEndpoint;
elector.start();

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  await replica?.stop();
  await controllers.stop();
  await elector.stop(); // releases the Lease: another replica takes over at once
  await Promise.all(Object.values(caches).map((c) => c.stop()));
  recordings?.retention.stop();
  rollup?.stop();
  await api.close();
  await history?.close();
  await kc.close();
  process.exit(0);
};
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
