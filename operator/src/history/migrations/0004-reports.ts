// Version 3: indexes for the reports (operator/src/reports/sql.ts), sized by
// test/bench/reports.bench.ts at 1,000,000 calls.
// - Member states (ADDMEMBER/REMOVEMEMBER/PAUSE/UNPAUSE) are a few rows per
//   agent and day among millions of call events: partial indexes hold only
//   them, by (queue, member, time) for the state in force at a period's start
//   (a loose index scan over the pairs, then one probe each) and by time for
//   the states within the period.
import type { Migration } from '../migrate.ts';

export const reportIndexes: Migration = {
  version: 4,
  name: 'report indexes (member states)',
  sql: `
CREATE INDEX queue_log_member_state_idx ON queue_log (queuename, agent, time)
  WHERE event IN ('ADDMEMBER','REMOVEMEMBER','PAUSE','UNPAUSE');
CREATE INDEX queue_log_member_state_time_idx ON queue_log (time)
  WHERE event IN ('ADDMEMBER','REMOVEMEMBER','PAUSE','UNPAUSE');
`,
};
