import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { localDateOf, periodDays, startOfLocalDay, utcRange, zoneOffsetMs } from './period.ts';

describe('report periods in the viewer zone', () => {
  it('starts a day at local midnight, whatever the offset', () => {
    const d = { year: 2026, month: 12, day: 6 };
    assert.equal(startOfLocalDay(d, 'UTC').toISOString(), '2026-12-06T00:00:00.000Z');
    assert.equal(startOfLocalDay(d, 'Asia/Tokyo').toISOString(), '2026-12-05T15:00:00.000Z');
    assert.equal(startOfLocalDay(d, 'America/New_York').toISOString(), '2026-12-06T05:00:00.000Z');
    assert.equal(startOfLocalDay(d, 'Asia/Kolkata').toISOString(), '2026-12-05T18:30:00.000Z');
    assert.equal(zoneOffsetMs(Date.parse('2026-07-01T12:00:00Z'), 'Europe/Berlin'), 7_200_000);
  });

  it('keeps days 23 and 25 hours long across DST changes', () => {
    const spring = utcRange(
      { year: 2026, month: 3, day: 29 },
      { year: 2026, month: 3, day: 29 },
      'Europe/Berlin',
    );
    assert.equal(spring.from.toISOString(), '2026-03-28T23:00:00.000Z');
    assert.equal(spring.to.getTime() - spring.from.getTime(), 23 * 3_600_000);
    const autumn = utcRange(
      { year: 2026, month: 10, day: 25 },
      { year: 2026, month: 10, day: 25 },
      'Europe/Berlin',
    );
    assert.equal(autumn.to.getTime() - autumn.from.getTime(), 25 * 3_600_000);
  });

  it('takes the first local instant when midnight is skipped', () => {
    // America/Santiago moves from -04 to -03 at local midnight on 2026-09-06.
    assert.equal(
      startOfLocalDay({ year: 2026, month: 9, day: 6 }, 'America/Santiago').toISOString(),
      '2026-09-06T04:00:00.000Z',
    );
  });

  it('says which day "today" is in the viewer zone', () => {
    const now = new Date('2026-12-06T23:30:00Z');
    assert.deepEqual(localDateOf(now, 'UTC'), { year: 2026, month: 12, day: 6 });
    assert.deepEqual(localDateOf(now, 'Asia/Tokyo'), { year: 2026, month: 12, day: 7 });
    assert.deepEqual(localDateOf(now, 'America/Los_Angeles'), { year: 2026, month: 12, day: 6 });
    const today = periodDays('today', now, 'Asia/Tokyo');
    const r = utcRange(today.first, today.last, 'Asia/Tokyo');
    assert.equal(r.from.toISOString(), '2026-12-06T15:00:00.000Z');
    assert.equal(r.to.toISOString(), '2026-12-07T15:00:00.000Z');
  });

  it('counts 7 and 30 days with today included, across month ends', () => {
    const now = new Date('2026-03-02T10:00:00Z');
    assert.deepEqual(periodDays('7d', now, 'UTC'), {
      first: { year: 2026, month: 2, day: 24 },
      last: { year: 2026, month: 3, day: 2 },
    });
    assert.deepEqual(periodDays('30d', now, 'UTC').first, { year: 2026, month: 2, day: 1 });
  });
});
