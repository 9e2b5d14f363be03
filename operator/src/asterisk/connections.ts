// One AMI connection per namespace whose WebRTCConfig names an AMI Secret,
// with its apply loop and registration tracker. Only the leader runs these
// (the WebRTCConfig controller drives them). The AMI secret is read from the
// Secret when the target changes, and again while a connection keeps failing
// (the secret may have been rotated); it never leaves this module.
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { CoreV1Api, V1Secret } from '@kubernetes/client-node';
import { AgentStates } from '../agentstate/agent-states.ts';
import type { AgentStateRecord } from '../agentstate/types.ts';
import { describeError, isNotFound } from '../clients/errors.ts';
import type { WebRTCConfigSpec } from '../crds/types.ts';
import type { Logger } from '../log.ts';
import { countOutcome, reportQueues } from '../monitoring/metrics.ts';
import { QueueTracker } from '../monitoring/queue-tracker.ts';
import { type SupervisionRecord, supervisionRecord } from '../monitoring/supervision.ts';
import { TrunkRegistrations } from '../siptrunk/registrations.ts';
import { AmiClient, type AmiClientOptions } from './ami/client.ts';
import { Applier, type ApplierOptions } from './apply/applier.ts';
import type { ConfigVersion } from './apply/version.ts';
import { isDrainEvent } from './drain.ts';
import { GuestSweep } from './guest-sweep.ts';
import { RegistrationTracker } from './registrations.ts';
import type { AsteriskView } from './view.ts';

export interface ConnectionsOptions {
  readonly core: Pick<CoreV1Api, 'readNamespacedSecret'>;
  readonly view: AsteriskView;
  readonly logger: Logger;
  readonly applier?: ApplierOptions;
  readonly ami?: Pick<AmiClientOptions, 'actionTimeoutMs' | 'minBackoffMs' | 'maxBackoffMs'>;
  /** While disconnected, re-read the AMI Secret at most this often (default 30 s). */
  readonly secretRecheckMs?: number;
  /** Every explicit agent state change (sign-in/out, pause): the durable record. */
  readonly recordAgentState?: (r: AgentStateRecord) => void;
  /** Whether a SipAgent exists (agent states drop what astdb keeps of deleted ones). */
  readonly agentExists?: (namespace: string, agent: string) => boolean;
  /** Every supervisor listen/whisper/barge and refusal (already logged here). */
  readonly recordSupervision?: (namespace: string, r: SupervisionRecord) => void;
  /** How often expired guest permissions are removed from AstDB (default 60 s; also at each connect). */
  readonly guestSweepMs?: number;
}

interface Connection {
  readonly target: string;
  /** sha256 of the AMI user and secret, to notice a rotated Secret. */
  readonly digest: string;
  readonly client: AmiClient;
  readonly applier: Applier;
  readonly states: AgentStates;
  readonly queues: QueueTracker;
  readonly trunks: TrunkRegistrations;
  readonly guests: GuestSweep;
  readonly unreport: () => void;
  readonly readAt: number;
}

function digest(c: { username: string; secret: string }): string {
  return createHash('sha256').update(`${c.username}\n${c.secret}`).digest('hex');
}

function decode(secret: V1Secret, key: string): string | undefined {
  const v = secret.data?.[key];
  return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8').trim();
}

export class AsteriskConnections {
  readonly #o: ConnectionsOptions;
  readonly #connections = new Map<string, Connection>();
  readonly #syncing = new Map<string, Promise<void>>();
  readonly #stateChanges = new EventEmitter();

  constructor(options: ConnectionsOptions) {
    this.#o = options;
  }

  /** The agent states of a namespace this replica steers (the leader's), if connected there. */
  agentStates(namespace: string): AgentStates | undefined {
    return this.#connections.get(namespace)?.states;
  }

  /** The AMI client of a namespace this replica holds (the leader's): guest permissions are written with it. */
  amiClient(namespace: string): AmiClient | undefined {
    return this.#connections.get(namespace)?.client;
  }

  /** The live queues of a namespace this replica reads (the leader's). */
  queueTracker(namespace: string): QueueTracker | undefined {
    return this.#connections.get(namespace)?.queues;
  }

  /** Agents of a namespace whose state may have changed. */
  onAgentStates(cb: (namespace: string, agents: readonly string[]) => void): void {
    this.#stateChanges.on('change', cb);
  }

  /** The outbound registrations (SipTrunks) of a namespace this replica reads (the leader's). */
  trunkRegistrations(namespace: string): TrunkRegistrations | undefined {
    return this.#connections.get(namespace)?.trunks;
  }

  /** Namespaces whose outbound registrations changed (or became unknown). */
  onTrunkRegistrations(cb: (namespace: string) => void): void {
    this.#stateChanges.on('trunks', cb);
  }

  /** The applier of a namespace (tests and benchmarks count its reloads). */
  applier(namespace: string): Applier | undefined {
    return this.#connections.get(namespace)?.applier;
  }

  /**
   * Makes the namespace's connection match its WebRTCConfig, then hands the
   * apply loop the version just written (if any).
   */
  async sync(namespace: string, ami: WebRTCConfigSpec['ami'] | undefined, version?: ConfigVersion) {
    // One sync per namespace at a time (the controller's queue already ensures it; this is cheap insurance).
    const previous = this.#syncing.get(namespace) ?? Promise.resolve();
    const run = previous.then(() => this.#sync(namespace, ami, version));
    this.#syncing.set(
      namespace,
      run.catch(() => {}),
    );
    await run;
  }

