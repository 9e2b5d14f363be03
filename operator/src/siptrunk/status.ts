// The status a SipTrunk should have, from its resolution and what Asterisk
// reports about its registration. Pure: the controller writes it only when it
// differs from the current one.
import type { SipTrunk, SipTrunkStatus } from '../crds/types.ts';
import { type ConditionInput, setConditions } from '../status/conditions.ts';
import { isRendered, type ResolvedTrunk } from './resolve.ts';

/** What Asterisk says about the trunk's registration. */
export type RegistrationView =
  /** No AMI connection (or not read yet): nothing is known. */
  | { readonly known: false; readonly reason: string }
  /** Asterisk's status of the registration; undefined: Asterisk has none (not loaded yet). */
  | { readonly known: true; readonly status: string | undefined };

function ready(resolved: ResolvedTrunk, hasConfig: boolean): ConditionInput {
  const no = (reason: string, message: string): ConditionInput => ({
    type: 'Ready',
    status: 'False',
    reason,
    message,
  });
  if (!hasConfig)
    return no(
      'NoWebRTCConfig',
      'the namespace has no WebRTCConfig "default": no Asterisk to configure',
    );
  const c = resolved.credentials;
  if (c.state === 'problem')
    return no(c.reason, `${c.message}; the trunk is not configured in Asterisk`);
  const ca = resolved.ca;
  if (ca.state === 'problem')
    return no(ca.reason, `${ca.message}; the trunk is not configured in Asterisk`);
  if (resolved.conflicts.length)
    return no(
      'NumberConflict',
      resolved.conflicts
        .map((x) => `number ${x.number} is already routed by SipTrunk ${x.trunk}`)
        .join('; '),
    );
  if (typeof resolved.outbound === 'object')
    return no(
      'OutboundConflict',
      `outbound calls already go through SipTrunk ${resolved.outbound.conflict} (one trunk per namespace carries them); this trunk's outbound section is not used`,
    );
  if (resolved.missing.length)
    return no(
      'RouteTargetMissing',
      `${resolved.missing
        .map((m) => `route ${m.number}: ${m.target} does not exist`)
        .join(
          '; ',
        )}; calls to ${resolved.missing.length > 1 ? 'these numbers' : 'it'} are refused as unallocated`,
    );
  const numbers = resolved.routes.map((r) => r.number);
  return {
    type: 'Ready',
    status: 'True',
    reason: 'Configured',
    message: `numbers: ${numbers.join(', ') || 'none'}${
      resolved.outbound === 'active' ? '; outbound calls go through this trunk' : ''
    }`,
  };
}

function registeredCondition(view: RegistrationView): ConditionInput {
  if (!view.known)
    return {
      type: 'Registered',
      status: 'Unknown',
      reason: 'AsteriskNotConnected',
      message: view.reason,
    };
  const status = view.status ?? 'Unregistered';
  if (status === 'Registered')
    return {
      type: 'Registered',
      status: 'True',
      reason: 'Registered',
      message: 'Asterisk is registered with the carrier',
    };
  return {
    type: 'Registered',
    status: 'False',
    reason: status === 'Rejected' ? 'Rejected' : 'Unregistered',
    message:
      status === 'Rejected'
        ? 'Asterisk reports the registration Rejected: the carrier refused it (wrong credentials or account?) or could not be reached (stopped, or its connection closed); Asterisk tries again after registrationRetrySeconds (300 s after a refusal)'
        : view.status === undefined
          ? 'Asterisk has not loaded the registration yet'
          : 'Asterisk is not registered with the carrier (yet); it retries every minute',
  };
}

/** What Asterisk says about the carrier's contact (OPTIONS every qualifySeconds). */
export type ReachabilityView =
  | { readonly known: false }
  /** Reachable, Unreachable, or another word of Asterisk's (Unknown, Created: not qualified yet). */
  | { readonly known: true; readonly status: string | undefined };

/** The operator's own TLS check of the carrier's certificate (tls trunks). */
export type CarrierCheck =
  | { readonly ok: true; readonly message: string }
  | {
      readonly ok: false;
      readonly reason: 'CertificateUntrusted' | 'CertificateNameMismatch' | 'CertificateExpired';
      readonly message: string;
    }
  /** No answer: nothing is known about the certificate. */
  | { readonly ok: undefined; readonly message: string };

