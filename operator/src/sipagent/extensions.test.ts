import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocateExtension, resolveExtensions } from './extensions.ts';

const range = { start: 1000, end: 1004 };

describe('extension allocation', () => {
  it('starts at the beginning of the range and counts up after the highest', () => {
    assert.equal(allocateExtension(new Set(), range), 1000);
    assert.equal(allocateExtension(new Set([1000, 1001]), range), 1002);
    assert.equal(
      allocateExtension(new Set([1000, 1003]), range),
      1004,
      'gaps wait until the end is reached',
    );
  });

  it('reuses gaps only once the end of the range is reached, and reports a full range', () => {
    assert.equal(allocateExtension(new Set([1000, 1004]), range), 1001);
    assert.equal(allocateExtension(new Set([1000, 1001, 1002, 1003, 1004]), range), null);
  });

  it('ignores extensions outside the range', () => {
    assert.equal(allocateExtension(new Set([99, 5000]), range), 1000);
  });
});

describe('extension conflicts', () => {
  it('let the older agent keep a contested extension', () => {
    const ownership = resolveExtensions([
      { name: 'new', creationTimestamp: '2026-01-02T00:00:00Z', extension: 1000 },
      { name: 'old', creationTimestamp: '2026-01-01T00:00:00Z', extension: 1000 },
      { name: 'other', creationTimestamp: '2026-01-03T00:00:00Z', extension: 1001 },
      { name: 'pending', creationTimestamp: '2026-01-03T00:00:00Z', extension: undefined },
    ]);
    assert.deepEqual(ownership.get('old'), { extension: 1000 });
    assert.deepEqual(ownership.get('new'), { extension: 1000, conflictWith: 'old' });
    assert.deepEqual(ownership.get('other'), { extension: 1001 });
    assert.equal(ownership.get('pending'), undefined);
  });

  it('break creation-time ties by name, so every replica decides alike', () => {
    const t = '2026-01-01T00:00:00Z';
    const ownership = resolveExtensions([
      { name: 'b', creationTimestamp: t, extension: 7 },
      { name: 'a', creationTimestamp: t, extension: 7 },
    ]);
    assert.deepEqual(ownership.get('b'), { extension: 7, conflictWith: 'a' });
  });
});

describe('extension conflicts within one second', () => {
  it('leave the extension with the agent that already holds it', () => {
    const t = '2026-01-01T00:00:00Z';
    const ownership = resolveExtensions([
      { name: 'a-newcomer', creationTimestamp: t, extension: 7 },
      { name: 'z-holder', creationTimestamp: t, extension: 7, incumbent: true },
    ]);
    assert.deepEqual(ownership.get('a-newcomer'), { extension: 7, conflictWith: 'z-holder' });
  });
});
