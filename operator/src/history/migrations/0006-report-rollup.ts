// Version 6: the reports' rollup (operator/src/reports/rollup*.ts), which the
// leader keeps up to date so a report over months reads a few thousand rows
// instead of millions. Per 15-minute UTC bucket (every zone's offset today
// is a multiple of 15 minutes, so a local day is whole buckets; any other
// edge is read raw) and queue: the counts, the waits as a distribution
// (service levels change, so the share within one is computed at read time,
// and so are the average and the exact percentile), talk time; per agent the
// answered, missed and talk time.
//
// Which buckets are stale is recorded by the writers themselves: statement
// triggers on queue_log add a row to report_rollup_dirty for every bucket a
// statement touched, in the writer's transaction. An id watermark would not
// do: ids are taken at insert and committed in another order (the spool
// shipper's batches beside Asterisk's own inserts), so a row with a lower id
// can become visible after the watermark passed it and never be rolled up.
// A dirty row commits with the rows it stands for, so a reader that sees no
// dirty row for a bucket sees a rollup equal to that bucket's raw rows.
import type { Migration } from '../migrate.ts';

const BUCKET = `date_bin('15 minutes', time, timestamp '1970-01-01')`;

export const reportRollup: Migration = {
  version: 6,
  name: 'report rollup (15-minute buckets, dirty marks by trigger)',
  sql: `
CREATE TABLE report_rollup_dirty (bucket timestamp NOT NULL);
COMMENT ON TABLE report_rollup_dirty IS 'Buckets whose queue_log rows changed since the rollup last read them (several rows per bucket allowed: each writer adds its own).';
CREATE INDEX report_rollup_dirty_bucket_idx ON report_rollup_dirty (bucket);

CREATE TABLE report_rollup_queue (
  bucket timestamp NOT NULL,
  queuename text,
  offered int NOT NULL,
  answered int NOT NULL,
  abandoned int NOT NULL,
  timed_out int NOT NULL,
  ended int NOT NULL,
  talk_sum bigint NOT NULL,
  talk_n int NOT NULL
);
COMMENT ON TABLE report_rollup_queue IS 'Per 15-minute UTC bucket and queue: calls offered, answered, abandoned, timed out, ended; talk seconds (sum and count of the rows that have one).';
CREATE INDEX report_rollup_queue_idx ON report_rollup_queue (bucket, queuename);

CREATE TABLE report_rollup_wait (
  bucket timestamp NOT NULL,
  queuename text,
  answered boolean NOT NULL,
  wait int NOT NULL,
  calls int NOT NULL
);
COMMENT ON TABLE report_rollup_wait IS 'Per bucket and queue: how many calls waited exactly wait seconds, answered (CONNECT) or not (ABANDON, EXITWITH*).';
CREATE INDEX report_rollup_wait_idx ON report_rollup_wait (bucket, queuename);

CREATE TABLE report_rollup_agent (
  bucket timestamp NOT NULL,
  queuename text,
  agent text NOT NULL,
  answered int NOT NULL,
  missed int NOT NULL,
  talk_sum bigint NOT NULL,
  talk_n int NOT NULL
);
COMMENT ON TABLE report_rollup_agent IS 'Per bucket, queue and member: calls answered, rings missed (RINGNOANSWER), talk seconds.';
CREATE INDEX report_rollup_agent_idx ON report_rollup_agent (bucket, queuename);

-- Never fails a writer's insert: NULL and infinite times (in no period) have no bucket.
CREATE FUNCTION report_rollup_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO report_rollup_dirty (bucket)
      SELECT DISTINCT ${BUCKET} FROM new_rows WHERE isfinite(time);
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO report_rollup_dirty (bucket)
      SELECT DISTINCT ${BUCKET} FROM old_rows WHERE isfinite(time);
  ELSE
    INSERT INTO report_rollup_dirty (bucket)
      SELECT ${BUCKET} FROM new_rows WHERE isfinite(time)
      UNION SELECT ${BUCKET} FROM old_rows WHERE isfinite(time);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER report_rollup_insert AFTER INSERT ON queue_log
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_rollup_mark();
CREATE TRIGGER report_rollup_delete AFTER DELETE ON queue_log
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_rollup_mark();
CREATE TRIGGER report_rollup_update AFTER UPDATE ON queue_log
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_rollup_mark();

CREATE FUNCTION report_rollup_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE report_rollup_queue, report_rollup_wait, report_rollup_agent, report_rollup_dirty;
  RETURN NULL;
END $$;
CREATE TRIGGER report_rollup_truncate AFTER TRUNCATE ON queue_log
  FOR EACH STATEMENT EXECUTE FUNCTION report_rollup_truncate();

-- A report's raw rows of one span (at most a bucket or a period's ragged
-- edge). A function with a row estimate: a join on time >= lo AND time < hi
-- with lo and hi from another table is estimated at a third of queue_log per
-- span, which would make the planner scan all of it. STABLE: it reads with
-- the calling statement's snapshot, the same one the rollup rows are read with.
CREATE FUNCTION report_rollup_raw(lo timestamp, hi timestamp) RETURNS SETOF queue_log
  LANGUAGE plpgsql STABLE ROWS 200 AS $$
BEGIN
  RETURN QUERY SELECT * FROM queue_log WHERE time >= lo AND time < hi;
END $$;

-- The history so far: every bucket is stale until the leader's first runs.
INSERT INTO report_rollup_dirty (bucket)
  SELECT DISTINCT ${BUCKET} FROM queue_log WHERE isfinite(time);
`,
};
