import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CallView, newCallView } from './call-view.ts';
import { waitingView } from './waiting-view.ts';

const first = (patch: Partial<CallView> = {}): CallView => ({
  ...newCallView('c1', 'incoming', { name: 'Cara', user: '1003' }),
  phase: 'active',
  ...patch,
});
const second = (patch: Partial<CallView> = {}): CallView => ({
  ...newCallView('c2', 'incoming', { name: 'Dan', user: '1004' }),
  ...patch,
});

describe('waitingView', () => {
  it('shows nothing without a second call', () => {
    assert.equal(waitingView(first(), undefined), undefined);
  });

  it('names the waiting caller with its number and says that answering holds the call', () => {
    const v = waitingView(first(), second());
    assert.equal(v?.title, 'Call waiting');
    assert.equal(v?.user, '1004');
    assert.equal(v?.ringing, true);
    assert.equal(v?.label, 'Call waiting from Dan: Ringing: answering holds your call');
    assert.equal(v?.canSwap, false);
  });

  it('swaps only between two answered calls, one held, none between hold and resume', () => {
    const talking = second({ phase: 'active' });
    assert.equal(waitingView(first({ held: true }), talking)?.canSwap, true);
    assert.equal(waitingView(first(), second({ phase: 'active', held: true }))?.canSwap, true);
    assert.equal(waitingView(first({ held: true, holdPending: true }), talking)?.canSwap, false);
    assert.equal(waitingView(undefined, talking)?.canSwap, false);
    // the first call ended while this one was held: Resume
    const alone = waitingView(undefined, second({ phase: 'active', held: true }));
    assert.equal(alone?.canSwap, true);
    assert.equal(alone?.swapLabel, 'Resume');
    assert.equal(waitingView(first({ held: true }), talking)?.label, 'Second line, Dan: Talking');
  });
});
