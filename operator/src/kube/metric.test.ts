import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Counter } from 'prom-client';
import { registry } from '../metrics.ts';
import { counter, gauge } from './metric.ts';

describe('metric helpers', () => {
  it('create a metric once and hand the registered one out again', async () => {
    const a = counter({ name: 'switchboard_test_once_total', help: 'h', labelNames: ['queue'] });
    const b = counter({ name: 'switchboard_test_once_total', help: 'h', labelNames: ['queue'] });
    assert.equal(a, b);
    a.inc({ queue: 'q' });
    assert.match(await registry.metrics(), /switchboard_test_once_total\{queue="q"\} 1/);
  });

  it('reuse a metric registered elsewhere with the same labels', () => {
    const elsewhere = new Counter({
      name: 'switchboard_test_elsewhere_total',
      help: 'h',
      labelNames: ['informer'],
      registers: [registry],
    });
    assert.equal(
      counter({ name: 'switchboard_test_elsewhere_total', help: 'h', labelNames: ['informer'] }),
      elsewhere,
    );
  });

  it('refuse a name taken by another type or other labels', () => {
    counter({ name: 'switchboard_test_taken_total', help: 'h', labelNames: ['queue'] });
    assert.throws(
      () => counter({ name: 'switchboard_test_taken_total', help: 'h', labelNames: ['informer'] }),
      /already registered with another type or labels/,
    );
    assert.throws(
      () => gauge({ name: 'switchboard_test_taken_total', help: 'h', labelNames: ['queue'] }),
      /already registered/,
    );
  });
});
