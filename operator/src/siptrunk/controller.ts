// The SipTrunk controller: writes each SipTrunk's status (numbers routed,
// Ready with the credentials, conflicts and missing route targets, Registered
// and status.registered from Asterisk's outbound registration). Rendering the
// trunks into Asterisk is the WebRTCConfig controller's job (it renders the
// whole namespace); both read the same resolution.
//
// The carrier's Secret belongs to the user, so no informer watches it: a trunk
// naming one is read again every recheck interval, and a change of what it
// holds (created, rotated, deleted) renders the namespace again.
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import type { AsteriskConnections } from '../asterisk/connections.ts';
import { trunkId } from '../asterisk/render/index.ts';
import type { EventRecorder } from '../clients/events.ts';
import { patchStatus } from '../clients/status.ts';
import type { CallQueue, SipAgent, SipTrunk, WebRTCConfig } from '../crds/types.ts';
import type { Informer } from '../kube/informer.ts';
import { splitKey } from '../sipagent/controller.ts';
import { type CaResult, readTrunkCa } from './ca.ts';
import type { checkCarrierCertificate } from './carrier-check.ts';
import { type CredentialsResult, readTrunkCredentials } from './credentials.ts';
import { resolveTrunks } from './resolve.ts';
import {
  type CarrierCheck,
  desiredTrunkStatus,
  type ReachabilityView,
  type RegistrationView,
} from './status.ts';

export interface SipTrunkControllerDeps {
  readonly trunks: Informer<SipTrunk>;
  readonly queues: Informer<CallQueue>;
  readonly agents: Informer<SipAgent>;
  readonly configs: Informer<WebRTCConfig>;
  readonly core: Pick<CoreV1Api, 'readNamespacedSecret'>;
  readonly custom: CustomObjectsApi;
  readonly events: EventRecorder;
  readonly asterisk: Pick<AsteriskConnections, 'trunkRegistrations'>;
  /** What the trunk's Secret holds changed: render the namespace again. */
  readonly credentialsChanged: (namespace: string) => void;
  readonly requeueAfter: (key: string, ms: number) => void;
  /** A TLS handshake with a tls carrier (carrier-check.ts; tests inject none). */
  readonly checkCarrier?: typeof checkCarrierCertificate;
  /** How often a trunk's Secret is read again. */
  readonly referenceRecheckMs: number;
  readonly now?: () => Date;
}

const WARNED_REASONS = new Set([
  'NumberConflict',
  'OutboundConflict',
  'RouteTargetMissing',
  'SecretNotFound',
  'SecretKeyMissing',
  'CredentialsInvalid',
  'CASecretNotFound',
  'CAKeyMissing',
  'CAInvalid',
]);

/** Identifies what the Secrets gave (a digest: the password itself is not kept). */
function fingerprint(c: CredentialsResult, ca: CaResult): string {
  const text =
    c.state === 'ok'
      ? `ok\n${c.credentials.username}\n${c.credentials.password}`
      : c.state === 'problem'
        ? `problem\n${c.reason}`
        : 'none';
  const caText = ca.state === 'ok' ? `ok\n${ca.pem}` : ca.state === 'problem' ? ca.reason : 'none';
  return createHash('sha256').update(`${text}\n${caText}`).digest('hex');
}

/** A merge patch body: keys the new status drops are sent as null (a merge patch keeps absent keys). */
function withRemovals(next: object, previous: object | undefined): Record<string, unknown> {
  const body: Record<string, unknown> = { ...next };
  for (const key of Object.keys(previous ?? {})) if (!(key in body)) body[key] = null;
  return body;
}

export class SipTrunkController {
  readonly #d: SipTrunkControllerDeps;
  /** "<ns>/<name>" → fingerprint of its credentials when last read. */
  readonly #seen = new Map<string, string>();
  /** "<ns>/<name>" → the last check of its carrier's certificate, what it checked and when. */
  readonly #checks = new Map<string, { input: string; at: number; result: CarrierCheck }>();

  constructor(deps: SipTrunkControllerDeps) {
    this.#d = deps;
  }

