import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isTimeZone, MAX_PERIOD_DAYS, parseLocalDate, parseReportParams } from './params.ts';

const queues = new Set(['support', 'sales']);
const now = new Date('2026-12-06T12:00:00Z');
const errorsOf = (q: Record<string, unknown>) => {
  const r = parseReportParams(q, queues, now);
  assert.equal(r.ok, false);
  return r.ok ? [] : r.errors;
};

describe('report parameters', () => {
  it('defaults to today, every queue, UTC', () => {
    const r = parseReportParams({}, queues, now);
    assert.ok(r.ok);
    assert.equal(r.params.period, 'today');
    assert.equal(r.params.queue, undefined);
    assert.equal(r.params.firstDay, '2026-12-06');
    assert.equal(r.params.range.from.toISOString(), '2026-12-06T00:00:00.000Z');
    assert.equal(r.params.range.to.toISOString(), '2026-12-07T00:00:00.000Z');
  });

  it('takes a custom period of whole local days, both included', () => {
    const r = parseReportParams(
      {
        period: 'custom',
        from: '2026-11-01',
        to: '2026-11-30',
        tz: 'Africa/Freetown',
        queue: 'sales',
      },
      queues,
      now,
    );
    assert.ok(r.ok);
    assert.equal(r.params.queue, 'sales');
    assert.equal(r.params.range.from.toISOString(), '2026-11-01T00:00:00.000Z');
    assert.equal(r.params.range.to.toISOString(), '2026-12-01T00:00:00.000Z');
  });

  it('names the parameter of each problem', () => {
    assert.deepEqual(
      errorsOf({ period: 'custom', from: '2016-01-01', to: '2026-01-01' }).map((e) => e.field),
      ['to'],
    );
    assert.match(
      errorsOf({ period: 'custom', from: '2016-01-01', to: '2026-01-01' })[0]?.message ?? '',
      new RegExp(`at most ${MAX_PERIOD_DAYS} days`),
    );
    assert.deepEqual(
      errorsOf({ queue: 'nope' }).map((e) => e.field),
      ['queue'],
    );
    assert.match(errorsOf({ queue: 'nope' })[0]?.message ?? '', /known: sales, support/);
    assert.deepEqual(
      errorsOf({ period: 'custom', from: '2026-02-30', to: 'yesterday' }).map((e) => e.field),
      ['from', 'to'],
    );
    assert.deepEqual(
      errorsOf({ tz: 'Mars/Olympus' }).map((e) => e.field),
      ['tz'],
    );
    assert.deepEqual(
      errorsOf({ period: 'year' }).map((e) => e.field),
      ['period'],
    );
    assert.deepEqual(
      errorsOf({ period: 'custom', from: '2026-12-02', to: '2026-12-01' }).map((e) => e.field),
      ['to'],
    );
    assert.deepEqual(
      errorsOf({ period: '7d', from: '2026-12-01' }).map((e) => e.field),
      ['from'],
    );
  });

  it('accepts exactly the longest period', () => {
    const r = parseReportParams(
      { period: 'custom', from: '2025-11-02', to: '2026-12-06' },
      queues,
      now,
    );
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(
      errorsOf({ period: 'custom', from: '2025-11-01', to: '2026-12-06' })[0]?.field,
      'to',
    );
  });

  it('knows dates and zones strictly', () => {
    assert.deepEqual(parseLocalDate('2024-02-29'), { year: 2024, month: 2, day: 29 });
    assert.equal(parseLocalDate('2026-02-29'), undefined);
    assert.equal(parseLocalDate('2026-1-5'), undefined);
    assert.equal(parseLocalDate("2026-01-05' OR 1=1"), undefined);
    assert.ok(isTimeZone('America/Argentina/Buenos_Aires'));
    assert.ok(isTimeZone('UTC'));
    assert.equal(isTimeZone('Europe/Nowhere'), false);
    assert.equal(isTimeZone("UTC'; DROP TABLE cdr"), false);
  });
});
