// The rollup's SQL: how a bucket is summed (the same fragments serve the
// leader's build and the raw tail of a report, so both count alike) and the
// report queries that answer from the rollup plus raw rows. Every figure
// equals the raw query's in sql.ts: counts and sums add up; averages are
// numeric sum / count, as avg(int) computes them; the 90th percentile is
// percentile_cont's own interpolation over the wait distribution.
//
// A report's range splits (buckets.ts) into whole buckets [$4, $5) and raw
// edges [$1, $4), [$5, $2). Inside the whole buckets, a bucket with a dirty
// mark (rows written since the rollup read it) is read raw instead; the mark
// commits with the rows, so one statement's snapshot never counts a row twice
// or misses one. $3 is the queue or NULL (every queue).
import { ENDED, TALK, WAIT } from './sql.ts';

const QUARTER = `interval '15 minutes'`;
const BUCKET_OF = `date_bin('15 minutes', time, timestamp '1970-01-01')`;

const SUMMARY_EVENTS = `('ENTERQUEUE','CONNECT','ABANDON','EXITWITHTIMEOUT','EXITEMPTY','EXITWITHKEY',
  'COMPLETECALLER','COMPLETEAGENT','BLINDTRANSFER','ATTENDEDTRANSFER')`;
const WAIT_EVENTS = `('CONNECT','ABANDON','EXITWITHTIMEOUT','EXITEMPTY','EXITWITHKEY')`;
const AGENT_EVENTS = `('CONNECT','RINGNOANSWER','COMPLETECALLER','COMPLETEAGENT','BLINDTRANSFER','ATTENDEDTRANSFER')`;

/** Per (bucket, queue) of `src` (queue_log columns plus bucket): the report_rollup_queue row. */
const queueAgg = (src: string) => `
SELECT bucket, queuename,
  count(*) FILTER (WHERE event = 'ENTERQUEUE')::int AS offered,
  count(*) FILTER (WHERE event = 'CONNECT')::int AS answered,
  count(*) FILTER (WHERE event = 'ABANDON')::int AS abandoned,
  count(*) FILTER (WHERE event IN ('EXITWITHTIMEOUT','EXITEMPTY','EXITWITHKEY'))::int AS timed_out,
  count(*) FILTER (WHERE event IN ${ENDED})::int AS ended,
  coalesce(sum(talk), 0)::bigint AS talk_sum, count(talk)::int AS talk_n
FROM (SELECT bucket, queuename, event, ${TALK} AS talk FROM ${src} WHERE event IN ${SUMMARY_EVENTS}) r
GROUP BY bucket, queuename`;

/** Per (bucket, queue, answered, wait) of `src`: the report_rollup_wait row. */
const waitAgg = (src: string) => `
SELECT bucket, queuename, event = 'CONNECT' AS answered, wait, count(*)::int AS calls
FROM (SELECT bucket, queuename, event, ${WAIT} AS wait FROM ${src} WHERE event IN ${WAIT_EVENTS}) r
WHERE wait IS NOT NULL
GROUP BY bucket, queuename, event = 'CONNECT', wait`;

/** Per (bucket, queue, member) of `src`: the report_rollup_agent row. */
const agentAgg = (src: string) => `
SELECT bucket, queuename, agent,
  count(*) FILTER (WHERE event = 'CONNECT')::int AS answered,
  count(*) FILTER (WHERE event = 'RINGNOANSWER')::int AS missed,
  coalesce(sum(talk), 0)::bigint AS talk_sum, count(talk)::int AS talk_n
FROM (SELECT bucket, queuename, agent, event, ${TALK} AS talk FROM ${src}
      WHERE agent IS NOT NULL AND agent <> 'NONE' AND event IN ${AGENT_EVENTS}) r
GROUP BY bucket, queuename, agent`;

/** The queue_log rows of the buckets $1 (timestamp[]), each with its bucket. */
const BUCKET_ROWS = `(SELECT b.bucket, q.* FROM unnest($1::timestamp[]) AS b(bucket),
  report_rollup_raw(b.bucket, b.bucket + ${QUARTER}) AS q) AS s`;

