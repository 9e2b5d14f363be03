import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { visibleRange } from './virtual-range.ts';

describe('the rows a virtual list renders', () => {
  it('renders the viewport and a few rows either side', () => {
    assert.deepEqual(visibleRange(0, 400, 40, 1000, 5), { start: 0, end: 16 });
    assert.deepEqual(visibleRange(4000, 400, 40, 1000, 5), { start: 95, end: 116 });
  });

  it('stays inside the list', () => {
    assert.deepEqual(visibleRange(39_990, 400, 40, 1000, 5), { start: 994, end: 1000 });
    assert.deepEqual(visibleRange(0, 400, 40, 3), { start: 0, end: 3 });
    assert.deepEqual(visibleRange(0, 400, 40, 0), { start: 0, end: 0 });
    assert.deepEqual(visibleRange(-50, 400, 40, 10, 0), { start: 0, end: 10 });
  });

  it('holds 1,000 rows with few in the DOM', () => {
    const r = visibleRange(12_345, 600, 36, 1000);
    assert.ok(r.end - r.start <= 30, `${r.end - r.start} rows`);
  });
});