  #registration(namespace: string, name: string): RegistrationView {
    const tracker = this.#d.asterisk.trunkRegistrations(namespace);
    if (!tracker) return { known: false, reason: 'the operator has no AMI connection to Asterisk' };
    const s = tracker.status(trunkId(name));
    return s.known
      ? { known: true, status: s.status }
      : { known: false, reason: 'the AMI connection to Asterisk is down' };
  }

  #reachability(namespace: string, name: string): ReachabilityView {
    const tracker = this.#d.asterisk.trunkRegistrations(namespace);
    return tracker?.contact(trunkId(name)) ?? { known: false };
  }

  /** The carrier's certificate, checked again when what to check changed or every recheck interval. */
  async #carrier(key: string, trunk: SipTrunk, ca: CaResult): Promise<CarrierCheck | undefined> {
    const check = this.#d.checkCarrier;
    const ref = trunk.spec.tls?.caSecret;
    if (!check || ca.state !== 'ok' || !ref) {
      this.#checks.delete(key);
      return undefined;
    }
    const input = `${trunk.spec.host}\n${trunk.spec.port}\n${ref.name}\n${ca.pem}`;
    const last = this.#checks.get(key);
    const now = performance.now();
    if (last && last.input === input && now - last.at < this.#d.referenceRecheckMs)
      return last.result;
    const result = await check(trunk.spec.host, trunk.spec.port, ca.pem, ref.name);
    this.#checks.set(key, { input, at: performance.now(), result });
    return result;
  }

  async processItem(key: string): Promise<void> {
    const [namespace, name] = splitKey(key);
    const trunk = this.#d.trunks.get(name, namespace);
    if (!trunk || trunk.metadata.deletionTimestamp) {
      this.#seen.delete(key);
      this.#checks.delete(key);
      return;
    }
    const credentials = await readTrunkCredentials(this.#d.core, trunk);
    const ca = await readTrunkCa(this.#d.core, trunk);
    const print = fingerprint(credentials, ca);
    const before = this.#seen.get(key);
    this.#seen.set(key, print);
    if (before !== undefined && before !== print) this.#d.credentialsChanged(namespace);
    if (trunk.spec.credentialsSecret || ca.state !== 'none')
      this.#d.requeueAfter(key, this.#d.referenceRecheckMs);

    const config = this.#d.configs.get('default', namespace);
    const resolved = resolveTrunks(
      this.#d.trunks.list(namespace),
      this.#d.queues.list(namespace),
      this.#d.agents.list(namespace),
      config?.spec,
      (t) => (t.metadata.name === name ? credentials : { state: 'none' }),
      (t) => (t.metadata.name === name ? ca : { state: 'none' }),
    ).get(name);
    if (!resolved) return;
    const status = desiredTrunkStatus(
      trunk,
      resolved,
      config !== undefined,
      this.#registration(namespace, name),
      this.#d.now?.() ?? new Date(),
      {
        reachable: this.#reachability(namespace, name),
        carrier: await this.#carrier(key, trunk, ca),
      },
    );
    if (isDeepStrictEqual(status, trunk.status)) return;
    const ready = (s: typeof status | undefined) => s?.conditions?.find((c) => c.type === 'Ready');
    const was = ready(trunk.status);
    const now = ready(status);
    await patchStatus(
      this.#d.custom,
      'siptrunks',
      namespace,
      name,
      trunk.metadata.resourceVersion,
      withRemovals(status, trunk.status),
    );
    // A refused route or unusable Secret is someone's mistake to fix: say it once per change.
    if (
      now?.status === 'False' &&
      WARNED_REASONS.has(now.reason) &&
      (was?.reason !== now.reason || was?.message !== now.message)
    )
      this.#d.events.warning(trunk, now.reason, 'ConfigureTrunk', now.message);
    // An emergency call that rings inside is dangerous: warn once per change.
    const shadowed = (st: typeof status | undefined) =>
      st?.conditions?.find((c) => c.type === 'EmergencyNumbersReachable' && c.status === 'False');
    const nowShadowed = shadowed(status);
    if (nowShadowed && nowShadowed.message !== shadowed(trunk.status)?.message)
      this.#d.events.warning(
        trunk,
        'EmergencyNumberShadowed',
        'ConfigureTrunk',
        nowShadowed.message,
      );
  }
}
