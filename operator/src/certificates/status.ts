// What the certificate facts mean: status.certificate, the CertificateServed
// condition, the Events to record and whether Asterisk should reload its TLS.
// Pure. Events are decided against the previous status, so each is recorded
// once per change, not once per check.
import type { CertificateFacts, WebRTCConfigStatus } from '../crds/types.ts';
import type { ConditionInput } from '../status/conditions.ts';
import { daysLeft, describeCertificate, sameCertificate } from './certificate.ts';

export const CERTIFICATE_CONDITION = 'CertificateServed';

export type Observed =
  | { readonly ok: true; readonly facts: CertificateFacts }
  | { readonly ok: false; readonly message: string };

export interface CertificateInput {
  readonly secretName: string;
  /** The Secret's tls.crt. */
  readonly secret: Observed;
  /** What Asterisk's HTTP server presents in a TLS handshake. */
  readonly served: Observed;
  readonly previous: WebRTCConfigStatus | undefined;
  readonly generation: number | undefined;
  readonly now: Date;
  readonly warningDays: number;
  /**
   * The served certificate an expiry warning was last recorded for; omitted
   * (unknown, e.g. after a restart): judged from the previous condition.
   */
  readonly warnedFingerprint?: string;
  /** Reloads are held this much longer (ms): the Secret was broken until recently. */
  readonly reloadHeldMs?: number;
}

export interface CertificateEvent {
  readonly type: 'Normal' | 'Warning';
  readonly reason:
    | 'CertificateRenewed'
    | 'CertificateExpiring'
    | 'CertificateExpired'
    | 'CertificateSecretProblem';
  readonly note: string;
}

export interface CertificateOutcome {
  /** status.certificate: what is served, else the last one known. */
  readonly certificate: CertificateFacts | undefined;
  readonly condition: ConditionInput;
  readonly events: readonly CertificateEvent[];
  /** The Secret holds another certificate than the one served: reload Asterisk's TLS. */
  readonly reload: boolean;
  /** The served certificate expires within the warning days (or has expired). */
  readonly expiring: boolean;
  /** The served certificate has had its expiry warning (now or before). */
  readonly warned: boolean;
}

type Reason =
  | 'Served'
  | 'ExpiringSoon'
  | 'RenewalPending'
  | 'Expired'
  | 'Unreachable'
  | 'SecretProblem';

const STATUS: Record<Reason, ConditionInput['status']> = {
  Served: 'True',
  ExpiringSoon: 'True', // served, with a warning
  RenewalPending: 'False',
  Expired: 'False',
  Unreachable: 'Unknown',
  SecretProblem: 'False',
};

function days(n: number): string {
  const whole = Math.floor(n);
  return `${whole} day${whole === 1 ? '' : 's'}`;
}

export function certificateStatus(input: CertificateInput): CertificateOutcome {
  const { secret, served, previous, now, warningDays, secretName } = input;
  const servedFacts = served.ok ? served.facts : undefined;
  const secretFacts = secret.ok ? secret.facts : undefined;
  const left = servedFacts ? daysLeft(servedFacts, now) : undefined;
  const expired = left !== undefined && left <= 0;
  const expiring = left !== undefined && left < warningDays;
  const reload =
    secretFacts !== undefined &&
    servedFacts !== undefined &&
    !sameCertificate(secretFacts, servedFacts);

  let reason: Reason;
  let message: string;
  if (!secret.ok) {
    reason = 'SecretProblem';
    message = `Secret "${secretName}": ${secret.message}`;
  } else if (!servedFacts) {
    reason = 'Unreachable';
    message = `cannot tell which certificate Asterisk serves: ${served.ok ? '' : served.message}`;
  } else if (expired) {
    reason = 'Expired';
    message = `Asterisk serves ${describeCertificate(servedFacts)}, which has expired${
      reload
        ? `; Secret "${secretName}" holds ${describeCertificate(secret.facts)}, not loaded yet`
        : ''
    }`;
  } else if (reload) {
    reason = 'RenewalPending';
    message = `Secret "${secretName}" holds ${describeCertificate(secret.facts)}; Asterisk still serves ${describeCertificate(servedFacts)} until the mounted files change and its HTTP server reloads them${
      input.reloadHeldMs
        ? `; no reload for ${Math.ceil(input.reloadHeldMs / 1000)} s more: the Secret was broken until recently and its broken files may still be mounted`
        : ''
    }`;
  } else if (expiring) {
    reason = 'ExpiringSoon';
    message = `Asterisk serves ${describeCertificate(servedFacts)}: ${days(left ?? 0)} left (warning below ${warningDays}); Secret "${secretName}" has not been renewed`;
  } else {
    reason = 'Served';
    message = `Asterisk serves the certificate of Secret "${secretName}": ${describeCertificate(servedFacts)}, ${days(left ?? 0)} left`;
  }

  const before = previous?.conditions?.find((c) => c.type === CERTIFICATE_CONDITION);
  const changed =
    servedFacts !== undefined &&
    previous?.certificate !== undefined &&
    !sameCertificate(previous.certificate, servedFacts);
  const events: CertificateEvent[] = [];
  if (changed && servedFacts && previous?.certificate)
    events.push({
      type: 'Normal',
      reason: 'CertificateRenewed',
      note: `Asterisk serves ${describeCertificate(servedFacts)}, replacing serial ${previous.certificate.serial}`,
    });
  // One expiry warning per served certificate, also while a renewal is stuck
  // pending (a Secret renewed but never mounted still lets the old one run out).
  const warnedBefore =
    servedFacts !== undefined &&
    (input.warnedFingerprint !== undefined
      ? input.warnedFingerprint === servedFacts.fingerprint
      : !changed && (before?.reason === 'ExpiringSoon' || before?.reason === 'Expired'));
  if (servedFacts && expiring && !expired && !warnedBefore)
    events.push({
      type: 'Warning',
      reason: 'CertificateExpiring',
      note:
        reason === 'ExpiringSoon'
          ? message
          : `Asterisk serves ${describeCertificate(servedFacts)}: ${days(left ?? 0)} left (warning below ${warningDays}); ${message}`,
    });
  if (servedFacts && reason === 'Expired' && (before?.reason !== reason || changed))
    events.push({ type: 'Warning', reason: 'CertificateExpired', note: message });
  // A broken Secret is not loaded, but the kubelet mounts it anyway: new calls' DTLS would fail.
  if (reason === 'SecretProblem' && (before?.reason !== reason || before.message !== message))
    events.push({ type: 'Warning', reason: 'CertificateSecretProblem', note: message });

  return {
    certificate: servedFacts ?? previous?.certificate,
    condition: {
      type: CERTIFICATE_CONDITION,
      status: STATUS[reason],
      reason,
      message,
      ...(input.generation !== undefined ? { observedGeneration: input.generation } : {}),
    },
    events,
    reload,
    expiring,
    warned: warnedBefore || events.some((e) => e.reason === 'CertificateExpiring'),
  };
}
