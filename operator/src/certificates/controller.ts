// The certificate controller: one key per namespace ("<ns>/default", the
// WebRTCConfig). It compares the DTLS Secret's certificate with the one
// Asterisk's HTTP server presents, asks Asterisk to reload the HTTP server's
// TLS while they differ (the kubelet updates the mounted files some time
// after the Secret changed; until then a reload changes nothing), and reports
// the served certificate in status, Events and metrics. DTLS needs no reload:
// Asterisk reads dtls_cert_file for every new call's media (res_rtp_asterisk),
// and a call in progress keeps the DTLS session it has.
import { isDeepStrictEqual } from 'node:util';
import type { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import type { AmiClient } from '../asterisk/ami/client.ts';
import { reloadModule } from '../asterisk/apply/reload.ts';
import { describeError, isNotFound } from '../clients/errors.ts';
import type { EventRecorder } from '../clients/events.ts';
import { patchStatus } from '../clients/status.ts';
import type { WebRTCConfig, WebRTCConfigStatus } from '../crds/types.ts';
import type { Informer } from '../kube/informer.ts';
import type { Logger } from '../log.ts';
import { splitKey } from '../sipagent/controller.ts';
import { setCondition } from '../status/conditions.ts';
import { describeCertificate, keyPairProblem, parseCertificatePem } from './certificate.ts';
import { forgetCertificate, reportCertificate } from './metrics.ts';
import { servedCertificate } from './served.ts';
import { CERTIFICATE_CONDITION, certificateStatus, type Observed } from './status.ts';

/** While the Secret and the served certificate differ, check (and reload) this often. */
export const PENDING_RECHECK_MS = 2_000;
/**
 * After a broken Secret, no reload for this long: the kubelet may still have the
 * broken pair mounted (it refreshes Secret volumes about once a minute, from a
 * cache of about a minute), and a reload of a broken pair turns Asterisk's TLS
 * off until a restart.
 */
export const BROKEN_SECRET_HOLD_MS = 150_000;
const NOT_FOUND = 'not found';
/** While Asterisk's TLS port does not answer, check at most this far apart. */
export const UNREACHABLE_RECHECK_MS = 10_000;

export interface CertificateControllerDeps {
  readonly configs: Informer<WebRTCConfig>;
  readonly core: Pick<CoreV1Api, 'readNamespacedSecret'>;
  readonly custom: CustomObjectsApi;
  readonly events: EventRecorder;
  readonly logger: Logger;
  /** The namespace's AMI client (the leader's), when connected. */
  readonly ami: (namespace: string) => Pick<AmiClient, 'action' | 'state'> | undefined;
  readonly requeueAfter: (key: string, ms: number) => void;
  /** Asterisk's https/wss port (http.conf tlsbindaddr), on spec.ami.host. */
  readonly httpsPort: number;
  readonly checkMs: number;
  readonly warningDays: number;
  readonly probe?: typeof servedCertificate;
  /** Default BROKEN_SECRET_HOLD_MS. */
  readonly brokenSecretHoldMs?: number;
  readonly now?: () => Date;
}

export class CertificateController {
  readonly #d: CertificateControllerDeps;
  /** Key → resourceVersion our last status write was based on: a cache still there has not shown it. */
  readonly #writtenOver = new Map<string, string | undefined>();
  /** Key → fingerprint of the served certificate whose expiry warning was recorded. */
  readonly #warned = new Map<string, string>();
  /** Key → when (epoch ms) reloads may resume after a broken Secret. */
  readonly #heldUntil = new Map<string, number>();

  constructor(deps: CertificateControllerDeps) {
    this.#d = deps;
  }

  async processItem(key: string): Promise<void> {
    const [namespace, name] = splitKey(key);
    const config = this.#d.configs.get(name, namespace);
    if (!config || config.metadata.deletionTimestamp) {
      this.#writtenOver.delete(key);
      this.#warned.delete(key);
      this.#heldUntil.delete(key);
      forgetCertificate(namespace);
      return;
    }
    if (
      this.#writtenOver.has(key) &&
      this.#writtenOver.get(key) === config.metadata.resourceVersion
    ) {
      // Our last write is not in the cache yet: deciding Events on the old status would repeat them.
      this.#d.requeueAfter(key, 100);
      return;
    }
    const ref = config.spec.dtlsCertificateSecret;
    if (!ref) {
      forgetCertificate(namespace);
      await this.#write(key, config, withoutCertificate(config.status));
      return;
    }

    const now = this.#d.now?.() ?? new Date();
    const secret = await this.#readSecret(namespace, ref.name);
    // A Secret that exists but is broken gets mounted as it is; a missing one leaves the files alone.
    const previous = config.status?.conditions?.find((c) => c.type === CERTIFICATE_CONDITION);
    const wasBroken =
      (!secret.ok && secret.message !== NOT_FOUND) ||
      (!this.#heldUntil.has(key) &&
        previous?.reason === 'SecretProblem' &&
        !previous.message.endsWith(`: ${NOT_FOUND}`));
    if (wasBroken)
      this.#heldUntil.set(
        key,
        now.getTime() + (this.#d.brokenSecretHoldMs ?? BROKEN_SECRET_HOLD_MS),
      );
    const heldMs = Math.max(0, (this.#heldUntil.get(key) ?? 0) - now.getTime());
    let served = await this.#probe(config);
    let outcome = this.#decide(key, config, ref.name, secret, served, heldMs);
    if (outcome.reload && heldMs === 0 && (await this.#reload(namespace))) {
      served = await this.#probe(config);
      outcome = this.#decide(key, config, ref.name, secret, served, 0);
    }

    const next: WebRTCConfigStatus = {
      ...config.status,
      ...(outcome.certificate ? { certificate: outcome.certificate } : {}),
      conditions: setCondition(config.status?.conditions, outcome.condition, now),
    };
    await this.#write(key, config, next);
    reportCertificate(namespace, outcome.certificate, outcome.expiring);
    // After the status write: a failed write is retried, and the Events come with it.
    if (outcome.warned && served.ok) this.#warned.set(key, served.facts.fingerprint);
    for (const e of outcome.events) {
      if (e.type === 'Warning')
        this.#d.events.warning(config, e.reason, 'CheckCertificate', e.note);
      else this.#d.events.normal(config, e.reason, 'CheckCertificate', e.note);
    }
    if (served.ok && !isDeepStrictEqual(served.facts, config.status?.certificate))
      this.#d.logger.info(
        { namespace, certificate: describeCertificate(served.facts) },
        'Asterisk serves this certificate',
      );
    // Unreachable: soon, but not in a tight loop (an AMI reconnect also queues a check).
    this.#d.requeueAfter(
      key,
      outcome.reload
        ? PENDING_RECHECK_MS
        : served.ok
          ? this.#d.checkMs
          : Math.min(this.#d.checkMs, UNREACHABLE_RECHECK_MS),
    );
  }

  #decide(
    key: string,
    config: WebRTCConfig,
    secretName: string,
    secret: Observed,
    served: Observed,
    heldMs: number,
  ) {
    const warned = this.#warned.get(key);
    return certificateStatus({
      ...(warned === undefined ? {} : { warnedFingerprint: warned }),
      ...(heldMs > 0 ? { reloadHeldMs: heldMs } : {}),
      secretName,
      secret,
      served,
      previous: config.status,
      generation: config.metadata.generation,
      now: this.#d.now?.() ?? new Date(),
      warningDays: this.#d.warningDays,
    });
  }

  /**
   * The Secret's certificate, once its key is known to match (a user Secret,
   * read at each check and not cached, so the key is in memory only for the check).
   */
  async #readSecret(namespace: string, name: string): Promise<Observed> {
    let data: Record<string, string> | undefined;
    try {
      data = (await this.#d.core.readNamespacedSecret({ name, namespace })).data;
    } catch (err) {
      if (isNotFound(err)) return { ok: false, message: NOT_FOUND };
      throw err;
    }
    const missing = ['tls.crt', 'tls.key'].filter((k) => !data?.[k]);
    if (missing.length)
      return { ok: false, message: `has no key ${missing.map((k) => `"${k}"`).join(', ')}` };
    const crt = Buffer.from(data?.['tls.crt'] ?? '', 'base64');
    const problem = keyPairProblem(crt, Buffer.from(data?.['tls.key'] ?? '', 'base64'));
    if (problem) return { ok: false, message: `${problem}: not loaded into Asterisk` };
    return { ok: true, facts: parseCertificatePem(crt) };
  }

  async #probe(config: WebRTCConfig): Promise<Observed> {
    const host = config.spec.ami.host;
    if (!host) return { ok: false, message: 'spec.ami.host is not set' };
    try {
      return {
        ok: true,
        facts: await (this.#d.probe ?? servedCertificate)(host, this.#d.httpsPort),
      };
    } catch (err) {
      return { ok: false, message: describeError(err) };
    }
  }

  /**
   * `Reload Module: http`: Asterisk's HTTP server re-reads tlscertfile and
   * restarts its TLS listener only when the file's content changed; the
   * WebSockets already open keep their TLS sessions. True when it reloaded.
   */
  async #reload(namespace: string): Promise<boolean> {
    const client = this.#d.ami(namespace);
    if (client?.state !== 'connected') return false;
    try {
      return (await reloadModule(client, 'http', { busyTimeoutMs: 10_000 })) === 'reloaded';
    } catch (err) {
      this.#d.logger.warn(
        { namespace, err: describeError(err) },
        'reloading the HTTP server failed',
      );
      return false;
    }
  }

  async #write(key: string, config: WebRTCConfig, status: WebRTCConfigStatus): Promise<void> {
    if (isDeepStrictEqual(status, config.status ?? {})) return;
    const [namespace, name] = splitKey(key);
    const after = await patchStatus(
      this.#d.custom,
      'webrtcconfigs',
      namespace,
      name,
      config.metadata.resourceVersion,
      // null removes status.certificate in a merge patch
      { certificate: null, ...status } as Record<string, unknown>,
    );
    if (after !== config.metadata.resourceVersion)
      this.#writtenOver.set(key, config.metadata.resourceVersion);
  }
}

/** No certificate configured: neither status.certificate nor its condition. */
function withoutCertificate(status: WebRTCConfigStatus | undefined): WebRTCConfigStatus {
  const { certificate: _, ...rest } = status ?? {};
  return {
    ...rest,
    ...(status?.conditions
      ? { conditions: status.conditions.filter((c) => c.type !== CERTIFICATE_CONDITION) }
      : {}),
  };
}
