import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newCallView } from '../sip/call-view.ts';
import { callIdToAsk, OutgoingCallNames, sipCallPath } from './outgoing-call.ts';

const placed = {
  ...newCallView('s1', 'outgoing', { name: '1001', user: '1001' }),
  sipCallId: 'k0t3d8v1@x/y',
};

test('asks about an answered call the agent placed, once it knows nothing yet', () => {
  assert.equal(callIdToAsk(placed), undefined, 'still ringing');
  assert.equal(callIdToAsk({ ...placed, phase: 'active' }), 'k0t3d8v1@x/y');
  assert.equal(callIdToAsk({ ...placed, phase: 'active', linkedid: '1.2' }), undefined);
  assert.equal(callIdToAsk({ ...placed, phase: 'active', direction: 'incoming' }), undefined);
  assert.equal(callIdToAsk({ ...placed, phase: 'active', sipCallId: undefined }), undefined);
  assert.equal(callIdToAsk(undefined), undefined);
  assert.equal(sipCallPath('k0t3d8v1@x/y'), '/softphone/calls/by-sip-call-id/k0t3d8v1%40x%2Fy');
});

test('names the call once; an answer for a call that ended is dropped', async () => {
  const named: [string, string][] = [];
  const asked: string[] = [];
  let answer: (linkedid: string) => void = () => {};
  const names = new OutgoingCallNames(
    (id, linkedid) => named.push([id, linkedid]),
    (callId) => {
      asked.push(callId);
      return new Promise((resolve) => {
        answer = resolve;
      });
    },
  );
  const active = { ...placed, phase: 'active' as const };
  names.update(active);
  names.update(active);
  assert.deepEqual(asked, ['k0t3d8v1@x/y'], 'one question per call');
  answer('1700000000.3');
  await Promise.resolve();
  await Promise.resolve();
  assert.deepEqual(named, [['s1', '1700000000.3']]);

  const next = { ...active, id: 's2', sipCallId: 'second' };
  names.update(next);
  names.update(undefined); // hung up before the answer came
  answer('1700000000.9');
  await Promise.resolve();
  await Promise.resolve();
  assert.deepEqual(named, [['s1', '1700000000.3']]);
  assert.deepEqual(asked, ['k0t3d8v1@x/y', 'second']);
});
