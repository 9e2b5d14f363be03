// `main.mjs spool-shipper`: the queue log spool's shipper as its own process,
// the native sidecar in the Asterisk Pod (charts/switchboard/templates/
// asterisk-deployment.yaml). It makes the spool file and table Asterisk's
// realtime fails over into (before Asterisk starts: the chart's startupProbe
// on /healthz holds Asterisk until then), moves spooled rows into PostgreSQL
// (spool.ts) and serves /healthz (200 once the spool table exists; PostgreSQL
// being down is what the spool is for, so it never fails the probe) and
// /metrics. On SIGTERM (the kubelet sends it to a sidecar after Asterisk has
// exited) it ships what is left once more and exits: the spool's emptyDir
// goes with the Pod.

import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import pg from 'pg';
import { collectDefaultMetrics, Gauge, Registry, register } from 'prom-client';
import { createLogger, type Logger } from '../log.ts';
import { describeDatabaseError, poolConfig } from './pool-config.ts';
import { createSpool, SpoolShipper, spoolBacklog, spoolReady } from './spool.ts';
import { loadSpoolShipperSettings, type SpoolShipperSettings } from './spool-settings.ts';

export interface RunningSpoolShipper {
  readonly server: Server;
  readonly shipper: SpoolShipper;
  /** Stops looking, ships what is left once more, closes the pool and the server. */
  stop(): Promise<void>;
}

/** The shipper's own metrics; the rows-shipped counter is in prom-client's default registry (spool.ts). */
function metricsRegistry(s: SpoolShipperSettings, shipper: SpoolShipper): Registry {
  const own = new Registry();
  collectDefaultMetrics({ register: own, prefix: 'switchboard_spool_shipper_' });
  new Gauge({
    name: 'switchboard_history_spool_rows',
    help: 'Queue log rows waiting in the local spool',
    registers: [own],
    collect() {
      this.set(spoolReady(s.spoolFile) ? spoolBacklog(s.spoolFile) : 0);
    },
  });
  new Gauge({
    name: 'switchboard_history_spool_database_up',
    help: '1 when the last look at the spool reached PostgreSQL, else 0',
    registers: [own],
    collect() {
      this.set(shipper.failing ? 0 : 1);
    },
  });
  return Registry.merge([register, own]);
}

export async function startSpoolShipperProcess(
  s: SpoolShipperSettings,
  logger: Logger,
): Promise<RunningSpoolShipper> {
  createSpool(s.spoolFile);
  const pool = new pg.Pool({
    ...poolConfig(s.database),
    // Read at each connect: a rotated Secret's new password is taken without a restart.
    password: () => readFileSync(s.passwordFile, 'utf8').replace(/\r?\n$/, ''),
    max: 1,
    application_name: 'switchboard-spool-shipper',
  });
  // PostgreSQL gone under an idle client: the next look says so.
  pool.on('error', (err) =>
    logger.debug({ reason: describeDatabaseError(err, s.database) }, 'idle connection lost'),
  );
  const shipper = new SpoolShipper({
    path: s.spoolFile,
    pool,
    logger,
    intervalMs: s.intervalMs,
  });
  const registry = metricsRegistry(s, shipper);
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET' }).end();
    } else if (path === '/healthz') {
      const ready = spoolReady(s.spoolFile);
      res
        .writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' })
        .end(ready ? 'ok\n' : 'spool table missing\n');
    } else if (path === '/metrics') {
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (err: Error) =>
          res.writeHead(500, { 'content-type': 'text/plain' }).end(`${err.message}\n`),
      );
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(s.healthPort, s.healthHost, () => resolve());
  });
  shipper.start();
  logger.info(
    {
      spoolFile: s.spoolFile,
      database: `${s.database.host}:${s.database.port}/${s.database.database}`,
      user: s.database.user,
      sslMode: s.database.sslMode,
      healthPort: s.healthPort,
    },
    'queue log spool shipper started',
  );
  return {
    server,
    shipper,
    async stop() {
      await shipper.stop();
      await shipper.flush();
      await pool.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The process: settings from the environment, stop on SIGTERM/SIGINT, exit 0 when stopped. */
export async function runSpoolShipper(): Promise<void> {
  const logger = createLogger().child({ component: 'spool-shipper' });
  let running: RunningSpoolShipper;
  try {
    running = await startSpoolShipperProcess(loadSpoolShipperSettings(), logger);
  } catch (err) {
    // Settings, the spool folder or the port: the kubelet restarts the container.
    logger.fatal({ err: (err as Error).message }, 'queue log spool shipper cannot start');
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: shipping what is left');
    running.stop().then(
      () => {
        logger.info({ shipped: running.shipper.shipped }, 'queue log spool shipper stopped');
        process.exit(0);
      },
      (err: Error) => {
        logger.error({ err: err.message }, 'queue log spool shipper stopped with an error');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
