// The SipAgent controller: one entry point, processItem(key), that reads from
// the caches, makes the credentials Secret exist (once; rotated only when the
// regenerate annotation changes), allocates the extension, and writes status.
//
// Allocation is synchronous between reading the caches and recording the
// reservation, so it is atomic in Node's single thread: concurrent reconciles
// of one namespace can never pick the same extension or username.
import { isDeepStrictEqual } from 'node:util';
import type { CoreV1Api, CustomObjectsApi, V1Secret } from '@kubernetes/client-node';
import { agentFingerprint } from '../asterisk/apply/version.ts';
import type { AsteriskView } from '../asterisk/view.ts';
import { isAlreadyExists } from '../clients/errors.ts';
import type { EventRecorder } from '../clients/events.ts';
import { patchStatus } from '../clients/status.ts';
import { rfc3339 } from '../clients/time.ts';
import type { SipAgent, WebRTCConfig } from '../crds/types.ts';
import type { Informer } from '../kube/informer.ts';
import { REGENERATE_ANNOTATION } from '../labels.ts';
import type { Logger } from '../log.ts';
import type { AgentIndex, Credentials } from './agent-index.ts';
import { generateCredentials, type SipCredentials } from './credentials.ts';
import type { ExtensionRange } from './extensions.ts';
import { credentialsSecret, credentialsSecretName, readCredentials } from './resources.ts';
import { desiredStatus } from './status.ts';
import { StatusMemo } from './status-memo.ts';

export const DEFAULT_RANGE: ExtensionRange = { start: 1000, end: 8999 };

export interface SipAgentControllerDeps {
  readonly agents: Informer<SipAgent>;
  readonly secrets: Informer<V1Secret>;
  readonly configs: Informer<WebRTCConfig>;
  readonly core: CoreV1Api;
  readonly custom: CustomObjectsApi;
  readonly events: EventRecorder;
  readonly index: AgentIndex;
  readonly logger: Logger;
  /** What Asterisk has loaded and who is registered. */
  readonly view: AsteriskView;
  readonly now?: () => Date;
}

/** Thrown when the cache is behind the API (our create met an existing Secret): retried shortly. */
export class CacheBehindError extends Error {}

export class SipAgentController {
  readonly #d: SipAgentControllerDeps;
  readonly #now: () => Date;
  readonly #memo = new StatusMemo();

