// The WebRTCConfig controller: one per namespace (key "<ns>/default"). It
// checks the Secrets the config refers to, renders the namespace's Asterisk
// configuration from every SipAgent, writes what changed, and sets status.
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { CoreV1Api, CustomObjectsApi, V1ConfigMap, V1Secret } from '@kubernetes/client-node';
import { desiredMembers, wrapUpSeconds } from '../agentstate/desired.ts';
import { configVersion, versionAgents } from '../asterisk/apply/version.ts';
import type { AsteriskConnections } from '../asterisk/connections.ts';
import { type ApplyResult, applyGeneratedObjects } from '../asterisk/generated-objects.ts';
import { guestNumbers, guestsEnabled } from '../asterisk/render/guests.ts';
import {
  checkAgents,
  queueRoutes,
  renderAsteriskConfig,
  trunkRegistrationIds,
} from '../asterisk/render/index.ts';
import type { AsteriskView } from '../asterisk/view.ts';
import { renderQueues, resolveQueues } from '../callqueue/resolve.ts';
import { describeError, isNotFound } from '../clients/errors.ts';
import type { EventRecorder } from '../clients/events.ts';
import { patchStatus } from '../clients/status.ts';
import type { CallQueue, SipAgent, SipTrunk, WebRTCConfig } from '../crds/types.ts';
import type { Informer } from '../kube/informer.ts';
import type { Logger } from '../log.ts';
import type { AgentIndex } from '../sipagent/agent-index.ts';
import { splitKey } from '../sipagent/controller.ts';
import { type CaResult, readTrunkCa } from '../siptrunk/ca.ts';
import { type CredentialsResult, readTrunkCredentials } from '../siptrunk/credentials.ts';
import { dialOutAgents } from '../siptrunk/outbound.ts';
import { renderTrunks, resolveTrunks } from '../siptrunk/resolve.ts';
import { guestPassword } from './guest-credentials.ts';
import { hoursFacts } from './opening-hours.ts';
import { referenceProblems, secretReferences } from './references.ts';
import { renderAgents } from './render-input.ts';
import { RenderPacing } from './render-pacing.ts';
import { desiredConfigStatus } from './status.ts';

/** Where the chart's Asterisk workload mounts the DTLS certificate Secret. */
export const DTLS_MOUNT_DIR = '/etc/asterisk/dtls';

export interface WebRTCConfigControllerDeps {
  readonly agents: Informer<SipAgent>;
  readonly configs: Informer<WebRTCConfig>;
  readonly queues: Informer<CallQueue>;
  readonly trunks: Informer<SipTrunk>;
  readonly secrets: Informer<V1Secret>;
  readonly configMaps: Informer<V1ConfigMap>;
  readonly core: CoreV1Api;
  readonly custom: CustomObjectsApi;
  readonly events: EventRecorder;
  readonly index: AgentIndex;
  readonly logger: Logger;
  readonly requeueAfter: (key: string, ms: number) => void;
  /** How often broken references are re-checked (they are user Secrets, not watched). */
  readonly referenceRecheckMs: number;
  /** The namespaces' Asterisk connections and apply loops, and what they know. */
  readonly asterisk: AsteriskConnections;
  readonly view: AsteriskView;
  /** Where the Asterisk workload mounts the DTLS certificate Secret (default DTLS_MOUNT_DIR). */
  readonly dtlsDir?: string;
  /** Where Asterisk has the generated objects projected; absent: MOUNT_PATH. */
  readonly generatedDir?: string;
  readonly now?: () => Date;
}

export class WebRTCConfigController {
  readonly #d: WebRTCConfigControllerDeps;
  readonly #pacing = new RenderPacing();

  constructor(deps: WebRTCConfigControllerDeps) {
    this.#d = deps;
  }

  async processItem(key: string): Promise<void> {
    const [namespace, name] = splitKey(key);
    const config = this.#d.configs.get(name, namespace);
    if (!config || config.metadata.deletionTimestamp) {
      // Generated objects go with it (owner references); so does the AMI connection.
      this.#pacing.forget(namespace);
      await this.#d.asterisk.remove(namespace);
      this.#d.view.forget(namespace);
      return;
    }
    const wait = this.#pacing.waitMs(namespace, performance.now());
    if (wait > 0) {
      this.#d.requeueAfter(key, wait);
      return;
    }
    const startedAt = performance.now();
    try {
      await this.#reconcile(key, config);
    } finally {
      this.#pacing.record(namespace, startedAt, performance.now());
    }
  }

  async #reconcile(key: string, config: WebRTCConfig): Promise<void> {
    const [namespace, name] = splitKey(key);

    const referenced = await this.#readReferencedSecrets(config);
    const problems = referenceProblems(config.spec, (n) => referenced.get(n));

