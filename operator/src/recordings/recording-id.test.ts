import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkRecordingId, recordingContentType } from './recording-id.ts';

describe('checkRecordingId', () => {
  it('accepts the names the dialplan writes', () => {
    for (const id of [
      '1733460000.12-1733460000.13.wav',
      'o-rec-1-1733460000.13.WAV',
      'abc_def-1.gsm',
      'x.ulaw',
    ])
      assert.deepEqual(checkRecordingId(id), { ok: true, id });
  });

  it('refuses path tricks and other files before anything is looked up', () => {
    for (const [id, why] of [
      ['../etc/passwd', /no path/],
      ['..wav', /no path/],
      ['a..wav', /no path/],
      ['/etc/passwd.wav', /no path/],
      ['a/b.wav', /no path/],
      ['%2e%2e%2fsecret.wav', /no path/],
      ['a\u0000.wav', /no path/],
      ['.hidden.wav', /no path/],
      ['a.wav.', /no path/],
      ['recording', /must end in a recording format/],
      ['recording.txt', /must end in a recording format/],
      ['', /empty/],
      [`${'a'.repeat(200)}.wav`, /longer than 200/],
    ] as const) {
      const r = checkRecordingId(id);
      assert.equal(r.ok, false, id);
      assert.match(r.ok ? '' : r.message, why, id);
    }
  });

  it('serves each format with its media type', () => {
    assert.equal(recordingContentType('a.wav'), 'audio/wav');
    assert.equal(recordingContentType('a.WAV'), 'audio/wav');
    assert.equal(recordingContentType('a.gsm'), 'audio/x-gsm');
  });
});
