import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUCKET_MS, splitRange } from './buckets.ts';
import { utcRange } from './period.ts';

const d = (s: string) => new Date(s);
const iso = (s: { fullFrom: Date; fullTo: Date }) => [
  s.fullFrom.toISOString(),
  s.fullTo.toISOString(),
];

describe('splitRange', () => {
  it('a local day of a zone on whole quarter hours is all whole buckets', () => {
    for (const tz of [
      'UTC',
      'Asia/Kolkata',
      'Asia/Kathmandu',
      'America/St_Johns',
      'Pacific/Chatham',
    ]) {
      const r = utcRange({ year: 2026, month: 3, day: 29 }, { year: 2026, month: 4, day: 4 }, tz);
      const s = splitRange(r);
      assert.deepEqual(s, { fullFrom: r.from, fullTo: r.to }, tz);
      assert.equal(r.from.getTime() % BUCKET_MS, 0, tz);
    }
  });

  it('ragged edges are left to the raw rows', () => {
    const s = splitRange({ from: d('2026-01-01T00:10:00Z'), to: d('2026-01-01T02:20:30Z') });
    assert.deepEqual(iso(s), ['2026-01-01T00:15:00.000Z', '2026-01-01T02:15:00.000Z']);
  });

  it('Africa/Monrovia in 1971 (UTC-0:44:30) is raw at both edges, whole inside', () => {
    const r = utcRange(
      { year: 1971, month: 6, day: 1 },
      { year: 1971, month: 6, day: 1 },
      'Africa/Monrovia',
    );
    assert.equal(r.from.toISOString(), '1971-06-01T00:44:30.000Z');
    assert.deepEqual(iso(splitRange(r)), ['1971-06-01T00:45:00.000Z', '1971-06-02T00:30:00.000Z']);
  });

  it('a range inside one bucket has no whole bucket and is read raw', () => {
    for (const [from, to] of [
      ['2026-01-01T00:01:00Z', '2026-01-01T00:14:00Z'],
      ['2026-01-01T00:01:00Z', '2026-01-01T00:20:00Z'],
      ['2026-01-01T00:00:00Z', '2026-01-01T00:14:00Z'],
    ] as const) {
      const s = splitRange({ from: d(from), to: d(to) });
      assert.equal(s.fullFrom.getTime(), s.fullTo.getTime());
      assert.ok(s.fullFrom >= d(from) && s.fullTo <= d(to), `${from} ${to}`);
    }
  });
});
