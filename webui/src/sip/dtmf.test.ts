import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dtmfInfoBody } from './dtmf.ts';

test('SIP INFO carries the tone as application/dtmf-relay', () => {
  assert.deepEqual(dtmfInfoBody('5'), {
    contentDisposition: 'render',
    contentType: 'application/dtmf-relay',
    content: 'Signal=5\r\nDuration=120',
  });
});
