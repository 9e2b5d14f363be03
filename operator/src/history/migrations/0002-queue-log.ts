// Version 2: the queue log Asterisk writes itself (app_queue through the
// realtime `queue_log` family, res_config_pgsql). With the columns data1..data5
// present, Asterisk's logger stores each field of an event apart ("adaptive"
// realtime, main/logger.c logger_queue_rt_start) instead of one `data` string,
// so reports read numbers without parsing. The rows are the call center's
// queue events (ENTERQUEUE, CONNECT, ABANDON, COMPLETECALLER/AGENT,
// RINGNOANSWER, TRANSFER, EXITWITHTIMEOUT, ...) and its agents' states
// (ADDMEMBER, REMOVEMEMBER, PAUSE with its reason, UNPAUSE), as
// https://docs.asterisk.org/Asterisk_22_Documentation/API_Documentation/
// describes for queue_log.
// - `time` is a `timestamp` in UTC (logger.conf queue_log_realtime_use_gmt =
//   yes), to the microsecond: the logger writes "%F %T.%6q".
// - Strings are `text` and nullable, so Asterisk's require-field checks pass
//   and no value is ever refused.
import type { Migration } from '../migrate.ts';

export const queueLog: Migration = {
  version: 2,
  name: 'queue log (queue events, agent states)',
  sql: `
CREATE TABLE queue_log (
  id bigserial PRIMARY KEY,
  time timestamp,
  callid text,
  queuename text,
  agent text,
  event text,
  data1 text,
  data2 text,
  data3 text,
  data4 text,
  data5 text
);
COMMENT ON TABLE queue_log IS 'Queue events and agent states, one row per event, written by Asterisk (app_queue via realtime queue_log). Times are UTC.';
COMMENT ON COLUMN queue_log.callid IS 'The caller channel''s uniqueid (the cdr row''s uniqueid), NONE for agent events.';
COMMENT ON COLUMN queue_log.agent IS 'The member''s name (the agent''s interface or membername), NONE when no agent is involved.';
-- Reports select by period and queue; a call's events are found by callid.
CREATE INDEX queue_log_time_idx ON queue_log (time);
CREATE INDEX queue_log_queue_time_idx ON queue_log (queuename, time);
CREATE INDEX queue_log_callid_idx ON queue_log (callid);
CREATE INDEX queue_log_agent_time_idx ON queue_log (agent, time);
`,
};
