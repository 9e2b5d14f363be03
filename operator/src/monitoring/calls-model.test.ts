import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CallsModel, endpointOf, MAX_CHANNELS } from './calls-model.ts';

const T0 = 1_800_000_000_000;
const newchannel = (uniqueid: string, linkedid: string, channel: string, num = '') => ({
  channel,
  uniqueid,
  linkedid,
  channelstatedesc: 'Ring',
  calleridnum: num || '<unknown>',
  calleridname: '<unknown>',
});

describe('CallsModel', () => {
  it('follows a queue call: caller joins, the agent rings, answers, hangs up', () => {
    const m = new CallsModel();
    assert.deepEqual(
      m.apply('Newchannel', newchannel('c1', 'c1', 'PJSIP/trunk-00000001', '+2327612'), T0),
      ['c1'],
    );
    m.apply('Newstate', { uniqueid: 'c1', channelstatedesc: 'Up' }, T0 + 100);
    m.apply('QueueCallerJoin', { uniqueid: 'c1', queue: 'support' }, T0 + 200);
    assert.deepEqual(
      m.calls().map((c) => [c.id, c.callerNumber, c.queue, c.state, c.agentEndpoint, c.startedAt]),
      [['c1', '+2327612', 'support', 'queued', '', T0]],
    );
    m.apply('Newchannel', newchannel('a1', 'c1', 'PJSIP/ann-0000000a'), T0 + 300);
    m.apply('Newstate', { uniqueid: 'a1', channelstatedesc: 'Ringing' }, T0 + 300);
    assert.equal(m.call('c1')?.agentEndpoint, 'ann', 'the ringing agent');
    m.apply('Newstate', { uniqueid: 'a1', channelstatedesc: 'Up' }, T0 + 2000);
    assert.deepEqual(m.apply('BridgeEnter', { uniqueid: 'c1', bridgeuniqueid: 'b1' }, T0 + 2000), [
      'c1',
    ]);
    assert.equal(m.call('c1')?.state, 'queued', 'alone in the bridge: not talking yet');
    m.apply('BridgeEnter', { uniqueid: 'a1', bridgeuniqueid: 'b1' }, T0 + 2000);
    assert.deepEqual(
      [m.call('c1')?.state, m.call('c1')?.agentEndpoint, m.size],
      ['talking', 'ann', 1],
    );
    m.apply('BridgeLeave', { uniqueid: 'a1', bridgeuniqueid: 'b1' }, T0 + 9000);
    m.apply('Hangup', { uniqueid: 'a1' }, T0 + 9000);
    assert.equal(m.call('c1')?.state, 'queued');
    assert.deepEqual(m.apply('Hangup', { uniqueid: 'c1' }, T0 + 9000), ['c1']);
    assert.equal(m.call('c1'), undefined);
    assert.equal(m.size, 0);
  });

  it('starts from CoreShowChannels: durations, bridges, the queue from the application', () => {
    const m = new CallsModel();
    m.reset(
      [
        {
          event: 'CoreShowChannel',
          channel: 'Local/117@callers-00000001;2',
          uniqueid: 'l2',
          linkedid: 'l1',
          channelstatedesc: 'Up',
          calleridnum: '4711',
          application: 'Queue',
          applicationdata: 'support,,,,300',
          bridgeid: 'b9',
          duration: '00:01:05',
        },
        {
          event: 'CoreShowChannel',
          channel: 'PJSIP/bob-0000002f',
          uniqueid: 'b2',
          linkedid: 'l1',
          channelstatedesc: 'Up',
          bridgeid: 'b9',
          duration: '00:00:40',
        },
        {
          event: 'CoreShowChannel',
          channel: 'PJSIP/carl-00000030',
          uniqueid: 'x1',
          linkedid: 'x1',
          channelstatedesc: 'Ring',
          calleridnum: '1002',
          application: 'Dial',
          duration: '00:00:02',
        },
      ],
      T0,
    );
    assert.deepEqual(
      m.calls().map((c) => [c.id, c.callerNumber, c.queue, c.state, c.agentEndpoint, c.startedAt]),
      [
        ['l1', '4711', 'support', 'talking', 'bob', T0 - 65_000],
        ['x1', '1002', '', 'ringing', '', T0 - 2_000],
      ],
    );
  });

  it('follows at most MAX_CHANNELS channels and says how many it left out', () => {
    const m = new CallsModel();
    for (let i = 0; i < MAX_CHANNELS + 5; i++)
      m.apply('Newchannel', newchannel(`u${i}`, `u${i}`, `PJSIP/x-${i}`), T0);
    assert.equal(m.size, MAX_CHANNELS);
    assert.equal(m.dropped, 5);
    m.reset([], T0);
    assert.equal(m.size, 0);
    assert.equal(m.dropped, 0);
  });

  it('names the endpoint of PJSIP channels only', () => {
    assert.equal(endpointOf('PJSIP/ann-smith-0000001a'), 'ann-smith');
    assert.equal(endpointOf('Local/117@x-00000001;2'), '');
    assert.equal(endpointOf('PJSIP/ann'), '');
  });
});
