import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stripManagedFields } from './strip-managed-fields.ts';

describe('stripManagedFields', () => {
  it('drops managedFields and keeps the rest of the metadata', () => {
    const obj = {
      metadata: {
        name: 'a',
        resourceVersion: '7',
        managedFields: [{ manager: 'kubectl', operation: 'Apply' }],
      },
      spec: { displayName: 'A' },
    };
    assert.deepEqual(stripManagedFields(obj), {
      metadata: { name: 'a', resourceVersion: '7' },
      spec: { displayName: 'A' },
    });
  });

  it('leaves objects without metadata alone', () => {
    assert.equal(stripManagedFields(null), null);
    assert.deepEqual(stripManagedFields({ kind: 'Status' }), { kind: 'Status' });
  });
});
