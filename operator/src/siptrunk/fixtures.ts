// Test helpers (not imported by the operator): SipTrunks as the API server stores them.
import assert from 'node:assert/strict';
import type { SipTrunk } from '../crds/types.ts';
import { validateSipTrunk } from '../schema/validators.ts';

/** A SipTrunk after defaulting, generation 1. */
export function sipTrunk(
  name: string,
  spec: Record<string, unknown>,
  created = '2026-01-01T00:00:00Z',
): SipTrunk {
  const r = validateSipTrunk({
    apiVersion: 'switchboard.dev/v1alpha1',
    kind: 'SipTrunk',
    metadata: { name, namespace: 'ns', creationTimestamp: created, generation: 1 },
    spec: { host: 'sip.carrier.example', ...spec },
  });
  assert.ok(r.ok, JSON.stringify(r.ok ? '' : r.errors));
  return r.value;
}
