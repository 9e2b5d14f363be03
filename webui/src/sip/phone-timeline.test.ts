import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recordEvent, TIMELINE_LIMIT, type TimelineEntry } from './phone-timeline.ts';

test('the timeline keeps the newest entries, in order, up to its limit', () => {
  const timeline: TimelineEntry[] = [];
  recordEvent(timeline, 'connect', 1);
  assert.deepEqual(timeline, [{ event: 'connect', at: 1 }]);
  for (let i = 2; i <= TIMELINE_LIMIT + 5; i++) recordEvent(timeline, `e${i}`, i);
  assert.equal(timeline.length, TIMELINE_LIMIT);
  assert.deepEqual(timeline[0], { event: 'e6', at: 6 });
  assert.deepEqual(timeline.at(-1), { event: `e${TIMELINE_LIMIT + 5}`, at: TIMELINE_LIMIT + 5 });
});
