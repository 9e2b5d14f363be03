// The leader-election record on a coordination.k8s.io/v1 Lease, as client-go's
// resourcelock keeps it: pure functions, so the rules are tested without a server.
import { type V1LeaseSpec, V1MicroTime } from '@kubernetes/client-node';

/**
 * The parts of the record whose change proves the holder is alive. Compared as a
 * whole (like client-go's observedRawRecord), not by resourceVersion, so that
 * someone editing the Lease's labels does not extend a dead leader's term.
 */
export function recordKey(spec: V1LeaseSpec | undefined): string {
  return JSON.stringify([
    spec?.holderIdentity ?? '',
    spec?.leaseDurationSeconds ?? null,
    String(spec?.acquireTime ?? ''),
    String(spec?.renewTime ?? ''),
    spec?.leaseTransitions ?? 0,
  ]);
}

/** The record after `identity` acquires or renews: a new holder counts one more transition. */
export function claimedSpec(
  spec: V1LeaseSpec | undefined,
  identity: string,
  leaseDurationSeconds: number,
  now: Date = new Date(),
): V1LeaseSpec {
  const renewing = (spec?.holderIdentity ?? '') === identity;
  const micro = new V1MicroTime(now.getTime()); // six fractional digits: the API server rejects three
  return {
    ...spec,
    holderIdentity: identity,
    leaseDurationSeconds,
    renewTime: micro,
    acquireTime: renewing && spec?.acquireTime ? spec.acquireTime : micro,
    leaseTransitions: (spec?.leaseTransitions ?? 0) + (renewing || !spec ? 0 : 1),
  };
}

/** The record a leader leaves behind on a clean stop: no holder, so the next replica takes over at once. */
export function releasedSpec(spec: V1LeaseSpec | undefined, now: Date = new Date()): V1LeaseSpec {
  const micro = new V1MicroTime(now.getTime());
  return {
    ...spec,
    holderIdentity: '',
    leaseDurationSeconds: 1,
    renewTime: micro,
    acquireTime: micro,
  };
}
