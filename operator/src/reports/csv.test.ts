import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvField, toCsv } from './csv.ts';
import { reportCsv } from './csv-tables.ts';
import type { QueueReport } from './report.ts';

describe('CSV', () => {
  it('quotes what needs quoting and defuses formulas', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    assert.equal(csvField('-1'), "'-1");
    assert.equal(csvField(-1), '-1');
    assert.equal(csvField(null), '');
    assert.equal(csvField(Number.NaN), '');
    assert.equal(toCsv([{ header: 'n', value: (r: number) => r }], [1, 2]), 'n\r\n1\r\n2\r\n');
  });

  it('writes a column per pause reason in the agents table', () => {
    const report: QueueReport = {
      summary: {
        offered: 3,
        answered: 2,
        abandoned: 1,
        timedOut: 0,
        serviceLevelPercent: 50,
        answeredWithinServiceLevel: 1,
        averageWaitSeconds: 10.5,
        p90WaitSeconds: 19.1,
        longestWaitSeconds: 30,
        averageHandleSeconds: 60,
      },
      hours: [],
      agents: [
        {
          member: 'Ann, Agent',
          agent: 'ann',
          answered: 2,
          missed: 1,
          talkSeconds: 120,
          averageHandleSeconds: 60,
          signedInSeconds: 3600,
          pausedSeconds: { lunch: 600, '': 5 },
        },
      ],
    };
    assert.equal(
      reportCsv(report, 'agents'),
      'member,agent,answered,missed,talk_s,average_handle_s,signed_in_s,paused_no_reason_s,paused_lunch_s\r\n' +
        '"Ann, Agent",ann,2,1,120,60,3600,5,600\r\n',
    );
    assert.equal(reportCsv(report, 'summary').split('\r\n')[1], '3,2,1,0,1,50,10.5,19.1,30,60');
  });
});