function reachableCondition(view: ReachabilityView, seconds: number): ConditionInput {
  if (!view.known)
    return {
      type: 'Reachable',
      status: 'Unknown',
      reason: 'AsteriskNotConnected',
      message: 'the operator has no AMI connection to Asterisk',
    };
  if (view.status === 'Reachable')
    return {
      type: 'Reachable',
      status: 'True',
      reason: 'Reachable',
      message: `the carrier answers OPTIONS (every ${seconds} s)`,
    };
  if (view.status === 'Unreachable')
    return {
      type: 'Reachable',
      status: 'False',
      reason: 'Unreachable',
      message: `the carrier did not answer Asterisk's OPTIONS (sent every ${seconds} s): stopped, unreachable, or refusing our connection`,
    };
  return {
    type: 'Reachable',
    status: 'Unknown',
    reason: 'NotQualifiedYet',
    message: 'Asterisk has not had an answer to OPTIONS yet',
  };
}

function verifiedCondition(check: CarrierCheck | undefined): ConditionInput {
  if (check === undefined || check.ok === undefined)
    return {
      type: 'CarrierVerified',
      status: 'Unknown',
      reason: 'NotChecked',
      message: check?.message ?? "the carrier's certificate has not been checked yet",
    };
  return check.ok
    ? { type: 'CarrierVerified', status: 'True', reason: 'Verified', message: check.message }
    : { type: 'CarrierVerified', status: 'False', reason: check.reason, message: check.message };
}

/** Only for the trunk that carries calls out: can agents reach every emergency number? */
function emergencyCondition(resolved: ResolvedTrunk): ConditionInput {
  if (resolved.shadowed.length === 0)
    return {
      type: 'EmergencyNumbersReachable',
      status: 'True',
      reason: 'Reachable',
      message: 'every emergency number goes to the carrier',
    };
  return {
    type: 'EmergencyNumbersReachable',
    status: 'False',
    reason: 'Shadowed',
    message: `${resolved.shadowed
      .map((s) => `emergency number ${s.number} is ${s.by}`)
      .join(
        '; ',
      )}: agents dialling it reach that inside the call center, not the carrier (inside numbers win); change the inside number`,
  };
}

export function desiredTrunkStatus(
  trunk: SipTrunk,
  resolved: ResolvedTrunk,
  hasConfig: boolean,
  registration: RegistrationView,
  now: Date,
  observed: { readonly reachable?: ReachabilityView; readonly carrier?: CarrierCheck } = {},
): SipTrunkStatus {
  const generation = trunk.metadata.generation;
  const rendered = isRendered(resolved);
  const registers =
    trunk.spec.register && resolved.credentials.state === 'ok' && rendered && hasConfig;
  const callsOut = resolved.outbound === 'active' && rendered;
  const qualify = trunk.spec.qualifySeconds ?? 0;
  const qualifies = qualify > 0 && rendered && hasConfig;
  const verifies = trunk.spec.transport === 'tls' && rendered && hasConfig;
  const existing = trunk.status?.conditions?.filter(
    (c) =>
      (registers || c.type !== 'Registered') &&
      (callsOut || c.type !== 'EmergencyNumbersReachable') &&
      (qualifies || c.type !== 'Reachable') &&
      (verifies || c.type !== 'CarrierVerified'),
  );
  const next = [{ ...ready(resolved, hasConfig), observedGeneration: generation }];
  if (registers)
    next.push({ ...registeredCondition(registration), observedGeneration: generation });
  const reachable = observed.reachable ?? { known: false };
  if (qualifies)
    next.push({ ...reachableCondition(reachable, qualify), observedGeneration: generation });
  if (verifies)
    next.push({ ...verifiedCondition(observed.carrier), observedGeneration: generation });
  if (callsOut) next.push({ ...emergencyCondition(resolved), observedGeneration: generation });
  const status: SipTrunkStatus = {
    observedGeneration: generation,
    numbers: rendered ? resolved.routes.map((r) => r.number) : [],
    conditions: setConditions(existing, next, now),
  };
  if (registers && registration.known) {
    status.registered = registration.status === 'Registered';
    status.registration = registration.status ?? 'Unregistered';
  }
  if (qualifies && reachable.known && reachable.status !== undefined)
    if (reachable.status === 'Reachable' || reachable.status === 'Unreachable')
      status.reachable = reachable.status === 'Reachable';
  return status;
}
