// Version 1: the call records Asterisk writes itself, in the shape its
// cdr_pgsql and cel_pgsql modules expect. Both modules read the table's
// columns when they load and fill each column by its name, so:
// - every column is nullable and strings are `text`: a value Asterisk writes
//   is never refused (a varchar(80) like Asterisk's sample schema would drop
//   the whole row when lastdata or a caller ID is longer);
// - `id` is a bigserial (a column default, which both modules leave to the
//   database) and not an identity column (which cdr_pgsql would fill with '');
// - times are `timestamp` in UTC: the modules write them without a zone
//   (cdr_pgsql.conf timezone = UTC, cel_pgsql.conf usegmtime = yes), so a
//   `timestamptz` would depend on the session's TimeZone;
// - a later CDR column named after a CDR variable (e.g. `queue`, set with
//   Set(CDR(queue)=...)) is filled by cdr_pgsql without any code change.
import type { Migration } from '../migrate.ts';

export const callRecords: Migration = {
  version: 1,
  name: 'call records (CDR, CEL)',
  sql: `
CREATE TABLE cdr (
  id bigserial PRIMARY KEY,
  start timestamp,
  answer timestamp,
  "end" timestamp,
  clid text,
  src text,
  dst text,
  dcontext text,
  channel text,
  dstchannel text,
  lastapp text,
  lastdata text,
  duration integer,
  billsec integer,
  disposition text,
  amaflags text,
  accountcode text,
  peeraccount text,
  uniqueid text,
  linkedid text,
  userfield text,
  sequence integer,
  tenantid text,
  peertenantid text
);
COMMENT ON TABLE cdr IS 'Call detail records, one row per call leg, written by Asterisk (cdr_pgsql) when the leg ends. Times are UTC.';
COMMENT ON COLUMN cdr.answer IS 'NULL when the leg was not answered.';
COMMENT ON COLUMN cdr.billsec IS 'Seconds from answer to end (0 when not answered).';
COMMENT ON COLUMN cdr.linkedid IS 'The same for every leg and CEL event of one call.';
-- Reports select by period; a call's legs and events are found by linkedid.
CREATE INDEX cdr_start_idx ON cdr (start);
CREATE INDEX cdr_linkedid_idx ON cdr (linkedid);
CREATE INDEX cdr_uniqueid_idx ON cdr (uniqueid);

CREATE TABLE cel (
  id bigserial PRIMARY KEY,
  eventtype text,
  eventtime timestamp,
  userdeftype text,
  cid_name text,
  cid_num text,
  cid_ani text,
  cid_rdnis text,
  cid_dnid text,
  exten text,
  context text,
  channame text,
  appname text,
  appdata text,
  accountcode text,
  peeraccount text,
  uniqueid text,
  linkedid text,
  amaflags integer,
  userfield text,
  peer text,
  extra text
);
COMMENT ON TABLE cel IS 'Channel events (CHAN_START, ANSWER, BRIDGE_ENTER, HANGUP, LINKEDID_END, ...), written by Asterisk (cel_pgsql) as they happen. Times are UTC, to the microsecond.';
COMMENT ON COLUMN cel.extra IS 'JSON text for some events (e.g. HANGUP: hangupcause, dialstatus), else empty.';
CREATE INDEX cel_linkedid_idx ON cel (linkedid);
-- Rows arrive in time order: a BRIN index serves period scans at a fraction of a B-tree's size.
CREATE INDEX cel_eventtime_idx ON cel USING brin (eventtime);
`,
};
