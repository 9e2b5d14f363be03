import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkSipCallId, sipCallAnswer } from './sip-call.ts';

describe('linkedid by SIP Call-ID', () => {
  it('takes Call-IDs as SIP.js and other clients make them', () => {
    for (const id of ['k0t3d8v1qmn9a2', '3c26f2d4@192.0.2.4', 'a.b-c_d!%*+`\'~()<>:\\"/[]?{}'])
      assert.deepEqual(checkSipCallId(id), { ok: true, value: id });
    for (const id of ['', 'a b', 'a,b', 'x'.repeat(257), 'é'])
      assert.equal(checkSipCallId(id).ok, false, id);
  });

  it("answers the agent's own call only", () => {
    const call = { linkedid: '1700000000.7', endpoint: 'ann_1' };
    assert.deepEqual(sipCallAnswer(call, 'ann_1'), {
      status: 200,
      body: { linkedid: '1700000000.7' },
    });
    assert.equal(sipCallAnswer(call, 'bea_2').status, 403);
    // a prefix of the username is another line
    assert.equal(sipCallAnswer(call, 'ann').status, 403);
    assert.equal(sipCallAnswer(undefined, 'ann_1').status, 404);
  });
});
