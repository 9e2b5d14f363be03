import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AmiEvent } from '../asterisk/ami/messages.ts';
import { SipCalls, sipCallOf } from './sip-calls.ts';

/** The UserEvent as asterisk-manager hands it over (lowercase keys), Asterisk's Channel header included. */
function userEvent(callId: string, channel: string, linkedid: string, extra = {}): AmiEvent {
  return {
    event: 'UserEvent',
    fields: {
      event: 'UserEvent',
      channel,
      linkedid,
      userevent: 'SwitchboardCall',
      sipcallid: callId,
      agentchannel: channel,
      calllinkedid: linkedid,
      ...extra,
    },
  };
}
const hangup = (channel: string): AmiEvent => ({
  event: 'Hangup',
  fields: { event: 'Hangup', channel },
});

describe('SIP Call-ID to linkedid', () => {
  it('reads the dialplan event and nothing else', () => {
    assert.deepEqual(sipCallOf(userEvent('abc@x', 'PJSIP/ann_1-0000000a', '1700000000.12')), {
      callId: 'abc@x',
      linkedid: '1700000000.12',
      endpoint: 'ann_1',
      channel: 'PJSIP/ann_1-0000000a',
    });
    assert.equal(sipCallOf(hangup('PJSIP/ann_1-0000000a')), undefined);
    assert.equal(
      sipCallOf(userEvent('abc', 'PJSIP/ann-1', '1.2', { userevent: 'SwitchboardSupervise' })),
      undefined,
    );
    // not an agent's channel, no linkedid, a Call-ID with a space
    assert.equal(sipCallOf(userEvent('abc', 'Local/117@x-0001;2', '1.2')), undefined);
    assert.equal(sipCallOf(userEvent('abc', 'PJSIP/ann-1', '')), undefined);
    assert.equal(sipCallOf(userEvent('a b', 'PJSIP/ann-1', '1.2')), undefined);
    assert.equal(sipCallOf(userEvent('x'.repeat(257), 'PJSIP/ann-1', '1.2')), undefined);
  });

  it("trusts Asterisk's channel header over the event's text", () => {
    assert.equal(
      sipCallOf(userEvent('abc', 'PJSIP/bea-2', '1.2', { channel: 'PJSIP/ann-1' })),
      undefined,
    );
  });

  it('keeps a call until its channel hangs up', () => {
    const calls = new SipCalls();
    calls.onEvent(userEvent('c1', 'PJSIP/ann-1', '1.1'));
    calls.onEvent(userEvent('c2', 'PJSIP/bea-2', '1.2'));
    assert.equal(calls.get('c1')?.linkedid, '1.1');
    calls.onEvent(hangup('PJSIP/other-9'));
    calls.onEvent(hangup('PJSIP/ann-1'));
    assert.equal(calls.get('c1'), undefined);
    assert.equal(calls.get('c2')?.endpoint, 'bea');
    assert.equal(calls.size, 1);
  });

  it('forgets the oldest past its bound', () => {
    const calls = new SipCalls(3);
    for (let i = 0; i < 5; i++) calls.onEvent(userEvent(`c${i}`, `PJSIP/a-${i}`, `1.${i}`));
    assert.equal(calls.size, 3);
    assert.equal(calls.get('c1'), undefined);
    assert.equal(calls.get('c2')?.linkedid, '1.2');
    // a Hangup of a forgotten channel changes nothing
    calls.onEvent(hangup('PJSIP/a-0'));
    assert.equal(calls.size, 3);
    calls.onEvent(hangup('PJSIP/a-4'));
    assert.equal(calls.size, 2);
  });

  it('holds at most the bound with 20,000 calls and more', () => {
    const calls = new SipCalls();
    for (let i = 0; i < 25_000; i++)
      calls.onEvent(userEvent(`call-${i}`, `PJSIP/a-${i.toString(16)}`, `1.${i}`));
    assert.equal(calls.size, 20_000);
    assert.equal(calls.get('call-4999'), undefined);
    assert.equal(calls.get('call-24999')?.linkedid, '1.24999');
  });

  it('waits for an event not seen yet, and gives up after the timeout', async () => {
    const calls = new SipCalls();
    const waiting = calls.wait('late', 1000);
    setTimeout(() => calls.onEvent(userEvent('late', 'PJSIP/ann-3', '1.3')), 20);
    assert.equal((await waiting)?.linkedid, '1.3');
    assert.equal((await calls.wait('late', 1000))?.linkedid, '1.3', 'known: at once');
    const started = performance.now();
    assert.equal(await calls.wait('never', 50), undefined);
    assert.ok(performance.now() - started >= 45);
    const abort = new AbortController();
    const aborted = calls.wait('never', 10_000, abort.signal);
    abort.abort();
    assert.equal(await aborted, undefined);
  });
});
