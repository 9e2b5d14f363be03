// The reports' SQL. PostgreSQL aggregates (percentile_cont, range_agg,
// AT TIME ZONE); every value is a parameter. The tables hold UTC
// `timestamp`s (migrations 0001/0002), so ranges are passed as UTC text.
//
// What counts (queue_log rows, by the time each event was logged):
// offered = ENTERQUEUE, answered = CONNECT, abandoned = ABANDON (the caller
// hung up waiting), timed out = EXITWITHTIMEOUT/EXITEMPTY/EXITWITHKEY (left
// by the queue's rules). Wait of an answered call = CONNECT data1; of a call
// that left unanswered = data3 (data4 for EXITWITHKEY). Talk time =
// COMPLETECALLER/COMPLETEAGENT data2, BLINDTRANSFER data4, ATTENDEDTRANSFER
// data3 (apps/app_queue.c). Handle time is talk time: the queue log has no
// wrap-up row.

/** A decimal field of a queue_log row as an integer, NULL when it is not one. */
export const num = (col: string) => `(CASE WHEN ${col} ~ '^[0-9]{1,9}$' THEN ${col}::int END)`;

export const WAIT = `(CASE event WHEN 'CONNECT' THEN ${num('data1')}
  WHEN 'EXITWITHKEY' THEN ${num('data4')}
  WHEN 'ABANDON' THEN ${num('data3')} WHEN 'EXITWITHTIMEOUT' THEN ${num('data3')}
  WHEN 'EXITEMPTY' THEN ${num('data3')} END)`;

export const TALK = `(CASE event WHEN 'COMPLETECALLER' THEN ${num('data2')}
  WHEN 'COMPLETEAGENT' THEN ${num('data2')} WHEN 'BLINDTRANSFER' THEN ${num('data4')}
  WHEN 'ATTENDEDTRANSFER' THEN ${num('data3')} END)`;

export const ENDED = `('COMPLETECALLER','COMPLETEAGENT','BLINDTRANSFER','ATTENDEDTRANSFER')`;

/** $1 from, $2 to (UTC), $3 queue or NULL: the rows of the period. */
const IN_PERIOD = `time >= $1::timestamp AND time < $2::timestamp
  AND ($3::text IS NULL OR queuename = $3::text)`;

/**
 * One row: the queue figures. $4 queue names, $5 their service levels (s):
 * a call counts toward the service level only in a queue that has one.
 */
export const SUMMARY_SQL = `
WITH q AS (
  SELECT event, queuename, ${WAIT} AS wait, ${TALK} AS talk
  FROM queue_log
  WHERE ${IN_PERIOD}
    AND event IN ('ENTERQUEUE','CONNECT','ABANDON','EXITWITHTIMEOUT','EXITEMPTY','EXITWITHKEY',
                  'COMPLETECALLER','COMPLETEAGENT','BLINDTRANSFER','ATTENDEDTRANSFER')
), sl AS (
  SELECT * FROM unnest($4::text[], $5::int[]) AS s(queuename, seconds)
)
SELECT
  count(*) FILTER (WHERE event = 'ENTERQUEUE')::int AS offered,
  count(*) FILTER (WHERE event = 'CONNECT')::int AS answered,
  count(*) FILTER (WHERE event = 'ABANDON')::int AS abandoned,
  count(*) FILTER (WHERE event IN ('EXITWITHTIMEOUT','EXITEMPTY','EXITWITHKEY'))::int AS timed_out,
  count(*) FILTER (WHERE event = 'CONNECT' AND sl.seconds > 0)::int AS answered_with_sl,
  count(*) FILTER (WHERE event = 'CONNECT' AND sl.seconds > 0 AND wait <= sl.seconds)::int AS answered_in_sl,
  avg(wait) FILTER (WHERE event = 'CONNECT')::float8 AS avg_wait,
  percentile_cont(0.9) WITHIN GROUP (ORDER BY wait) FILTER (WHERE event = 'CONNECT') AS p90_wait,
  max(wait) AS longest_wait,
  avg(talk) FILTER (WHERE event IN ${ENDED})::float8 AS avg_handle,
  count(*) FILTER (WHERE event IN ${ENDED})::int AS ended
FROM q LEFT JOIN sl USING (queuename)`;

/** Calls per local hour of day: $4 the viewer's IANA zone. */
export const HOURLY_SQL = `
SELECT extract(hour FROM (time AT TIME ZONE 'UTC') AT TIME ZONE $4::text)::int AS hour,
  count(*) FILTER (WHERE event = 'ENTERQUEUE')::int AS offered,
  count(*) FILTER (WHERE event = 'CONNECT')::int AS answered,
  count(*) FILTER (WHERE event = 'ABANDON')::int AS abandoned
FROM queue_log
WHERE ${IN_PERIOD} AND event IN ('ENTERQUEUE','CONNECT','ABANDON')
GROUP BY 1 ORDER BY 1`;

