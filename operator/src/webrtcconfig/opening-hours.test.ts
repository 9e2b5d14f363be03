import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OpeningHours } from '../crds/types.ts';
import {
  closedMessage,
  describeHours,
  hoursFacts,
  isOpen,
  knownTimeZone,
  nextOpening,
} from './opening-hours.ts';

const weekdays: OpeningHours = {
  timeZone: 'Europe/Berlin',
  windows: [
    { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '17:00' },
    { days: ['sat'], from: '10:00', to: '24:00' },
  ],
};
const at = (iso: string) => Date.parse(iso);

describe('opening hours', () => {
  it('is open from the opening minute up to, not including, the closing minute, in the zone', () => {
    // Wednesday 2026-12-09, Berlin is UTC+1 in winter
    assert.equal(isOpen(weekdays, at('2026-12-09T06:59:59Z')), false);
    assert.equal(isOpen(weekdays, at('2026-12-09T07:00:00Z')), true);
    assert.equal(isOpen(weekdays, at('2026-12-09T15:59:59Z')), true);
    assert.equal(isOpen(weekdays, at('2026-12-09T16:00:00Z')), false);
    // summer time: UTC+2
    assert.equal(isOpen(weekdays, at('2026-07-08T06:30:00Z')), true);
    // Saturday until midnight, Sunday closed
    assert.equal(isOpen(weekdays, at('2026-12-12T22:59:00Z')), true);
    assert.equal(isOpen(weekdays, at('2026-12-12T23:00:00Z')), false);
  });

  it('finds the next opening, across the weekend and a DST change', () => {
    // Friday evening → Saturday 10:00 Berlin
    assert.equal(
      new Date(nextOpening(weekdays, at('2026-12-11T18:00:00Z')) ?? 0).toISOString(),
      '2026-12-12T09:00:00.000Z',
    );
    // Sunday → Monday 08:00
    assert.equal(
      new Date(nextOpening(weekdays, at('2026-12-13T12:00:00Z')) ?? 0).toISOString(),
      '2026-12-14T07:00:00.000Z',
    );
    // Saturday 2026-03-28 evening (UTC+1) → Monday 03-30 08:00 (UTC+2 since Sunday)
    assert.equal(
      new Date(nextOpening(weekdays, at('2026-03-29T00:30:00Z')) ?? 0).toISOString(),
      '2026-03-30T06:00:00.000Z',
    );
    assert.equal(
      closedMessage(weekdays, at('2026-12-13T12:00:00Z')),
      'The hotline is closed. It opens again Monday 08:00 (Europe/Berlin time).',
    );
  });

  it('tells a zone Node does not know', () => {
    assert.equal(knownTimeZone('Africa/Freetown'), true);
    assert.equal(knownTimeZone('Mars/Olympus_Mons'), false);
    const mars = { timeZone: 'Mars/Olympus_Mons', windows: weekdays.windows };
    assert.equal(hoursFacts({ openingHours: mars }).unknownTimeZone, 'Mars/Olympus_Mons');
    assert.deepEqual(hoursFacts({}), {});
  });

  it('sums the hours up in one line', () => {
    assert.equal(
      describeHours(weekdays),
      'mon,tue,wed,thu,fri 08:00-17:00; sat 10:00-24:00 (Europe/Berlin)',
    );
  });
});
