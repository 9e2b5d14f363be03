import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAgents } from '../asterisk/render/agents.ts';
import { agent, callQueue, spec } from '../asterisk/render/fixtures.ts';
import { desiredMembers, wrapUpSeconds } from './desired.ts';

describe('desired queue members', () => {
  const billing = callQueue('billing', {
    spec: { wrapUpSeconds: 10 },
    members: [
      { agent: 'agent-1', penalty: 7 },
      { agent: 'agent-2', penalty: 0 },
      { agent: 'gone', penalty: 0 },
    ],
  });
  const ranked = callQueue('ranked', { members: [{ agent: 'agent-3', penalty: 4 }] });
  const agents = [
    agent(1, { queues: ['billing'] }),
    agent(2, { displayName: 'Bob, "The Builder"' }),
    agent(3),
  ];
  const { accepted } = checkAgents(agents, spec(), [billing, ranked]);
  const members = desiredMembers(accepted, [billing, ranked]);
  const of = (queue: string) =>
    members
      .filter((m) => m.queue === queue)
      .map((m) => `${m.agent} ${m.iface} ${m.penalty} ${m.memberName}`)
      .sort();

  it('lists computed members at their penalties, the lower of two ways', () => {
    // agent-1 names billing itself (penalty 0) and is computed at 7: 0 wins.
    assert.deepEqual(of('billing'), [
      'agent-1 PJSIP/agent_1_1700000000 0 Agent 1',
      "agent-2 PJSIP/agent_2_1700000000 0 Bob 'The Builder'",
    ]);
    assert.deepEqual(of('ranked'), ['agent-3 PJSIP/agent_3_1700000000 4 Agent 3']);
  });

  it('keeps spec.queues (the hotline queue when omitted) and skips agents not rendered', () => {
    assert.deepEqual(of('support'), [
      "agent-2 PJSIP/agent_2_1700000000 0 Bob 'The Builder'",
      'agent-3 PJSIP/agent_3_1700000000 0 Agent 3',
    ]);
    assert.ok(!members.some((m) => m.agent === 'gone'));
  });

  it('gives the wrap-up of queues that have one', () => {
    assert.deepEqual([...wrapUpSeconds([billing, ranked])], [['billing', 10]]);
  });
});
