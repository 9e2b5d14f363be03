import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WebRTCConfig } from '../../crds/types.ts';
import { asteriskNoticeOf } from './asterisk-notice.ts';

const config = (reason: string, status = 'True') =>
  ({
    metadata: { name: 'default', namespace: 'ns' },
    status: { conditions: [{ type: 'AsteriskConnected', status, reason, message: 'm' }] },
  }) as unknown as WebRTCConfig;

describe('asteriskNoticeOf', () => {
  it('tells agents while Asterisk drains, and only then', () => {
    const draining = asteriskNoticeOf(config('Draining'));
    assert.equal(draining.draining, true);
    assert.match(draining.message ?? '', /restarting for maintenance/);
    assert.deepEqual(asteriskNoticeOf(config('Connected')), { draining: false, message: null });
    assert.deepEqual(asteriskNoticeOf(config('Disconnected', 'False')), {
      draining: false,
      message: null,
    });
    assert.deepEqual(asteriskNoticeOf(undefined), { draining: false, message: null });
  });
});