/** Per member: answered, missed (RINGNOANSWER), talk time. */
export const AGENT_CALLS_SQL = `
SELECT agent,
  count(*) FILTER (WHERE event = 'CONNECT')::int AS answered,
  count(*) FILTER (WHERE event = 'RINGNOANSWER')::int AS missed,
  coalesce(sum(${TALK}), 0)::int AS talk,
  avg(${TALK})::float8 AS avg_handle
FROM queue_log
WHERE ${IN_PERIOD} AND agent IS NOT NULL AND agent <> 'NONE'
  AND event IN ('CONNECT','RINGNOANSWER','COMPLETECALLER','COMPLETEAGENT','BLINDTRANSFER','ATTENDEDTRANSFER')
GROUP BY agent`;

/** The queue-log events that change a member's state (migration 0003 indexes them apart). */
const STATE_EVENT = `event IN ('ADDMEMBER','REMOVEMEMBER','PAUSE','UNPAUSE')`;

/**
 * Member states as ranges: each ADDMEMBER/PAUSE/UNPAUSE/REMOVEMEMBER holds
 * until the member's next one in that queue (or $4, now or the period's end).
 * The state in force at the period's start is each member's last event
 * before it, found per (queue, member) by a loose index scan (a recursive
 * walk of the distinct pairs, then one probe each), so it costs the number of
 * members, not the length of the history. $1 from, $2 to, $3 queue, $4 open end.
 */
const STATES = `
pairs AS (
  SELECT queuename, agent FROM (
    WITH RECURSIVE walk(queuename, agent) AS (
      (SELECT queuename, agent FROM queue_log
       WHERE ${STATE_EVENT} AND ($3::text IS NULL OR queuename = $3::text)
       ORDER BY queuename, agent LIMIT 1)
      UNION ALL
      SELECT n.queuename, n.agent FROM walk w, LATERAL (
        SELECT queuename, agent FROM queue_log
        WHERE ${STATE_EVENT} AND ($3::text IS NULL OR queuename = $3::text)
          AND (queuename, agent) > (w.queuename, w.agent)
        ORDER BY queuename, agent LIMIT 1) n
    )
    SELECT * FROM walk
  ) AS w
), states AS (
  SELECT queuename, agent, event, data1, time FROM queue_log
  WHERE ${IN_PERIOD} AND ${STATE_EVENT}
  UNION ALL
  SELECT last.* FROM pairs p, LATERAL (
    SELECT queuename, agent, event, data1, time FROM queue_log
    WHERE queuename = p.queuename AND agent = p.agent AND ${STATE_EVENT} AND time < $1::timestamp
    ORDER BY time DESC LIMIT 1
  ) AS last
), spans AS (
  SELECT agent, event, data1,
    tsrange(time, coalesce(lead(time) OVER (PARTITION BY queuename, agent ORDER BY time), $4::timestamp)) AS span
  FROM states
), period AS (SELECT tsmultirange(tsrange($1::timestamp, least($2::timestamp, $4::timestamp))) AS p)`;

/** Per member: seconds signed in (any queue; overlapping queues count once). */
export const SIGNED_IN_SQL = `
WITH ${STATES}
SELECT agent, coalesce(sum(extract(epoch FROM upper(r) - lower(r))), 0)::float8 AS seconds
FROM (
  SELECT agent, unnest(range_agg(span) * (SELECT p FROM period)) AS r
  FROM spans WHERE event <> 'REMOVEMEMBER' AND NOT isempty(span) GROUP BY agent
) AS s
GROUP BY agent`;

/** Per member and reason: seconds paused (added paused: reason ''). */
export const PAUSED_SQL = `
WITH ${STATES}
SELECT agent, reason, coalesce(sum(extract(epoch FROM upper(r) - lower(r))), 0)::float8 AS seconds
FROM (
  SELECT agent, reason, unnest(range_agg(span) * (SELECT p FROM period)) AS r
  FROM (
    SELECT agent, CASE event WHEN 'PAUSE' THEN coalesce(data1, '') ELSE '' END AS reason, span
    FROM spans
    WHERE (event = 'PAUSE' OR (event = 'ADDMEMBER' AND data1 = 'PAUSED')) AND NOT isempty(span)
  ) AS p
  GROUP BY agent, reason
) AS s
GROUP BY agent, reason`;

/**
 * An agent's own calls in a period, from the call records: legs on the
 * agent's endpoint (PJSIP/<user>-...), either end. $1 from, $2 to, $3 the
 * LIKE pattern of the agent's channels.
 */
export const OWN_CALLS_SQL = `
SELECT count(DISTINCT linkedid) FILTER (WHERE answer IS NOT NULL)::int AS answered,
  count(DISTINCT linkedid) FILTER (WHERE answer IS NULL)::int AS unanswered,
  coalesce(sum(billsec) FILTER (WHERE answer IS NOT NULL), 0)::int AS talk
FROM cdr
WHERE start >= $1::timestamp AND start < $2::timestamp
  AND (channel LIKE $3::text OR dstchannel LIKE $3::text)`;