/** The leader's build of buckets $1, in one REPEATABLE READ transaction with the dirty marks' removal. */
export const ROLLUP_BUILD_SQL: readonly string[] = [
  `DELETE FROM report_rollup_queue WHERE bucket = ANY($1::timestamp[])`,
  `DELETE FROM report_rollup_wait WHERE bucket = ANY($1::timestamp[])`,
  `DELETE FROM report_rollup_agent WHERE bucket = ANY($1::timestamp[])`,
  `INSERT INTO report_rollup_queue (bucket, queuename, offered, answered, abandoned, timed_out, ended, talk_sum, talk_n)
   ${queueAgg(BUCKET_ROWS)}`,
  `INSERT INTO report_rollup_wait (bucket, queuename, answered, wait, calls) ${waitAgg(BUCKET_ROWS)}`,
  `INSERT INTO report_rollup_agent (bucket, queuename, agent, answered, missed, talk_sum, talk_n)
   ${agentAgg(BUCKET_ROWS)}`,
  `DELETE FROM report_rollup_dirty WHERE bucket = ANY($1::timestamp[])`,
];

/** The oldest stale buckets, at most $1 of them. */
export const DIRTY_BUCKETS_SQL = `
SELECT coalesce(array_agg(to_char(bucket, 'YYYY-MM-DD HH24:MI:SS') ORDER BY bucket), '{}') AS buckets
FROM (SELECT DISTINCT bucket FROM report_rollup_dirty ORDER BY bucket LIMIT $1) AS d`;

/** How many buckets wait for the rollup, and since when (the oldest mark's bucket). */
export const PENDING_SQL = `SELECT count(DISTINCT bucket)::int AS buckets FROM report_rollup_dirty`;

const QUEUE_MATCH = (t: string) => `($3::text IS NULL OR ${t}.queuename = $3::text)`;

/**
 * `skip`: whole buckets read raw ($4..$5 stale ones, plus `extra`); `spans`:
 * the raw time ranges; `raw`: their rows with bucket; `rolled(t)`: the rollup
 * rows of table alias t to use.
 */
const split = (extra = '') => `
skip AS (
  SELECT DISTINCT bucket FROM report_rollup_dirty
  WHERE bucket >= $4::timestamp AND bucket < $5::timestamp ${extra}
), spans AS (
  SELECT $1::timestamp AS lo, $4::timestamp AS hi
  UNION ALL SELECT $5::timestamp, $2::timestamp
  UNION ALL SELECT bucket, bucket + ${QUARTER} FROM skip
), raw AS MATERIALIZED (
  SELECT ${BUCKET_OF} AS bucket, q.* FROM spans, report_rollup_raw(spans.lo, spans.hi) AS q
  WHERE spans.lo < spans.hi AND ${QUEUE_MATCH('q')}
)`;

const rolled = (t: string) => `${t}.bucket >= $4::timestamp AND ${t}.bucket < $5::timestamp
  AND ${QUEUE_MATCH(t)} AND NOT EXISTS (SELECT 1 FROM skip WHERE skip.bucket = ${t}.bucket)`;

