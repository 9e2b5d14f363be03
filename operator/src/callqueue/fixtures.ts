// Test helpers (not imported by the operator): CallQueues as the API server stores them.
import assert from 'node:assert/strict';
import type { CallQueue } from '../crds/types.ts';
import { validateCallQueue } from '../schema/validators.ts';

/** A CallQueue after defaulting, generation 1. */
export function queue(
  name: string,
  spec: Record<string, unknown>,
  created = '2026-01-01T00:00:00Z',
): CallQueue {
  const r = validateCallQueue({
    apiVersion: 'switchboard.dev/v1alpha1',
    kind: 'CallQueue',
    metadata: { name, creationTimestamp: created, generation: 1 },
    spec,
  });
  assert.ok(r.ok, JSON.stringify(r.ok ? '' : r.errors));
  return r.value;
}
