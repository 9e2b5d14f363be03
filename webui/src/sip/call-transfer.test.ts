import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sipfragStatus } from './call-transfer.ts';

describe('sipfragStatus', () => {
  it('reads the status line of a message/sipfrag body', () => {
    assert.deepEqual(sipfragStatus('SIP/2.0 100 Trying\r\n'), { code: 100, phrase: 'Trying' });
    assert.deepEqual(sipfragStatus('SIP/2.0 200 OK'), { code: 200, phrase: 'OK' });
    assert.deepEqual(sipfragStatus('SIP/2.0 503 Service Unavailable\r\nX: y\r\n'), {
      code: 503,
      phrase: 'Service Unavailable',
    });
  });

  it('has nothing for a body that is no status line', () => {
    assert.equal(sipfragStatus(''), undefined);
    assert.equal(sipfragStatus('INVITE sip:1@x SIP/2.0'), undefined);
    assert.equal(sipfragStatus('SIP/2.0 2 OK'), undefined);
  });
});
