import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dayCounts, formatMark, localDay, parseMark, statsDecision } from './day-counts.ts';

const at = (h: number, m = 0, day = 5) => new Date(2026, 11, day, h, m).getTime();

describe("today's counts from app_queue's counters", () => {
  it('carries the counters with the day they count from', () => {
    assert.deepEqual(
      dayCounts({ answered: 4, answeredWithinServiceLevel: 3, abandoned: 1 }, at(8, 5)),
      {
        day: '2026-12-05',
        since: at(8, 5),
        answered: 4,
        answeredWithinServiceLevel: 3,
        abandoned: 1,
      },
    );
  });

  it('keeps counting through an operator restart the same day', () => {
    const mark = { day: '2026-12-05', since: at(0) };
    assert.deepEqual(statsDecision(mark, at(0) - 3_600_000, at(14)), {
      reset: false,
      since: at(0),
      write: undefined,
    });
  });

  it('counts from Asterisk’s start when it restarted after the mark (it lost its counters)', () => {
    const mark = { day: '2026-12-05', since: at(0) };
    assert.equal(statsDecision(mark, at(9), at(14)).since, at(9));
    assert.equal(statsDecision(mark, at(9), at(14)).reset, false);
  });

  it('resets once a new day began since the counting started, whenever the operator looks', () => {
    const mark = { day: '2026-12-05', since: at(0) };
    const d = statsDecision(mark, at(0) - 1, at(0, 0, 6) + 90_000);
    assert.equal(d.reset, true);
    assert.equal(d.since, at(0, 0, 6) + 90_000);
    assert.deepEqual(d.write, { day: '2026-12-06', since: at(0, 0, 6) + 90_000 });
  });

  it('first run: counts since Asterisk started today, and marks it', () => {
    assert.deepEqual(statsDecision(undefined, at(7), at(8)), {
      reset: false,
      since: at(7),
      write: { day: '2026-12-05', since: at(7) },
    });
    assert.equal(statsDecision(undefined, at(7, 0, 4), at(8)).reset, true);
  });

  it('reads and writes the mark kept in AstDB', () => {
    assert.deepEqual(parseMark(formatMark({ day: '2026-12-05', since: 42 })), {
      day: '2026-12-05',
      since: 42,
    });
    assert.equal(parseMark('garbage'), undefined);
    assert.equal(parseMark(undefined), undefined);
  });

  it('names the local day', () => {
    assert.deepEqual(localDay(at(0, 30)), { key: '2026-12-05', start: at(0) });
  });
});