    const agents = this.#d.agents.list(namespace);
    const secret = (n: string) => this.#d.secrets.get(n, namespace);
    const callQueues = this.#d.queues.list(namespace);
    const queues = renderQueues(callQueues, resolveQueues(callQueues, agents, config.spec));
    const sipTrunks = this.#d.trunks.list(namespace);
    const { credentials, cas } = await this.#readTrunkSecrets(sipTrunks);
    const resolvedTrunks = resolveTrunks(
      sipTrunks,
      callQueues,
      agents,
      config.spec,
      (t) => credentials.get(t.metadata.name) ?? { state: 'none' },
      (t) => cas.get(t.metadata.name) ?? { state: 'none' },
    );
    const trunks = renderTrunks(sipTrunks, resolvedTrunks);
    const dialOut = dialOutAgents(sipTrunks, resolvedTrunks, agents);
    const renderList = renderAgents(config.spec, agents, secret, (n) =>
      this.#d.index.ownership(namespace, n),
    ).map((a) => (dialOut?.has(a.name) ? { ...a, dialOut: true } : a));
    const dtls = config.spec.dtlsCertificateSecret;
    const dtlsUsable =
      dtls !== undefined && !problems.some((p) => p.startsWith('spec.dtlsCertificateSecret'));
    const objects = renderAsteriskConfig({
      namespace,
      config: config.spec,
      agents: renderList,
      queues,
      trunks,
      ...(dtlsUsable ? { dtlsCertPath: this.#d.dtlsDir ?? DTLS_MOUNT_DIR } : {}),
      ...(this.#d.generatedDir ? { generatedDir: this.#d.generatedDir } : {}),
      ...(config.metadata.uid ? { guestPassword: guestPassword(config.metadata.uid) } : {}),
    });

    let applied: ApplyResult | undefined;
    let failure: string | undefined;
    try {
      applied = await applyGeneratedObjects(this.#d.core, config, objects, {
        configMap: (n) => this.#d.configMaps.get(n, namespace),
        secret,
      });
    } catch (err) {
      failure = `writing the generated configuration failed: ${describeError(err)}`;
    }
    if (applied?.written.length) {
      this.#d.logger.info(
        {
          namespace,
          written: applied.written.length,
          unchanged: applied.unchanged,
          agents: renderList.length,
        },
        'asterisk configuration written',
      );
    }

    const configHash = createHash('sha256')
      .update(objects.map((o) => o.hash).join('\n'))
      .digest('hex')
      .slice(0, 16);

    // Hand Asterisk the version just written (only what was written can be waited for).
    let version: ReturnType<typeof configVersion> | undefined;
    if (!failure) {
      const generation = new Map(agents.map((a) => [a.metadata.name, a.metadata.generation]));
      const { accepted } = checkAgents(renderList, config.spec, queues);
      version = configVersion(
        configHash,
        objects,
        versionAgents(accepted, (name) => generation.get(name)),
        desiredMembers(accepted, queues),
        wrapUpSeconds(queues),
        trunkRegistrationIds(trunks),
      );
    }
    try {
      await this.#d.asterisk.sync(namespace, config.spec.ami, version);
    } catch (err) {
      this.#d.logger.warn({ namespace, err: describeError(err) }, 'AMI connection setup failed');
    }
    const status = desiredConfigStatus(
      config,
      {
        referenceProblems: problems,
        agents: renderList.length,
        configHash,
        generated: failure ? { ok: false, message: failure } : { ok: true },
        asterisk: this.#d.view.connection(namespace),
        ...(guestsEnabled(config.spec)
          ? {
              publicNumbers: {
                ...guestNumbers(config.spec, queueRoutes(config.spec, queues)),
                ...hoursFacts(config.spec.publicAccess),
              },
            }
          : {}),
      },
      this.#d.now?.() ?? new Date(),
    );
    if (!isDeepStrictEqual(status, config.status)) {
      const before = config.status?.conditions?.find((c) => c.type === 'ReferencesResolved');
      const after = status.conditions?.find((c) => c.type === 'ReferencesResolved');
      if (after?.status === 'False' && before?.message !== after.message) {
        this.#d.events.warning(config, 'SecretProblem', 'ResolveReferences', after.message);
      }
      await patchStatus(
        this.#d.custom,
        'webrtcconfigs',
        namespace,
        name,
        config.metadata.resourceVersion,
        status as Record<string, unknown>,
      );
    }
    if (problems.length) this.#d.requeueAfter(key, this.#d.referenceRecheckMs);
    if (failure) throw new Error(failure); // retried with backoff by the queue
  }

  /** Each SipTrunk's carrier credentials and CA bundle (user Secrets, read at every render: trunks are few). */
  async #readTrunkSecrets(trunks: readonly SipTrunk[]): Promise<{
    credentials: Map<string, CredentialsResult>;
    cas: Map<string, CaResult>;
  }> {
    const credentials = new Map<string, CredentialsResult>();
    const cas = new Map<string, CaResult>();
    for (const t of trunks)
      if (!t.metadata.deletionTimestamp) {
        credentials.set(t.metadata.name, await readTrunkCredentials(this.#d.core, t));
        cas.set(t.metadata.name, await readTrunkCa(this.#d.core, t));
      }
    return { credentials, cas };
  }

  async #readReferencedSecrets(config: WebRTCConfig): Promise<Map<string, V1Secret>> {
    const namespace = config.metadata.namespace ?? '';
    const found = new Map<string, V1Secret>();
    for (const name of new Set(secretReferences(config.spec).map((r) => r.name))) {
      try {
        found.set(name, await this.#d.core.readNamespacedSecret({ name, namespace }));
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    return found;
  }
}
