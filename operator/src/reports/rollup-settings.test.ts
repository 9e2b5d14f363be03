import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_ROLLUP_INTERVAL_MS, loadRollupIntervalMs } from './rollup-settings.ts';

describe('loadRollupIntervalMs', () => {
  it('is 30 s unless REPORT_ROLLUP_INTERVAL_SECONDS says otherwise', () => {
    assert.equal(loadRollupIntervalMs({}), DEFAULT_ROLLUP_INTERVAL_MS);
    assert.equal(loadRollupIntervalMs({ REPORT_ROLLUP_INTERVAL_SECONDS: ' ' }), 30_000);
    assert.equal(loadRollupIntervalMs({ REPORT_ROLLUP_INTERVAL_SECONDS: '5' }), 5_000);
  });

  it('names the bad setting', () => {
    for (const bad of ['0', '-1', '1.5', 'soon', '86401'])
      assert.throws(
        () => loadRollupIntervalMs({ REPORT_ROLLUP_INTERVAL_SECONDS: bad }),
        new RegExp(`REPORT_ROLLUP_INTERVAL_SECONDS must be .*got "${bad}"`),
      );
  });
});
