import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRecall, recallNotice } from './call-recall.ts';

test('the recall header as Asterisk sends it (render/recall.ts)', () => {
  assert.deepEqual(parseRecall('cause=21 number=090123456'), { cause: 21, number: '090123456' });
  assert.deepEqual(parseRecall(' cause=1 number=+23276000001 '), {
    cause: 1,
    number: '+23276000001',
  });
  assert.deepEqual(parseRecall('cause=34 number='), { cause: 34, number: '' });
});

test('anything else is no recall', () => {
  for (const bad of [
    undefined,
    '',
    'cause=21',
    'number=0901 cause=21',
    'cause=x number=090',
    'cause=21 number=090;drop',
    'cause=1234 number=090',
  ])
    assert.equal(parseRecall(bad), undefined, String(bad));
});

test('the notice says the number and why, in the words of a refused call', () => {
  assert.equal(
    recallNotice({ cause: 21, number: '090123456' }),
    'Transfer to 090123456 failed: calls to this number are not allowed — caller returned',
  );
  assert.equal(
    recallNotice({ cause: 17, number: '+23276123456' }),
    'Transfer to +23276123456 failed: busy — caller returned',
  );
  assert.equal(
    recallNotice({ cause: 1, number: '076000001' }),
    'Transfer to 076000001 failed: no such extension or number — caller returned',
  );
  // a cause the softphone has no words for keeps its number
  assert.equal(
    recallNotice({ cause: 31, number: '' }),
    'Transfer to an outside number failed: the call failed (cause 31) — caller returned',
  );
});
