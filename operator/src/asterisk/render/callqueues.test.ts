// CallQueues in the rendered configuration: queue settings, number routing,
// overflow (members are added over AMI: agentstate/desired.test.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { drainGate } from '../drain.ts';
import { AGENT_CONTEXT } from './dialplan.ts';
import { agent, callQueue, find, load, priorities, render } from './fixtures.ts';
import { optionValue } from './parse.ts';

describe('CallQueues', () => {
  const billing = callQueue('billing', {
    spec: {
      strategy: 'leastrecent',
      ringSeconds: 15,
      retrySeconds: 3,
      maxWaitSeconds: 300,
      maxCallers: 12,
      wrapUpSeconds: 10,
      joinWithoutAgents: false,
      stayWithoutAgents: false,
      serviceLevelSeconds: 30,
      announcements: { position: true, holdTime: true, frequencySeconds: 45 },
      overflow: { queue: 'support' },
    },
    numbers: ['118'],
    members: [
      { agent: 'agent-1', penalty: 7 },
      { agent: 'agent-2', penalty: 0 },
      { agent: 'gone', penalty: 0 },
    ],
  });

  it('declares each queue with its settings, and only sounds the build has', () => {
    const queues = load(render([agent(1), agent(2)], { queues: [billing] }), 'queues.conf');
    const q = find(queues, 'billing');
    assert.ok(q);
    const value = (k: string) => optionValue(q, k);
    assert.deepEqual(
      [
        'strategy',
        'timeout',
        'retry',
        'joinempty',
        'leavewhenempty',
        'maxlen',
        'wrapuptime',
        'servicelevel',
        'musicclass',
        'announce-position',
        'announce-holdtime',
        'announce-frequency',
        'queue-minute',
      ].map(value),
      [
        'leastrecent',
        '15',
        '3',
        'no',
        'yes',
        '12',
        '10',
        '30',
        'default',
        'yes',
        'yes',
        '45',
        'queue-minutes',
      ],
    );
    // The hotline queue without a CallQueue keeps the built-in defaults.
    assert.equal(optionValue(find(queues, 'support'), 'strategy'), 'rrmemory');
    assert.equal(optionValue(find(queues, 'support'), 'maxlen'), undefined);
  });

  it('announces nothing unless asked', () => {
    const quiet = load(render([], { queues: [callQueue('quiet')] }), 'queues.conf');
    const q = find(quiet, 'quiet');
    assert.equal(optionValue(q, 'announce-position'), 'no');
    assert.equal(optionValue(q, 'announce-holdtime'), 'no');
    assert.equal(optionValue(q, 'announce-frequency'), undefined);
  });

  it('routes each number in force to Queue() with the max wait, then the overflow', () => {
    const sales = callQueue('sales', {
      numbers: ['119', '120'],
      spec: { maxWaitSeconds: 90, overflow: { extension: 1002 } },
    });
    const closed = callQueue('closed', {
      numbers: ['121'],
      spec: { overflow: { hangupCause: 34 } },
    });
    const plain = callQueue('plain', { numbers: ['122'] });
    const lost = callQueue('lost', { numbers: ['123'], spec: { overflow: { queue: 'nowhere' } } });
    const dialplan = load(
      render([agent(2)], { queues: [billing, sales, closed, plain, lost] }),
      'extensions.conf',
    );
    const at = (n: string) => priorities(dialplan, AGENT_CONTEXT, n);
    assert.deepEqual(at('118'), [
      drainGate(),
      'Answer()',
      'Set(__SWITCHBOARD_QUEUE_RECORDING=)',
      'Queue(billing,b(switchboard-call-header^s^1),,,300,,switchboard-record)',
      `Goto(${AGENT_CONTEXT},117,1)`,
    ]);
    assert.deepEqual(at('117'), [
      drainGate(),
      'Answer()',
      'Set(__SWITCHBOARD_QUEUE_RECORDING=)',
      'Queue(support,b(switchboard-call-header^s^1),,,600,,switchboard-record)',
      'Hangup(16)',
    ]);
    assert.deepEqual(at('119'), [
      drainGate(),
      'Answer()',
      'Set(__SWITCHBOARD_QUEUE_RECORDING=)',
      'Queue(sales,b(switchboard-call-header^s^1),,,90,,switchboard-record)',
      `Goto(${AGENT_CONTEXT},1002,1)`,
    ]);
    assert.deepEqual(at('120'), at('119'));
    assert.deepEqual(at('121'), [
      drainGate(),
      'Answer()',
      'Set(__SWITCHBOARD_QUEUE_RECORDING=)',
      'Queue(closed,b(switchboard-call-header^s^1),,,600,,switchboard-record)',
      'Hangup(34)',
    ]);
    assert.deepEqual(at('122')[4], 'Hangup(16)');
    // An overflow queue without a number: hang up normally rather than jump nowhere.
    assert.deepEqual(at('123')[4], 'Hangup(16)');
  });

  it('lets the hotline queue CallQueue win, and lets another queue take the hotline number', () => {
    const support = callQueue('support', { spec: { strategy: 'ringall', maxWaitSeconds: 120 } });
    const objects = render([], { queues: [support] });
    assert.equal(optionValue(find(load(objects, 'queues.conf'), 'support'), 'strategy'), 'ringall');
    const dialplan = load(objects, 'extensions.conf');
    assert.deepEqual(
      priorities(dialplan, AGENT_CONTEXT, '117')[3],
      'Queue(support,b(switchboard-call-header^s^1),,,120,,switchboard-record)',
    );
    const taken = load(
      render([], { queues: [support, callQueue('front', { numbers: ['117'] })] }),
      'extensions.conf',
    );
    assert.deepEqual(
      priorities(taken, AGENT_CONTEXT, '117')[3],
      'Queue(front,b(switchboard-call-header^s^1),,,600,,switchboard-record)',
    );
  });

  it('keeps agents off queue numbers and refuses what cannot be config text', () => {
    const queues = [callQueue('sales', { numbers: ['1001'] })];
    const objects = render([agent(1), agent(2)], { queues });
    const dialplan = load(objects, 'extensions.conf');
    assert.deepEqual(
      priorities(dialplan, AGENT_CONTEXT, '1001')[3],
      'Queue(sales,b(switchboard-call-header^s^1),,,600,,switchboard-record)',
    );
    assert.throws(() => render([], { queues: [callQueue('x', { numbers: ['1;2'] })] }), /digits/);
    assert.throws(
      () => render([], { queues: [callQueue('x', { members: [{ agent: 'a', penalty: -1 }] })] }),
      /penalty/,
    );
  });

  it('renders the same bytes whatever the order of queues and members', () => {
    const a = callQueue('a', { numbers: ['150'], members: [{ agent: 'agent-1', penalty: 1 }] });
    const b = callQueue('b', { numbers: ['150', '151'] });
    const one = render([agent(1)], { queues: [a, b] });
    const two = render([agent(1)], { queues: [b, a] });
    assert.deepEqual(one, two);
    // 150 claimed twice (the operator prevents it): the first queue by name keeps it.
    assert.deepEqual(
      priorities(load(one, 'extensions.conf'), AGENT_CONTEXT, '150')[3],
      'Queue(a,b(switchboard-call-header^s^1),,,600,,switchboard-record)',
    );
  });
});
