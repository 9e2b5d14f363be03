import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadRecordingSettings } from './settings.ts';

describe('loadRecordingSettings', () => {
  it('is off without RECORDINGS_DIR and reads the retention interval', () => {
    assert.equal(loadRecordingSettings({}), undefined);
    assert.deepEqual(loadRecordingSettings({ RECORDINGS_DIR: '/rec' }), {
      dir: '/rec',
      retentionIntervalMs: undefined,
    });
    assert.deepEqual(
      loadRecordingSettings({
        RECORDINGS_DIR: '/rec',
        RECORDINGS_RETENTION_INTERVAL_SECONDS: '60',
      }),
      { dir: '/rec', retentionIntervalMs: 60_000 },
    );
  });

  it('names the bad setting', () => {
    assert.throws(
      () => loadRecordingSettings({ RECORDINGS_DIR: 'rec' }),
      /RECORDINGS_DIR must be an absolute path/,
    );
    assert.throws(
      () =>
        loadRecordingSettings({
          RECORDINGS_DIR: '/rec',
          RECORDINGS_RETENTION_INTERVAL_SECONDS: '0',
        }),
      /RECORDINGS_RETENTION_INTERVAL_SECONDS must be a whole number/,
    );
  });
});
