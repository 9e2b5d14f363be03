import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusMemo } from './status-memo.ts';

describe('StatusMemo', () => {
  it('holds a key back until the cache shows a newer resourceVersion than the one written over', () => {
    const memo = new StatusMemo();
    assert.equal(memo.awaitingEcho('ns/a', '5'), false, 'nothing written yet');
    memo.remember('ns/a', '5');
    assert.equal(memo.awaitingEcho('ns/a', '5'), true, 'the cache still shows 5');
    assert.equal(memo.awaitingEcho('ns/b', '5'), false, 'other keys are free');
    assert.equal(memo.awaitingEcho('ns/a', '6'), false, 'our write arrived');
    assert.equal(memo.awaitingEcho('ns/a', '5'), false, 'and is forgotten once seen');
  });

  it('forgets a deleted agent', () => {
    const memo = new StatusMemo();
    memo.remember('ns/a', '5');
    memo.forget('ns/a');
    assert.equal(memo.awaitingEcho('ns/a', '5'), false);
  });
});
