// What 90 days of a call center leave in the history database, filled in SQL
// (generate_series) for the reports bench: per call the queue log
// (ENTERQUEUE, then CONNECT and COMPLETECALLER/AGENT for 85 %, one in ten of
// those after a RINGNOANSWER; ABANDON 10 %; EXITWITHTIMEOUT 5 %) and two CDR
// legs; 100 agents in two of five queues each, signed in 08:00-20:00 every
// day with a lunch and a break.
import type pg from 'pg';
import { utcText } from '../../operator/src/reports/report.ts';

/** Fills an empty history database; answers how long it took (ms). */
export async function fillReportData(
  pool: pg.Pool,
  CALLS: number,
  DAYS: number,
  END: Date,
): Promise<number> {
  const started = performance.now();
  const start = utcText(new Date(END.getTime() - DAYS * 86_400_000));
  // Per call i: its day, a time 08:00-20:00, queue, agent, wait and talk seconds, outcome.
  const calls = `
    SELECT i, 'call-' || i AS callid, 'q' || (i % 5) AS queuename,
      'Agent ' || ((i * 13) % 100) AS agent, 'Agent ' || ((i * 13 + 1) % 100) AS other,
      $1::timestamp + make_interval(days => (i::bigint * ${DAYS} / $2)::int,
                                    secs => 28800 + (i::bigint * 7919) % 43200) AS t0,
      (i * 31) % 120 AS wait, 30 + (i * 17) % 600 AS talk,
      CASE WHEN i % 20 < 2 THEN 'abandon' WHEN i % 20 = 2 THEN 'timeout' ELSE 'answer' END AS outcome
    FROM generate_series(1, $2) AS i`;
  const log = `INSERT INTO queue_log (time, callid, queuename, agent, event, data1, data2, data3)`;
  const statements = [
    `${log} SELECT t0, callid, queuename, 'NONE', 'ENTERQUEUE', '', '0800' || i, '1' FROM (${calls}) c`,
    `${log} SELECT t0 + make_interval(secs => wait / 2), callid, queuename, other, 'RINGNOANSWER', '15000', NULL, NULL
       FROM (${calls}) c WHERE outcome = 'answer' AND i % 10 = 3`,
    `${log} SELECT t0 + make_interval(secs => wait), callid, queuename, agent, 'CONNECT', wait::text, 'peer-' || i, '2'
       FROM (${calls}) c WHERE outcome = 'answer'`,
    `${log} SELECT t0 + make_interval(secs => wait + talk), callid, queuename, agent,
       CASE WHEN i % 2 = 0 THEN 'COMPLETECALLER' ELSE 'COMPLETEAGENT' END, wait::text, talk::text, '1'
       FROM (${calls}) c WHERE outcome = 'answer'`,
    `${log} SELECT t0 + make_interval(secs => wait), callid, queuename, 'NONE', 'ABANDON', '1', '1', wait::text
       FROM (${calls}) c WHERE outcome = 'abandon'`,
    `${log} SELECT t0 + make_interval(secs => wait), callid, queuename, 'NONE', 'EXITWITHTIMEOUT', '1', '1', wait::text
       FROM (${calls}) c WHERE outcome = 'timeout'`,
    // Two CDR legs per call: the caller's (from the carrier) and the answering agent's.
    `INSERT INTO cdr (start, answer, "end", src, dst, channel, dstchannel, lastapp, duration, billsec, disposition, uniqueid, linkedid)
     SELECT t0, CASE WHEN outcome = 'answer' THEN t0 + make_interval(secs => wait) END,
       t0 + make_interval(secs => wait + CASE WHEN outcome = 'answer' THEN talk ELSE 0 END),
       '0800' || i, '117', 'PJSIP/carrier-' || lpad(to_hex(i), 8, '0'), '', 'Queue',
       wait + CASE WHEN outcome = 'answer' THEN talk ELSE 0 END,
       CASE WHEN outcome = 'answer' THEN talk ELSE 0 END,
       CASE WHEN outcome = 'answer' THEN 'ANSWERED' ELSE 'NO ANSWER' END, callid, callid
     FROM (${calls}) c`,
    `INSERT INTO cdr (start, answer, "end", src, dst, channel, dstchannel, lastapp, duration, billsec, disposition, uniqueid, linkedid)
     SELECT t0 + make_interval(secs => wait), t0 + make_interval(secs => wait),
       t0 + make_interval(secs => wait + talk), '117', 'agent',
       'PJSIP/agent' || ((i * 13) % 100) || '-' || lpad(to_hex(i), 8, '0'), '', 'AppQueue', talk, talk, 'ANSWERED',
       callid || '.1', callid
     FROM (${calls}) c WHERE outcome = 'answer'`,
    // Agents: each in queues a%5 and (a+1)%5, every day 08:00-20:00, lunch 12:00-12:30, a break 15:00-15:15.
    `${log} SELECT $1::timestamp + make_interval(days => d, secs => s), 'NONE', 'q' || q, 'Agent ' || a, e, r, NULL, NULL
     FROM generate_series(0, ${DAYS - 1}) d, generate_series(0, 99) a,
       LATERAL (VALUES (a % 5), ((a + 1) % 5)) AS m(q),
       (VALUES (28800, 'ADDMEMBER', ''), (43200, 'PAUSE', 'lunch'), (45000, 'UNPAUSE', ''),
               (54000, 'PAUSE', 'break'), (54900, 'UNPAUSE', ''), (72000, 'REMOVEMEMBER', '')) AS ev(s, e, r)`,
  ];
  for (const s of statements) {
    const values = s.includes('$2') ? [start, CALLS] : [start];
    await pool.query(s, values);
  }
  await pool.query('VACUUM ANALYZE queue_log');
  await pool.query('VACUUM ANALYZE cdr');
  return performance.now() - started;
}
