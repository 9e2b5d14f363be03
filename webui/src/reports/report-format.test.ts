import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  localDay,
  pausesText,
  percent,
  periodText,
  reportQuery,
  seconds,
} from './report-format.ts';

describe('reports page helpers', () => {
  it('builds the query: custom dates only for a custom period, no queue for all', () => {
    const base = {
      period: '7d' as const,
      from: '2026-11-01',
      to: '2026-11-02',
      queue: '',
      timeZone: 'Europe/Berlin',
    };
    assert.equal(reportQuery(base), 'period=7d&tz=Europe%2FBerlin');
    assert.equal(
      reportQuery({ ...base, period: 'custom', queue: 'sales' }, 'agents'),
      'period=custom&tz=Europe%2FBerlin&from=2026-11-01&to=2026-11-02&queue=sales&table=agents',
    );
  });

  it('writes figures for people', () => {
    assert.equal(seconds(null), '—');
    assert.equal(seconds(12.4), '0:12');
    assert.equal(seconds(64800), '18:00:00');
    assert.equal(percent(66.7), '66.7%');
    assert.equal(percent(null), '—');
    assert.equal(
      pausesText({ training: 900, lunch: 3600, '': 5 }),
      'no reason 0:05, lunch 1:00:00, training 15:00',
    );
    assert.equal(pausesText({}), '—');
    assert.equal(localDay(new Date('2026-11-10T23:30:00Z'), 'Asia/Tokyo'), '2026-11-11');
    assert.equal(localDay(new Date('2026-11-10T23:30:00Z'), 'UTC', 6), '2026-11-04');
    assert.equal(
      periodText('2026-11-10T00:00:00.000Z', '2026-11-11T00:00:00.000Z', 'Asia/Tokyo', 'en-GB'),
      '10 Nov 2026, 09:00 – 11 Nov 2026, 09:00 (Asia/Tokyo)',
    );
  });
});
