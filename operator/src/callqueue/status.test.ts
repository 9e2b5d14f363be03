import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { queue } from './fixtures.ts';
import { resolveQueues } from './resolve.ts';
import { desiredQueueStatus } from './status.ts';

const config = {
  extensions: { start: 1000, end: 8999 },
  hotline: { number: '117', queue: 'support' },
};
const now = new Date('2026-02-01T00:00:00Z');

const readyOf = (names: ReturnType<typeof queue>[], name: string, hasConfig = true) => {
  const q = names.find((n) => n.metadata.name === name);
  const r = resolveQueues(names, [], hasConfig ? config : undefined).get(name);
  assert.ok(q && r);
  const status = desiredQueueStatus(q, r, hasConfig, now);
  return { status, ready: status.conditions?.find((c) => c.type === 'Ready') };
};

describe('CallQueue status', () => {
  it('is Ready=False NumberConflict naming the queue that has the number', () => {
    const older = queue('first', { numbers: ['118'] }, '2026-01-01T00:00:00Z');
    const newer = queue('second', { numbers: ['118'] }, '2026-01-02T00:00:00Z');
    const { ready, status } = readyOf([older, newer], 'second');
    assert.equal(ready?.status, 'False');
    assert.equal(ready?.reason, 'NumberConflict');
    assert.match(ready?.message ?? '', /118.*first/);
    assert.equal(ready?.observedGeneration, 1);
    assert.deepEqual(status.numbers, []);
    assert.equal(status.observedGeneration, 1);
  });

  it('is Ready=False OverflowCycle naming the circle', () => {
    const a = queue('a', { numbers: ['201'], overflow: { queue: 'b' } });
    const b = queue('b', { numbers: ['202'], overflow: { queue: 'a' } });
    const { ready } = readyOf([a, b], 'a');
    assert.equal(ready?.reason, 'OverflowCycle');
    assert.match(ready?.message ?? '', /a -> b -> a/);
  });

  it('reports numbers in the extension range, then missing members', () => {
    assert.equal(
      readyOf([queue('q', { numbers: ['2000'] })], 'q').ready?.reason,
      'NumberInExtensionRange',
    );
    const { ready, status } = readyOf([queue('q', { numbers: ['118'] })], 'q');
    assert.equal(ready?.reason, 'NoMembers');
    assert.deepEqual(status.numbers, ['118']);
    assert.equal(status.members, 0);
    assert.equal(readyOf([queue('q', {})], 'q', false).ready?.reason, 'NoWebRTCConfig');
  });

  it('keeps lastTransitionTime while the status stays the same', () => {
    const q = queue('q', { numbers: ['118'] });
    const r = resolveQueues([q], [], config).get('q');
    assert.ok(r);
    const first = desiredQueueStatus(q, r, true, now);
    const again = desiredQueueStatus(
      { ...q, status: first },
      r,
      true,
      new Date('2026-03-01T00:00:00Z'),
    );
    assert.deepEqual(again, first);
  });
});
