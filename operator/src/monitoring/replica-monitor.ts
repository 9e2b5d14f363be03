// A replica that is not the leader keeps its own live queues (waiting
// callers, calls in progress, today's counts) with the read-only AMI user
// (chart: Secret <fullname>-ami-readonly): GET /monitor/queues is then
// answered from here instead of the leader, and stays live while the leader
// is gone and no other replica has taken over yet. Only reads: the user may
// not write (test/integration/ami-readonly.test.ts) and nothing here tries.
// It follows the namespace's WebRTCConfig "default" (spec.ami host and
// port); the Secret is read again when the target changes.
import type { CoreV1Api } from '@kubernetes/client-node';
import { AmiClient } from '../asterisk/ami/client.ts';
import { describeError } from '../clients/errors.ts';
import type { WebRTCConfig } from '../crds/types.ts';
import type { Informer } from '../kube/informer.ts';
import type { Logger } from '../log.ts';
import { QueueTracker } from './queue-tracker.ts';
import { StatsDay } from './stats-day.ts';

export interface ReplicaMonitorOptions {
  readonly namespace: string;
  readonly secretName: string;
  readonly configs: Informer<WebRTCConfig>;
  readonly core: Pick<CoreV1Api, 'readNamespacedSecret'>;
  readonly logger: Logger;
}

interface Session {
  readonly target: string;
  readonly client: AmiClient;
  readonly tracker: QueueTracker;
  readonly statsDay: StatsDay;
}

const decode = (v: string | undefined) =>
  v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8').trim();

export class ReplicaMonitor {
  readonly #o: ReplicaMonitorOptions;
  readonly #log: Logger;
  #session: Session | undefined;
  #running = false;
  #sync: Promise<void> = Promise.resolve();

  constructor(options: ReplicaMonitorOptions) {
    this.#o = options;
    this.#log = options.logger.child({
      component: 'replica-monitor',
      namespace: options.namespace,
    });
    const changed = (c: WebRTCConfig) => {
      if (c.metadata.namespace === options.namespace && this.#running) this.#resync();
    };
    for (const event of ['add', 'update', 'delete'] as const) options.configs.on(event, changed);
  }

  /** The live queues read here, if connected (or connecting). */
  tracker(): QueueTracker | undefined {
    return this.#session?.tracker;
  }

  start(): void {
    this.#running = true;
    this.#resync();
  }

  /** This replica leads now (its own connection serves): the read-only one goes. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#resync();
    await this.#sync;
  }

  #resync(): void {
    this.#sync = this.#sync
      .then(() => this.#apply())
      .catch((err) =>
        this.#log.warn({ err: describeError(err) }, 'read-only AMI connection setup failed'),
      );
  }

  async #apply(): Promise<void> {
    const ami = this.#running
      ? this.#o.configs.get('default', this.#o.namespace)?.spec.ami
      : undefined;
    const target = ami?.host ? `${ami.host}:${ami.port}` : '';
    if (this.#session?.target === target) return;
    await this.#close();
    if (!ami?.host) return;
    const secret = await this.#o.core.readNamespacedSecret({
      name: this.#o.secretName,
      namespace: this.#o.namespace,
    });
    const username = decode(secret.data?.username);
    const password = decode(secret.data?.secret);
    if (!username || !password)
      throw new Error(`the Secret "${this.#o.secretName}" needs the keys "username" and "secret"`);
    const log = this.#log.child({ ami: target, readOnly: true });
    const client = new AmiClient({
      host: ami.host,
      port: ami.port,
      username,
      secret: password,
      logger: log,
    });
    const tracker = new QueueTracker(client, log, () => {});
    const statsDay = new StatsDay(client, tracker, log, { readOnly: true });
    this.#session = { target, client, tracker, statsDay };
    client.start();
    log.info('reading the live queues with the read-only AMI user');
  }

  async #close(): Promise<void> {
    const s = this.#session;
    if (!s) return;
    this.#session = undefined;
    s.tracker.close();
    s.statsDay.stop();
    await s.client.stop();
  }
}
