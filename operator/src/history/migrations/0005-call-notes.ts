// Agents' notes on their calls: a disposition code (WebRTCConfig
// spec.dispositions) and free text, one row per call and agent, written by
// PUT /softphone/calls/<linkedid>/note (api/softphone/notes-route.ts).
// linkedid is the call's id in cdr/cel; no foreign key: cdr has no unique
// linkedid (one row per leg), and the route checks the agent was a party.
import type { Migration } from '../migrate.ts';

export const callNotes: Migration = {
  version: 5,
  name: 'agent call notes (call_notes)',
  sql: `
CREATE TABLE call_notes (
  linkedid text NOT NULL,
  agent text NOT NULL,
  disposition text,
  note text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (linkedid, agent)
);
COMMENT ON TABLE call_notes IS 'An agent''s disposition code and note on a call (linkedid as in cdr), one row per call and agent.';
COMMENT ON COLUMN call_notes.agent IS 'The agent''s SIP username (as in the cdr channel names).';
CREATE INDEX call_notes_updated_idx ON call_notes (updated_at);
`,
};
