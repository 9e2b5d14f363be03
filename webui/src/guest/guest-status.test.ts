import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mintRefusalText, refusalText } from './guest-status.ts';

test('Asterisk refusals read as what the citizen can do about them', () => {
  assert.match(refusalText(503, 'Q.850;cause=34'), /All lines are busy/);
  assert.match(refusalText(403, 'Q.850;cause=21'), /not allowed/);
  assert.match(refusalText(404, 'Q.850;cause=1'), /cannot be called from the web/);
  assert.match(refusalText(480), /\(480\)/);
  assert.match(refusalText(480, 'Q.850;cause=20'), /closed now/);
});

test('the API refusing a permission keeps its message', () => {
  assert.equal(
    mintRefusalText(403, 'calling from the web is switched off'),
    'calling from the web is switched off',
  );
  assert.match(mintRefusalText(500, undefined), /\(500\)/);
});
