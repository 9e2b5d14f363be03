import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1LeaseSpec } from '@kubernetes/client-node';
import { claimedSpec, recordKey, releasedSpec } from './lease-record.ts';

const t0 = new Date('2030-01-02T03:04:05.678Z');
const held: V1LeaseSpec = {
  holderIdentity: 'a',
  leaseDurationSeconds: 15,
  acquireTime: '2030-01-01T00:00:00.000000Z' as never, // as read back: a string
  renewTime: '2030-01-02T03:04:00.000000Z' as never,
  leaseTransitions: 3,
};

describe('lease record', () => {
  it('creates a record with no transitions yet', () => {
    const spec = claimedSpec(undefined, 'a', 15, t0);
    assert.equal(spec.holderIdentity, 'a');
    assert.equal(spec.leaseTransitions, 0);
    assert.equal(spec.leaseDurationSeconds, 15);
  });

  it('writes MicroTime with six fractional digits', () => {
    const json = JSON.parse(JSON.stringify(claimedSpec(undefined, 'a', 15, t0)));
    assert.equal(json.renewTime, '2030-01-02T03:04:05.678000Z');
    assert.equal(json.acquireTime, '2030-01-02T03:04:05.678000Z');
  });

  it('renews without a transition and keeps the acquire time', () => {
    const spec = claimedSpec(held, 'a', 15, t0);
    assert.equal(spec.leaseTransitions, 3);
    assert.equal(spec.acquireTime, held.acquireTime);
    assert.notEqual(recordKey(spec), recordKey(held), 'a renewal is a visible change');
  });

  it('counts a takeover, from another holder or from a released lease', () => {
    const taken = claimedSpec(held, 'b', 15, t0);
    assert.equal(taken.holderIdentity, 'b');
    assert.equal(taken.leaseTransitions, 4);
    assert.equal(JSON.parse(JSON.stringify(taken)).acquireTime, '2030-01-02T03:04:05.678000Z');
    const released = releasedSpec(held, t0);
    assert.equal(released.holderIdentity, '');
    assert.equal(released.leaseDurationSeconds, 1);
    assert.equal(released.leaseTransitions, 3, 'releasing is not a transition');
    assert.equal(claimedSpec(released, 'b', 15, t0).leaseTransitions, 4);
  });

  it('identifies a record by its leader-election fields only', () => {
    assert.equal(recordKey({ ...held }), recordKey(held));
    assert.notEqual(recordKey({ ...held, holderIdentity: 'b' }), recordKey(held));
    assert.equal(recordKey(undefined), recordKey({}));
  });
});
