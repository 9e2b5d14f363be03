// The SipAgent controller: one entry point, processItem(key), that reads from
// the caches, makes the credentials Secret exist (once; rotated only when the
// regenerate annotation changes), allocates the extension, and writes status.
import { isDeepStrictEqual } from 'node:util';
import type { CoreV1Api, CustomObjectsApi, V1Secret } from '@kubernetes/client-node';
import { isNotFound } from '../clients/errors.ts';
import type { EventRecorder } from '../clients/events.ts';
import { patchStatus } from '../clients/status.ts';
import { rfc3339 } from '../clients/time.ts';
import type { SipAgent, WebRTCConfig } from '../crds/types.ts';
import { REGENERATE_ANNOTATION } from '../labels.ts';
import type { Logger } from '../log.ts';
import type { Informer } from '../runtime/informer.ts';
import { generateCredentials, type SipCredentials } from './credentials.ts';
import { allocateExtension, type ExtensionRange } from './extensions.ts';
import type { NamespaceLock } from './namespace-lock.ts';
import {
  extensionOwnership,
  type NamespaceSources,
  takenExtensions,
  takenUsernames,
} from './ownership.ts';
import type { Reservations } from './reservations.ts';
import {
  credentialsSecret,
  credentialsSecretName,
  readCredentials,
  type StoredCredentials,
} from './resources.ts';
import { desiredStatus } from './status.ts';

export const DEFAULT_RANGE: ExtensionRange = { start: 1000, end: 8999 };

export interface SipAgentControllerDeps {
  readonly agents: Informer<SipAgent>;
  readonly secrets: Informer<V1Secret>;
  readonly configs: Informer<WebRTCConfig>;
  readonly core: CoreV1Api;
  readonly custom: CustomObjectsApi;
  readonly events: EventRecorder;
  readonly reservations: Reservations;
  readonly lock: NamespaceLock;
  readonly logger: Logger;
  readonly now?: () => Date;
}

export class SipAgentController {
  readonly #d: SipAgentControllerDeps;
  readonly #now: () => Date;

