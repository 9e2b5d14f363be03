import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAgents } from './agents.ts';
import { agent, spec } from './fixtures.ts';

describe('agent checks', () => {
  const config = spec();

  it('accepts generated credentials and sorts by extension, then name', () => {
    const r = checkAgents([agent(3), agent(1), agent(2, { extension: 1000 })], config);
    assert.deepEqual(
      r.accepted.map((a) => a.name),
      ['agent-2', 'agent-1', 'agent-3'],
    );
    assert.deepEqual(r.problems, []);
  });

  it('leaves out agents whose credentials would inject configuration', () => {
    const bad = [
      agent(1, { sipUsername: 'x]\n[evil' }),
      agent(2, { sipUsername: 'has-dash' }),
      agent(3, { sipPassword: 'abc;def0123456789' }),
      agent(4, { sipPassword: 'pass word 1234567' }),
      agent(5, { sipPassword: 'line\nbreak123456789' }),
    ];
    const r = checkAgents(bad, config);
    assert.deepEqual(r.accepted, []);
    assert.equal(r.problems.length, bad.length);
    for (const p of r.problems)
      for (const a of bad) assert.ok(!p.message.includes(a.sipPassword), 'password in a problem');
  });

  it('refuses an extension equal to the hotline number and duplicate ids', () => {
    const r = checkAgents(
      [
        agent(1, { extension: 117 }),
        agent(2),
        agent(3, { sipUsername: agent(2).sipUsername }),
        agent(4, { extension: agent(2).extension }),
      ],
      config,
    );
    assert.deepEqual(
      r.accepted.map((a) => a.name),
      ['agent-2'],
    );
    assert.deepEqual(
      r.problems.map((p) => p.agent),
      ['agent-1', 'agent-4', 'agent-3'],
    );
    assert.match(r.problems[0]?.message ?? '', /hotline/);
  });

  it('drops invalid queue names (and "general") but keeps the agent', () => {
    const r = checkAgents(
      [agent(1, { queues: ['support', 'general', 'Bad Name', 'support'] })],
      config,
    );
    assert.deepEqual(r.accepted[0]?.queues, ['support']);
    assert.equal(r.problems.length, 2);
  });
});
