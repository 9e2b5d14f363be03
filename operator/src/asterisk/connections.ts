// One AMI connection per namespace whose WebRTCConfig names an AMI Secret,
// with its apply loop and registration tracker. Only the leader runs these
// (the WebRTCConfig controller drives them). The AMI secret is read from the
// Secret when the target changes, again while a connection keeps failing, and
// whenever the watched Secret changes: a new secret is rotated to without an
// outage (the old session serves until the new one is logged in). It never
// leaves this module.
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { CoreV1Api, V1Secret } from '@kubernetes/client-node';
import { AgentStates } from '../agentstate/agent-states.ts';
import type { AgentStateRecord } from '../agentstate/types.ts';
import { describeError, isNotFound } from '../clients/errors.ts';
import type { WebRTCConfigSpec } from '../crds/types.ts';
import { counter, histogram } from '../kube/metric.ts';
import type { Logger } from '../log.ts';
import { countOutcome, reportQueues } from '../monitoring/metrics.ts';
import { QueueTracker } from '../monitoring/queue-tracker.ts';
import { SipCalls } from '../monitoring/sip-calls.ts';
import { StatsDay } from '../monitoring/stats-day.ts';
import { type SupervisionRecord, supervisionRecord } from '../monitoring/supervision.ts';
import { TrunkRegistrations } from '../siptrunk/registrations.ts';
import { AmiClient, type AmiClientOptions, type AmiCredentials } from './ami/client.ts';
import { type RotationOutcome, rotateUntilAccepted } from './ami/rotate.ts';
import { type RotationStepOptions, WARN_AFTER_MS } from './ami/rotation.ts';
import { Applier, type ApplierOptions } from './apply/applier.ts';
import type { ConfigVersion } from './apply/version.ts';
import { isDrainEvent } from './drain.ts';
import { GuestSweep } from './guest-sweep.ts';
import { HistoryRefresh, type HistorySource } from './history-refresh.ts';
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
  /**
   * Watches the AMI Secret of a namespace: `onSecret` with every version seen
   * (the first included). Returns the stop. Without it, a new secret is
   * noticed only while the connection fails.
   */
  readonly watchSecret?: (
    namespace: string,
    name: string,
    onSecret: (secret: V1Secret) => void,
  ) => () => Promise<void>;
  /** The operator now logs in with the new AMI secret (Event, no secret in it). */
  readonly onRotated?: (namespace: string, r: RotationRecord) => void;
  /** Asterisk still refuses the new secret after a while (a Warning Event; the old session serves on). */
  readonly onRotationStuck?: (
    namespace: string,
    r: { secretName: string; attempts: number; afterMs: number },
  ) => void;
  readonly rotation?: RotationStepOptions;
  /** How often expired guest permissions are removed from AstDB (default 60 s; also at each connect). */
  readonly guestSweepMs?: number;
  /** The history database: Asterisk's history modules are refreshed when it turns ready (history-refresh.ts). */
  readonly history?: HistorySource;
  /** The first wait before a refused history module refresh is tried again (default 5 s, doubling to 60 s). */
  readonly historyRefreshRetryMs?: number;
}

export interface RotationRecord extends RotationOutcome {
  readonly secretName: string;
}

const rotations = counter({
  name: 'switchboard_ami_credential_rotations_total',
  help: 'AMI secret changes the operator moved to (handover: ordered, unordered, reconnect).',
  labelNames: ['namespace', 'handover'],
});
const rotationSeconds = histogram({
  name: 'switchboard_ami_credential_rotation_seconds',
  help: 'From noticing a new AMI secret to serving from a session logged in with it.',
  buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
});

interface Connection {
  readonly target: string;
  readonly secretName: string;
  /** A rotation under way, to the credentials of this digest (sha256 of user and secret). */
  rotation?: { readonly digest: string; readonly abort: AbortController };
  readonly unwatch: (() => Promise<void>) | undefined;
  readonly log: Logger;
  readonly client: AmiClient;
  readonly applier: Applier;
  readonly states: AgentStates;
  readonly queues: QueueTracker;
  /** The linkedids of calls agents placed, by SIP Call-ID (monitoring/sip-calls.ts). */
  readonly sipCalls: SipCalls;
  readonly statsDay: StatsDay;
  readonly trunks: TrunkRegistrations;
  readonly guests: GuestSweep;
  readonly historyRefresh: HistoryRefresh | undefined;
  readonly unreport: () => void;
  readAt: number;
}

function digest(c: AmiCredentials): string {
  return createHash('sha256').update(`${c.username}\n${c.secret}`).digest('hex');
}

function decode(secret: V1Secret, key: string): string | undefined {
  const v = secret.data?.[key];
  return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8').trim();
}