  constructor(deps: SipAgentControllerDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  async processItem(key: string): Promise<void> {
    const [namespace, name] = splitKey(key);
    const agent = this.#d.agents.get(name, namespace);
    if (!agent || agent.metadata.deletionTimestamp) {
      // Its Secret is garbage-collected through the owner reference.
      this.#d.reservations.forget(namespace, name);
      return;
    }
    const config = this.#d.configs.get('default', namespace);
    const range = config?.spec.extensions ?? DEFAULT_RANGE;

    const { stored, rangeFull } = await this.#d.lock.run(namespace, () =>
      this.#ensureCredentials(agent, range),
    );

    const sources = this.#sources(namespace);
    const owner = extensionOwnership(sources).get(name);
    const facts = {
      hasConfig: config !== undefined,
      secretName: credentialsSecretName(name),
      username: stored?.username,
      generatedAt: stored?.generatedAt,
      extension: owner?.extension ?? stored?.extension,
      conflictWith: owner?.conflictWith,
      rangeFull: rangeFull ? range : undefined,
    };
    const status = desiredStatus(agent, facts, this.#now());
    this.#recordTransitions(agent, status);
    if (isDeepStrictEqual(status, agent.status)) return;
    await patchStatus(
      this.#d.custom,
      'sipagents',
      namespace,
      name,
      agent.metadata.resourceVersion,
      status as Record<string, unknown>,
    );
  }

  /** Creates, completes or rotates the credentials Secret. Runs under the namespace lock. */
  async #ensureCredentials(
    agent: SipAgent,
    range: ExtensionRange,
  ): Promise<{ stored?: StoredCredentials; rangeFull: boolean }> {
    const { name, namespace = '' } = agent.metadata;
    const sources = this.#sources(namespace);
    // Read our own Secret from the API, not the cache: deciding to create or
    // rotate on a stale view would make credentials twice.
    const current = await this.#readSecret(namespace, credentialsSecretName(name));
    const stored = current ? readCredentials(current) : undefined;
    const trigger = agent.metadata.annotations?.[REGENERATE_ANNOTATION] ?? '';

    const wanted = agent.spec.extension ?? stored?.extension;
    const extension =
      wanted ?? allocateExtension(takenExtensions(sources, name), range) ?? undefined;
    const rangeFull = extension === undefined;
    const rotate = stored !== undefined && trigger !== '' && trigger !== stored.generatedFor;

    if (stored && !rotate && extension === stored.extension) {
      this.#d.reservations.settle(namespace, name, {
        username: stored.username,
        extension: stored.extension,
      });
      return { stored, rangeFull };
    }

    const now = this.#now();
    const credentials: SipCredentials =
      stored && !rotate
        ? { username: stored.username, password: stored.password }
        : generateCredentials(
            agent.spec.displayName,
            now.getTime() / 1000,
            takenUsernames(sources),
          );
    const generatedFor = stored && !rotate ? stored.generatedFor : trigger;
    const generatedAt =
      stored && !rotate && stored.generatedAt ? new Date(stored.generatedAt) : now;
    const desired = credentialsSecret(agent, credentials, extension, generatedFor, generatedAt);

    if (!current) {
      await this.#d.core.createNamespacedSecret({ namespace, body: desired });
      this.#d.events.normal(
        agent,
        'CredentialsCreated',
        'CreateCredentials',
        `SIP credentials created in Secret ${desired.metadata?.name}${extension === undefined ? '' : ` for extension ${extension}`}`,
      );
    } else {
      // Keep keys other components added (e.g. the web UI's login hash).
      const body: V1Secret = {
        ...desired,
        data: current.data,
        metadata: { ...desired.metadata, resourceVersion: current.metadata?.resourceVersion },
      };
      body.metadata = {
        ...body.metadata,
        annotations: { ...current.metadata?.annotations, ...desired.metadata?.annotations },
      };
      await this.#d.core.replaceNamespacedSecret({
        name: credentialsSecretName(name),
        namespace,
        body,
      });
      if (rotate) {
        this.#d.events.normal(
          agent,
          'CredentialsRotated',
          'RotateCredentials',
          `SIP username and password regenerated (new username ${credentials.username})`,
        );
      } else if (extension !== stored?.extension) {
        this.#d.events.normal(
          agent,
          'ExtensionAssigned',
          'AssignExtension',
          `extension ${extension ?? 'none'} assigned`,
        );
      }
    }
    this.#d.reservations.set(namespace, name, { username: credentials.username, extension });
    return {
      stored: {
        username: credentials.username,
        password: credentials.password,
        extension,
        generatedFor,
        generatedAt: rfc3339(generatedAt),
      },
      rangeFull,
    };
  }

  async #readSecret(namespace: string, name: string): Promise<V1Secret | undefined> {
    try {
      return await this.#d.core.readNamespacedSecret({ name, namespace });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  #sources(namespace: string): NamespaceSources {
    return {
      namespace,
      agents: this.#d.agents.list(namespace),
      secret: (secretName) => this.#d.secrets.get(secretName, namespace),
      reservations: this.#d.reservations,
    };
  }

  #recordTransitions(agent: SipAgent, next: NonNullable<SipAgent['status']>): void {
    const before = agent.status?.conditions?.find((c) => c.type === 'Ready');
    const after = next.conditions?.find((c) => c.type === 'Ready');
    if (!after || before?.reason === after.reason) return;
    if (after.reason === 'ExtensionConflict' || after.reason === 'ExtensionRangeFull') {
      this.#d.events.warning(agent, after.reason, 'AllocateExtension', after.message);
    } else if (before?.reason === 'ExtensionConflict') {
      this.#d.events.normal(
        agent,
        'ExtensionConflictResolved',
        'AllocateExtension',
        `extension ${next.extension} is now this agent's`,
      );
    }
  }
}

export function splitKey(key: string): [string, string] {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
}
