import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actionFields, memberKey, planMembers } from './plan.ts';
import { type AgentIntent, AVAILABLE, type DesiredMember, type LiveMember } from './types.ts';

const want = (agent: string, queue: string, penalty = 0): DesiredMember => ({
  agent,
  queue,
  iface: `PJSIP/${agent}_1`,
  memberName: agent.toUpperCase(),
  penalty,
});
const live = (m: DesiredMember, extra: Partial<LiveMember> = {}): [string, LiveMember] => [
  memberKey(m.queue, m.iface),
  {
    queue: m.queue,
    iface: m.iface,
    memberName: m.memberName,
    penalty: m.penalty,
    paused: false,
    pausedReason: '',
    status: 1,
    inCall: false,
    lastCall: 0,
    dynamic: true,
    ...extra,
  },
];
const intents =
  (map: Record<string, AgentIntent>) =>
  (agent: string): AgentIntent =>
    map[agent] ?? AVAILABLE;

describe('planMembers', () => {
  it('adds every queue an agent may serve, paused with the reason when the agent is paused', () => {
    const actions = planMembers(
      [want('ann', 'support'), want('bob', 'support', 3)],
      new Map(),
      intents({ bob: { presence: 'paused', reason: 'lunch' } }),
    );
    assert.deepEqual(actions, [
      {
        action: 'QueueAdd',
        queue: 'support',
        iface: 'PJSIP/ann_1',
        memberName: 'ANN',
        penalty: 0,
        paused: false,
        reason: '',
      },
      {
        action: 'QueueAdd',
        queue: 'support',
        iface: 'PJSIP/bob_1',
        memberName: 'BOB',
        penalty: 3,
        paused: true,
        reason: 'lunch',
      },
    ]);
  });

  it('does nothing when Asterisk already matches', () => {
    const d = [want('ann', 'support'), want('ann', 'billing', 2)];
    assert.deepEqual(planMembers(d, new Map(d.map((m) => live(m))), intents({})), []);
  });

  it('removes a signed-out agent and anything nobody computed, before adding', () => {
    const ann = want('ann', 'support');
    const bob = want('bob', 'support');
    const stray = want('old', 'support');
    const actions = planMembers(
      [ann, bob, want('cid', 'support')],
      new Map([live(ann), live(bob), live(stray)]),
      intents({ ann: { presence: 'signed-out' } }),
    );
    assert.deepEqual(
      actions.map((a) => `${a.action} ${a.iface}`),
      ['QueueRemove PJSIP/ann_1', 'QueueRemove PJSIP/old_1', 'QueueAdd PJSIP/cid_1'],
    );
  });

  it('changes penalties and pauses in place, a new reason too', () => {
    const ann = want('ann', 'support', 2);
    const bob = want('bob', 'support');
    const cid = want('cid', 'support');
    const actions = planMembers(
      [ann, bob, cid],
      new Map([
        live(ann, { penalty: 5 }),
        live(bob, { paused: true, pausedReason: 'break' }),
        live(cid, { paused: true, pausedReason: 'break' }),
      ]),
      intents({ bob: { presence: 'paused', reason: 'training' } }),
    );
    assert.deepEqual(
      actions.map((a) => actionFields(a)),
      [
        { action: 'QueuePenalty', queue: 'support', interface: 'PJSIP/ann_1', penalty: '2' },
        {
          action: 'QueuePause',
          queue: 'support',
          interface: 'PJSIP/bob_1',
          paused: 'true',
          reason: 'training',
        },
        { action: 'QueuePause', queue: 'support', interface: 'PJSIP/cid_1', paused: 'false' },
      ],
    );
  });

  it('adds with the state interface, so a busy softphone is not offered a second call', () => {
    const [add] = planMembers([want('ann', 'support')], new Map(), intents({}));
    assert.ok(add);
    assert.deepEqual(actionFields(add), {
      action: 'QueueAdd',
      queue: 'support',
      interface: 'PJSIP/ann_1',
      penalty: '0',
      paused: 'false',
      membername: 'ANN',
      stateinterface: 'PJSIP/ann_1',
    });
  });
});