  constructor(deps: SipAgentControllerDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  async processItem(key: string): Promise<void> {
    const [namespace, name] = splitKey(key);
    const agent = this.#d.agents.get(name, namespace);
    if (!agent || agent.metadata.deletionTimestamp) {
      // Its Secret is garbage-collected through the owner reference.
      this.#d.index.forgetReservation(namespace, name);
      this.#memo.forget(key);
      return;
    }
    const config = this.#d.configs.get('default', namespace);
    const range = config?.spec.extensions ?? DEFAULT_RANGE;

    const { view, rangeFull } = await this.#ensureCredentials(agent, range);

    const owner = this.#d.index.ownership(namespace, name);
    const username = view?.username;
    const inAsterisk =
      config !== undefined &&
      username !== undefined &&
      !agent.spec.suspended &&
      owner !== undefined &&
      !owner.conflictWith;
    const facts = {
      hasConfig: config !== undefined,
      secretName: credentialsSecretName(name),
      username,
      generatedAt: view?.generatedAt,
      extension: owner?.extension ?? view?.extension,
      conflictWith: owner?.conflictWith,
      rangeFull: rangeFull ? range : undefined,
      provisioned: inAsterisk
        ? this.#d.view.provisioned(
            namespace,
            name,
            agentFingerprint(username, agent.metadata.generation),
          )
        : notInAsterisk(agent, config !== undefined, username, owner),
      registration: username
        ? this.#d.view.registration(namespace, username)
        : { registered: false, contacts: 0 },
    };
    if (this.#memo.awaitingEcho(key, agent.metadata.resourceVersion)) return;
    const status = desiredStatus(agent, facts, this.#now());
    if (isDeepStrictEqual(status, agent.status)) return;
    this.#recordTransitions(agent, status);
    const written = await patchStatus(
      this.#d.custom,
      'sipagents',
      namespace,
      name,
      agent.metadata.resourceVersion,
      status as Record<string, unknown>,
    );
    // A patch the server found to change nothing brings no update event to wait for.
    if (written !== agent.metadata.resourceVersion)
      this.#memo.remember(key, agent.metadata.resourceVersion);
  }

  /** Creates, completes or rotates the credentials Secret; returns what it now holds. */
  async #ensureCredentials(
    agent: SipAgent,
    range: ExtensionRange,
  ): Promise<{ view?: Credentials; rangeFull: boolean }> {
    const { name, namespace = '' } = agent.metadata;
    const secretName = credentialsSecretName(name);
    const cached = this.#d.secrets.get(secretName, namespace);
    const stored = cached ? readCredentials(cached) : undefined;
    const pending = this.#d.index.reservation(namespace, name);
    if (pending) {
      // Our last write is not in the cache yet; its Secret event brings us back.
      return {
        view: pending,
        rangeFull: pending.extension === undefined && agent.spec.extension === undefined,
      };
    }

    const trigger = agent.metadata.annotations?.[REGENERATE_ANNOTATION] ?? '';
    // From here to index.reserve nothing awaits: allocation is atomic.
    const extension =
      agent.spec.extension ??
      stored?.extension ??
      this.#d.index.allocate(namespace, range) ??
      undefined;
    const rangeFull = extension === undefined;
    const rotate = stored !== undefined && trigger !== '' && trigger !== stored.generatedFor;
    if (stored && !rotate && extension === stored.extension) return { view: stored, rangeFull };

    const now = this.#now();
    const keep = stored && !rotate;
    const credentials: SipCredentials = keep
      ? { username: stored.username, password: stored.password }
      : generateCredentials(agent.spec.displayName, now.getTime() / 1000, (u) =>
          this.#d.index.usernameTaken(namespace, u),
        );
    const generatedFor = keep ? stored.generatedFor : trigger;
    const generatedAt = keep && stored.generatedAt ? stored.generatedAt : rfc3339(now);
    const reservation: Credentials = {
      username: credentials.username,
      extension,
      generatedFor,
      generatedAt,
    };
    this.#d.index.reserve(namespace, name, reservation);

    const desired = credentialsSecret(
      agent,
      credentials,
      extension,
      generatedFor,
      new Date(generatedAt),
    );
    try {
      if (!cached) {
        await this.#d.core.createNamespacedSecret({ namespace, body: desired });
        this.#d.events.normal(
          agent,
          'CredentialsCreated',
          'CreateCredentials',
          `SIP credentials created in Secret ${secretName}${extension === undefined ? '' : ` for extension ${extension}`}`,
        );
      } else {
        // Guarded by the cached resourceVersion; keeps keys other components added (e.g. the web UI's login hash).
        const body: V1Secret = {
          ...desired,
          data: cached.data,
          metadata: {
            ...desired.metadata,
            resourceVersion: cached.metadata?.resourceVersion,
            annotations: { ...cached.metadata?.annotations, ...desired.metadata?.annotations },
          },
        };
        await this.#d.core.replaceNamespacedSecret({ name: secretName, namespace, body });
        if (rotate)
          this.#d.events.normal(
            agent,
            'CredentialsRotated',
            'RotateCredentials',
            `SIP username and password regenerated (new username ${credentials.username})`,
          );
        else
          this.#d.events.normal(
            agent,
            'ExtensionAssigned',
            'AssignExtension',
            `extension ${extension ?? 'none'} assigned`,
          );
      }
    } catch (err) {
      this.#d.index.forgetReservation(namespace, name);
      if (!cached && isAlreadyExists(err))
        throw new CacheBehindError(`Secret ${secretName} exists but is not cached yet`);
      throw err;
    }
    return { view: reservation, rangeFull };
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

/** Provisioned of an agent the configuration leaves out, with the reason it is left out. */
function notInAsterisk(
  agent: SipAgent,
  hasConfig: boolean,
  username: string | undefined,
  owner: { conflictWith?: string } | undefined,
) {
  const [reason, message] = !hasConfig
    ? ['NoWebRTCConfig', 'this namespace has no WebRTCConfig named "default"']
    : agent.spec.suspended
      ? ['Suspended', 'the agent is suspended and left out of the Asterisk configuration']
      : !username
        ? ['CredentialsPending', 'the agent has no SIP credentials yet']
        : owner?.conflictWith
          ? [
              'ExtensionConflict',
              `left out while SipAgent ${owner.conflictWith} holds its extension`,
            ]
          : ['NoExtension', 'left out until it has an extension'];
  return { type: 'Provisioned', status: 'False', reason, message } as const;
}

export function splitKey(key: string): [string, string] {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
}