/** SUMMARY_SQL from the rollup: $1..$5 as above, $6 queue names, $7 their service levels. */
export const ROLLUP_SUMMARY_SQL = `
WITH ${split()}, counts AS (
  SELECT queuename, answered, offered, abandoned, timed_out, ended, talk_sum, talk_n
  FROM report_rollup_queue r WHERE ${rolled('r')}
  UNION ALL
  SELECT queuename, answered, offered, abandoned, timed_out, ended, talk_sum, talk_n FROM (${queueAgg('raw')}) x
), waits AS (
  SELECT queuename, answered, wait, calls FROM report_rollup_wait r WHERE ${rolled('r')}
  UNION ALL
  SELECT queuename, answered, wait, calls FROM (${waitAgg('raw')}) x
), sl AS (
  SELECT * FROM unnest($6::text[], $7::int[]) AS s(queuename, seconds)
), c AS (
  SELECT coalesce(sum(offered), 0)::int AS offered,
    coalesce(sum(answered), 0)::int AS answered,
    coalesce(sum(abandoned), 0)::int AS abandoned,
    coalesce(sum(timed_out), 0)::int AS timed_out,
    coalesce(sum(answered) FILTER (WHERE sl.seconds > 0), 0)::int AS answered_with_sl,
    CASE WHEN sum(talk_n) > 0 THEN (sum(talk_sum)::numeric / sum(talk_n)::numeric)::float8 END AS avg_handle,
    coalesce(sum(ended), 0)::int AS ended
  FROM counts LEFT JOIN sl USING (queuename)
), w AS (
  SELECT coalesce(sum(calls) FILTER (WHERE answered AND sl.seconds > 0 AND wait <= sl.seconds), 0)::int
      AS answered_in_sl,
    CASE WHEN sum(calls) FILTER (WHERE answered) > 0
      THEN (sum(wait::bigint * calls) FILTER (WHERE answered)::numeric
            / sum(calls) FILTER (WHERE answered)::numeric)::float8 END AS avg_wait,
    max(wait) AS longest_wait
  FROM waits LEFT JOIN sl USING (queuename)
), dist AS (
  SELECT wait, sum(calls) AS n FROM waits WHERE answered GROUP BY wait
), cum AS (
  SELECT wait, sum(n) OVER (ORDER BY wait) AS upto FROM dist
), pos AS (
  -- percentile_cont(0.9): rows floor(x) and ceil(x) (0-based) of the sorted waits, x = 0.9 (n - 1)
  SELECT 0.9::float8 * (sum(n)::float8 - 1) AS x FROM dist HAVING sum(n) > 0
)
SELECT c.offered, c.answered, c.abandoned, c.timed_out, c.answered_with_sl, w.answered_in_sl,
  w.avg_wait,
  (SELECT lo.v + ((pos.x - floor(pos.x)) * (hi.v - lo.v)) FROM pos,
     LATERAL (SELECT wait::float8 AS v FROM cum WHERE upto > floor(pos.x) ORDER BY wait LIMIT 1) lo,
     LATERAL (SELECT wait::float8 AS v FROM cum WHERE upto > ceil(pos.x) ORDER BY wait LIMIT 1) hi
  ) AS p90_wait,
  w.longest_wait, c.avg_handle, c.ended
FROM c, w`;

/** The local time of a UTC timestamp in zone $6. */
const local = (t: string) => `((${t}) AT TIME ZONE 'UTC') AT TIME ZONE $6::text`;
const LAST_INSTANT = `${QUARTER} - interval '1 microsecond'`;

/**
 * HOURLY_SQL from the rollup: $6 the viewer's zone. A bucket counts whole
 * toward one local hour when its first and last instant fall in the same hour
 * at the same offset (always, for offsets on quarter hours); any other bucket
 * is read raw.
 */
export const ROLLUP_HOURLY_SQL = `
WITH ${split(`UNION
  SELECT b FROM generate_series($4::timestamp, $5::timestamp - ${QUARTER}, ${QUARTER}) AS b
  WHERE extract(hour FROM ${local('b')}) <> extract(hour FROM ${local(`b + ${LAST_INSTANT}`)})
     OR ${local(`b + ${LAST_INSTANT}`)} - ${local('b')} <> ${LAST_INSTANT}`)}
SELECT hour, sum(offered)::int AS offered, sum(answered)::int AS answered, sum(abandoned)::int AS abandoned
FROM (
  SELECT extract(hour FROM ${local('r.bucket')})::int AS hour, r.offered, r.answered, r.abandoned
  FROM report_rollup_queue r WHERE ${rolled('r')}
  UNION ALL
  SELECT extract(hour FROM ${local('time')})::int,
    (event = 'ENTERQUEUE')::int, (event = 'CONNECT')::int, (event = 'ABANDON')::int
  FROM raw WHERE event IN ('ENTERQUEUE','CONNECT','ABANDON')
) AS h
GROUP BY hour HAVING sum(offered) + sum(answered) + sum(abandoned) > 0
ORDER BY hour`;

/** AGENT_CALLS_SQL from the rollup. */
export const ROLLUP_AGENT_CALLS_SQL = `
WITH ${split()}
SELECT agent, sum(answered)::int AS answered, sum(missed)::int AS missed,
  coalesce(sum(talk_sum), 0)::int AS talk,
  CASE WHEN sum(talk_n) > 0 THEN (sum(talk_sum)::numeric / sum(talk_n)::numeric)::float8 END AS avg_handle
FROM (
  SELECT agent, answered, missed, talk_sum, talk_n FROM report_rollup_agent r WHERE ${rolled('r')}
  UNION ALL
  SELECT agent, answered, missed, talk_sum, talk_n FROM (${agentAgg('raw')}) x
) AS a
GROUP BY agent`;