  async #sync(
    namespace: string,
    ami: WebRTCConfigSpec['ami'] | undefined,
    version: ConfigVersion | undefined,
  ): Promise<void> {
    const { view } = this.#o;
    if (!ami?.secretName) {
      await this.remove(namespace);
      view.setConnection(namespace, {
        state: 'unconfigured',
        message:
          'spec.ami.secretName of WebRTCConfig "default" is not set: the operator does not connect to Asterisk',
      });
      return;
    }
    const target = `${ami.host}:${ami.port}/${ami.secretName}`;
    let conn = this.#connections.get(namespace);
    const stale =
      conn &&
      conn.client.state !== 'connected' &&
      performance.now() - conn.readAt > (this.#o.secretRecheckMs ?? 30_000);
    if (!conn || conn.target !== target || stale) {
      const credentials = await this.#readSecret(namespace, ami.secretName);
      if (typeof credentials === 'string') {
        await this.remove(namespace);
        view.setConnection(namespace, { state: 'disconnected', message: credentials });
        return;
      }
      if (conn?.target === target && conn.digest === digest(credentials)) {
        // Same Secret, still failing: the client keeps retrying on its own.
        conn = { ...conn, readAt: performance.now() };
        this.#connections.set(namespace, conn);
      } else {
        await this.remove(namespace);
        conn = this.#connect(namespace, target, ami.host, ami.port, credentials);
      }
    }
    if (version) conn.applier.setDesired(version);
  }

  #connect(
    namespace: string,
    target: string,
    host: string,
    port: number,
    credentials: { username: string; secret: string },
  ): Connection {
    const { view, logger } = this.#o;
    const log = logger.child({ namespace, ami: `${host}:${port}` });
    const client = new AmiClient({ host, port, ...credentials, ...this.#o.ami, logger: log });
    const applier = new Applier(namespace, client, view, log, this.#o.applier);
    new RegistrationTracker(namespace, client, view, log);
    const states = new AgentStates({
      namespace,
      client,
      logger: log,
      ...(this.#o.recordAgentState ? { record: this.#o.recordAgentState } : {}),
      ...(this.#o.agentExists
        ? { exists: (agent: string) => this.#o.agentExists?.(namespace, agent) ?? true }
        : {}),
    });
    states.onChange((agents) => this.#stateChanges.emit('change', namespace, agents));
    applier.afterReload((v) => states.setDesired(v.members, v.wrapUpSeconds));
    client.onEvent((e) => {
      if (isDrainEvent(e)) {
        log.info('Asterisk is draining: calls in progress continue, new calls are refused');
        view.setConnection(namespace, {
          state: 'connected',
          message: `Asterisk at ${host}:${port} is stopping gracefully: calls in progress continue, new calls are refused until it is back`,
          draining: true,
        });
        return;
      }
      const r = supervisionRecord(e);
      if (!r) return;
      log.info({ supervision: r }, `supervisor ${r.result === 'started' ? r.mode : 'refused'}`);
      this.#o.recordSupervision?.(namespace, r);
    });
    const trunks = new TrunkRegistrations(client, log, () =>
      this.#stateChanges.emit('trunks', namespace),
    );
    applier.beforeReload((loaded, next) => trunks.unregisterRemoved(loaded, next));
    const queues = new QueueTracker(client, log, (o) => countOutcome(namespace, o));
    const unreport = reportQueues({
      namespace,
      synced: () => queues.synced,
      queues: () => queues.model.queues(),
    });
    const guests = new GuestSweep(client, log, this.#o.guestSweepMs ?? 60_000);
    const where = `AMI at ${host}:${port}`;
    view.setConnection(namespace, { state: 'connecting', message: `connecting to ${where}` });
    client.onState((state, reason) => {
      applier.connectionChanged(state === 'connected');
      if (state === 'connected') void guests.sweep();
      // Each retry passes through "connecting": keep showing why the last attempt failed.
      if (state === 'connecting' && view.connection(namespace).state === 'disconnected') return;
      view.setConnection(namespace, {
        state,
        message:
          state === 'connected'
            ? `logged in to ${where}`
            : `${where}: ${reason ?? (state === 'connecting' ? 'connecting' : 'disconnected')}`,
      });
    });
    client.start();
    applier.start();
    const conn: Connection = {
      target,
      digest: digest(credentials),
      client,
      applier,
      states,
      queues,
      trunks,
      guests,
      unreport,
      readAt: performance.now(),
    };
    this.#connections.set(namespace, conn);
    return conn;
  }

  async #readSecret(
    namespace: string,
    name: string,
  ): Promise<{ username: string; secret: string } | string> {
    let secret: V1Secret;
    try {
      secret = await this.#o.core.readNamespacedSecret({ name, namespace });
    } catch (err) {
      if (isNotFound(err)) return `the AMI Secret "${name}" does not exist`;
      return `reading the AMI Secret "${name}" failed: ${describeError(err)}`;
    }
    const username = decode(secret, 'username');
    const password = decode(secret, 'secret');
    if (!username || !password)
      return `the AMI Secret "${name}" needs the keys "username" and "secret"`;
    return { username, secret: password };
  }

  async remove(namespace: string): Promise<void> {
    const conn = this.#connections.get(namespace);
    if (!conn) return;
    this.#connections.delete(namespace);
    conn.states.close();
    conn.queues.close();
    conn.trunks.close();
    conn.guests.stop();
    conn.unreport();
    await Promise.all([conn.applier.stop(), conn.client.stop()]);
    this.#stateChanges.emit('trunks', namespace);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#connections.keys()].map((ns) => this.remove(ns)));
  }
}
