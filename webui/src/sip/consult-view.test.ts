import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CallView } from './call-view.ts';
import { newCallView } from './call-view.ts';
import { consultView } from './consult-view.ts';

const caller = (patch: Partial<CallView> = {}): CallView => ({
  ...newCallView('c1', 'incoming', { name: 'Cara', user: '1003' }),
  phase: 'active',
  ...patch,
});
const colleague = (patch: Partial<CallView> = {}): CallView => ({
  ...newCallView('c2', 'outgoing', { name: '1002', user: '1002' }),
  ...patch,
});

describe('consultView', () => {
  it('offers Consult only during an answered call with no consultation', () => {
    assert.equal(consultView(caller(), undefined).canConsult, true);
    assert.equal(consultView(caller({ phase: 'ringing' }), undefined).canConsult, false);
    assert.equal(consultView(caller({ transferPending: true }), undefined).canConsult, false);
    assert.equal(consultView(undefined, undefined).canConsult, false);
    assert.deepEqual(consultView(caller(), undefined).lines, []);
  });

  it('shows both lines while the colleague rings: back is possible, completing is not', () => {
    const v = consultView(caller({ held: true }), colleague());
    assert.deepEqual(
      v.lines.map((l) => l.label),
      ['Caller Cara: On hold, hearing music', 'Consulting 1002: Ringing…'],
    );
    assert.equal(v.canComplete, false);
    assert.equal(v.canGoBack, true);
    assert.equal(v.canConsult, false);
  });

  it('completes once the colleague answered, and locks both buttons while the REFER is out', () => {
    const talking = consultView(caller({ held: true }), colleague({ phase: 'active' }));
    assert.equal(talking.canComplete, true);
    assert.match(talking.completeHint, /Connects Cara with 1002/);
    const pending = consultView(
      caller({ held: true, transferPending: true }),
      colleague({ phase: 'active', transferPending: true }),
    );
    assert.equal(pending.canComplete, false);
    assert.equal(pending.canGoBack, false);
    assert.equal(pending.lines[1]?.status, 'Transferring…');
  });

  it('the caller hung up during the consultation: only the colleague line is left', () => {
    const v = consultView(undefined, colleague({ phase: 'active' }));
    assert.deepEqual(
      v.lines.map((l) => l.role),
      ['colleague'],
    );
    assert.equal(v.canComplete, false);
    assert.equal(v.canGoBack, true);
    assert.equal(v.backLabel, 'Hang up');
  });

  it('offers the conference once the colleague answered, and names both lines in it', () => {
    const talking = consultView(caller({ held: true }), colleague({ phase: 'active' }));
    assert.equal(talking.canConference, true);
    assert.equal(consultView(caller({ held: true }), colleague()).canConference, false);
    const joined = consultView(caller(), colleague({ phase: 'active' }), true);
    assert.equal(joined.canConference, false);
    assert.equal(joined.canComplete, true);
    assert.deepEqual(
      joined.lines.map((l) => l.label),
      ['Caller Cara: In conference', 'Consulting 1002: In conference'],
    );
  });
});
