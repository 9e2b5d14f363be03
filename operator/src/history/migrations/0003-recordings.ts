// Call recordings (the file name "0004" is this work's place in the series:
// the reports' own version may take 3, and the lead renumbers at merge).
// - cdr.recording: the recording's file name in the recordings volume, set by
//   the dialplan (Set(CDR(recording)=...), asterisk/render/recording.ts) and
//   written by cdr_pgsql, which fills columns by name; NULL when the call was
//   not recorded or its recording expired.
// - cdr.recording_retention_days: the queue's retention when the call was
//   recorded (a later change of the queue does not shorten or extend it).
// - recording_access: every playback and download (who, when, from where).
//   Kept when a recording expires: the audit outlives the audio.
import type { Migration } from '../migrate.ts';

export const recordings: Migration = {
  version: 3,
  name: 'call recordings (cdr.recording, recording_access)',
  sql: `
ALTER TABLE cdr ADD COLUMN recording text, ADD COLUMN recording_retention_days integer;
COMMENT ON COLUMN cdr.recording IS 'File name of the call''s recording in the recordings volume (<linkedid>-<agent leg uniqueid>.<ext>); NULL: not recorded, or expired.';
COMMENT ON COLUMN cdr.recording_retention_days IS 'Days the recording is kept after the call started.';
-- Listing and retention read recorded calls only.
CREATE INDEX cdr_recording_start_idx ON cdr (start) WHERE recording IS NOT NULL;
CREATE INDEX cdr_recording_idx ON cdr (recording) WHERE recording IS NOT NULL;

CREATE TABLE recording_access (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  recording text NOT NULL,
  linkedid text,
  action text NOT NULL CHECK (action IN ('play', 'download')),
  principal text NOT NULL,
  client text
);
COMMENT ON TABLE recording_access IS 'Every playback and download of a recording, written by the operator before it sends the audio.';
CREATE INDEX recording_access_recording_idx ON recording_access (recording, at);
CREATE INDEX recording_access_at_idx ON recording_access (at);
`,
};