/** The AMI user of a Secret, or what is wrong with it (names only, never values). */
function credentialsOf(secret: V1Secret, name: string): AmiCredentials | string {
  const username = decode(secret, 'username');
  const password = decode(secret, 'secret');
  if (!username || !password)
    return `the AMI Secret "${name}" needs the keys "username" and "secret"`;
  return { username, secret: password };
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

  /** The calls agents placed, by SIP Call-ID, in a namespace this replica holds (the leader's). */
  sipCalls(namespace: string): SipCalls | undefined {
    return this.#connections.get(namespace)?.sipCalls;
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
      if (conn?.target === target) {
        // Same Secret: the client keeps retrying on its own (with the new secret if it changed).
        conn.readAt = performance.now();
        this.#credentialsSeen(namespace, conn, credentials);
      } else {
        await this.remove(namespace);
        conn = this.#connect(
          namespace,
          target,
          { ...ami, secretName: ami.secretName },
          credentials,
        );
      }
    }
    if (version) conn.applier.setDesired(version);
  }

  #connect(
    namespace: string,
    target: string,
    ami: { host: string; port: number; secretName: string },
    credentials: AmiCredentials,
  ): Connection {
    const { view, logger } = this.#o;
    const { host, port } = ami;
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
    const sipCalls = new SipCalls();
    client.onEvent((e) => {
      sipCalls.onEvent(e);
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
      // logged and recorded by the owner, who knows the SipAgents (operator.ts)
      if (r) this.#o.recordSupervision?.(namespace, r);
    });
    const trunks = new TrunkRegistrations(client, log, () =>
      this.#stateChanges.emit('trunks', namespace),
    );
    applier.beforeReload((loaded, next) => trunks.unregisterRemoved(loaded, next));
    const queues = new QueueTracker(client, log, (o) => countOutcome(namespace, o));
    // Only the leader (this connection's user may write) resets app_queue's counters daily.
    const statsDay = new StatsDay(client, queues, log);
    const unreport = reportQueues({
      namespace,
      synced: () => queues.synced,
      queues: () => queues.model.queues(),
    });
    const guests = new GuestSweep(client, log, this.#o.guestSweepMs ?? 60_000);
    const historyRefresh =
      this.#o.history &&
      new HistoryRefresh(namespace, client, this.#o.history, log, this.#o.historyRefreshRetryMs);
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
    const unwatch = this.#o.watchSecret?.(namespace, ami.secretName, (secret) => {
      const current = this.#connections.get(namespace);
      if (current?.target !== target) return;
      const seen = credentialsOf(secret, ami.secretName);
      // A Secret broken by hand: keep the working session; the WebRTCConfig reports it.
      if (typeof seen !== 'string') this.#credentialsSeen(namespace, current, seen);
    });
    const conn: Connection = {
      target,
      secretName: ami.secretName,
      log,
      unwatch,
      client,
      applier,
      states,
      queues,
      sipCalls,
      statsDay,
      trunks,
      guests,
      historyRefresh,
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
    return credentialsOf(secret, name);
  }

  /** The Secret holds `credentials`: rotate to them if they are new. */
  #credentialsSeen(namespace: string, conn: Connection, credentials: AmiCredentials): void {
    const d = digest(credentials);
    if (conn.rotation?.digest === d) return; // on its way
    conn.rotation?.abort.abort();
    conn.rotation = undefined;
    // Unchanged, or changed back (the client is the truth: an aborted rotation may have ended).
    if (conn.client.usesCredentials(credentials)) return;
    if (conn.client.state !== 'connected') {
      // No session to keep: the next reconnect logs in with the new secret.
      conn.client.setCredentials(credentials);
      conn.log.info({ secretName: conn.secretName }, 'new AMI secret: the next login uses it');
      return;
    }
    const abort = new AbortController();
    conn.rotation = { digest: d, abort };
    const { secretName } = conn;
    conn.log.info({ secretName }, 'new AMI secret: rotating');
    rotateUntilAccepted(conn.client, credentials, {
      signal: abort.signal,
      logger: conn.log.child({ secretName }),
      ...this.#o.rotation,
      onStuck: (attempts) =>
        this.#o.onRotationStuck?.(namespace, {
          secretName,
          attempts,
          afterMs: this.#o.rotation?.warnAfterMs ?? WARN_AFTER_MS,
        }),
    }).then(
      (outcome) => {
        if (conn.rotation?.abort !== abort) return;
        conn.rotation = undefined;
        if (!outcome) return;
        const record = { secretName, ...outcome };
        rotations.inc({ namespace, handover: record.handover });
        rotationSeconds.observe(record.ms / 1000);
        conn.log.info({ ...record }, 'AMI credentials rotated');
        this.#o.onRotated?.(namespace, record);
      },
      (err) => conn.log.error({ err: describeError(err) }, 'AMI credential rotation failed'),
    );
  }

  async remove(namespace: string): Promise<void> {
    const conn = this.#connections.get(namespace);
    if (!conn) return;
    this.#connections.delete(namespace);
    conn.rotation?.abort.abort();
    await conn.unwatch?.();
    conn.states.close();
    conn.queues.close();
    conn.statsDay.stop();
    conn.trunks.close();
    conn.guests.stop();
    conn.historyRefresh?.stop();
    conn.unreport();
    await Promise.all([conn.applier.stop(), conn.client.stop()]);
    this.#stateChanges.emit('trunks', namespace);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#connections.keys()].map((ns) => this.remove(ns)));
  }
}
