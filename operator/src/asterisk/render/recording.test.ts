// Call recording in the rendered configuration (recording.ts); proven with
// real calls in test/integration/call-recording.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AGENT_CONTEXT } from './dialplan.ts';
import { agent, callQueue, find, load, priorities, render } from './fixtures.ts';
import { pjsipGuest } from './guests.ts';
import { optionValues } from './parse.ts';
import { AGENT_RECORDING_VARIABLE, queueRecordingStep, RECORD_SUBROUTINE } from './recording.ts';

// Asterisk variables, built without `${` inside JS strings.
const v = (name: string) => `$${'{'}${name}}`;

describe('call recording', () => {
  it("sets the queue's format and retention on the caller before Queue(), and nothing when it does not record", () => {
    const sales = callQueue('sales', {
      numbers: ['118'],
      spec: { recording: { enabled: true, format: 'wav49', retentionDays: 30 } },
    });
    const off = callQueue('quiet', { numbers: ['119'], spec: { recording: { enabled: false } } });
    const dialplan = load(render([agent(1)], { queues: [sales, off] }), 'extensions.conf');
    const at = (n: string) => priorities(dialplan, AGENT_CONTEXT, n);
    // wav49 is written as .WAV by Asterisk (file.c): the name in the CDR is the file's
    assert.deepEqual(at('118').slice(2, 4), [
      'Set(__SWITCHBOARD_QUEUE_RECORDING=WAV:30)',
      `Queue(sales,b(switchboard-call-header^s^1),,,600,,${RECORD_SUBROUTINE})`,
    ]);
    assert.equal(at('119')[2], 'Set(__SWITCHBOARD_QUEUE_RECORDING=)');
    assert.equal(at('117')[2], 'Set(__SWITCHBOARD_QUEUE_RECORDING=)');
    assert.equal(
      queueRecordingStep({ enabled: true, format: 'wav', retentionDays: 7 }),
      'Set(__SWITCHBOARD_QUEUE_RECORDING=wav:7)',
    );
  });

  it('names the file from the call only and links it from the CDR', () => {
    const dialplan = load(render([agent(1)]), 'extensions.conf');
    const steps = priorities(dialplan, RECORD_SUBROUTINE, 's');
    const naming = steps.find((s) => s.startsWith('Set(SWITCHBOARD_RECORDING_FILE='));
    assert.equal(
      naming,
      `Set(SWITCHBOARD_RECORDING_FILE=${v(`FILTER(-.0-9A-Z_a-z,${v('CHANNEL(linkedid)')}-${v('UNIQUEID')})`)}.${v('CUT(how,:,1)')})`,
    );
    const file = v('SWITCHBOARD_RECORDING_FILE');
    assert.ok(steps.includes(`MixMonitor(${file},b)`));
    assert.ok(steps.includes(`Set(CDR(recording)=${file})`));
    assert.ok(steps.includes(`Set(CDR(recording_retention_days)=${v('CUT(how,:,2)')})`));
    // the agent's "no" is checked first: nothing after it runs
    assert.equal(steps[0], `GotoIf($["${v(AGENT_RECORDING_VARIABLE)}" = "no"]?done)`);
    assert.equal(steps.at(-1), 'Return()');
  });

  it('offers G.711 before opus on every browser endpoint once any call may be recorded', () => {
    const allow = (pjsip: ReturnType<typeof load>, i: number) =>
      optionValues(find(pjsip, `agent_${i}_1700000000`, 'endpoint'), 'allow');
    const agents = [agent(1), agent(2, { recording: false })];
    const plain = load(render(agents, { queues: [callQueue('sales')] }), 'pjsip.conf');
    assert.deepEqual(allow(plain, 1), ['opus,ulaw,alaw'], 'nothing records: opus first');
    const sales = callQueue('sales', { spec: { recording: { enabled: true } } });
    const recorded = load(render(agents, { queues: [sales] }), 'pjsip.conf');
    // agent-2 is never recorded, but may call a recorded queue: the caller's leg decides the codec
    assert.deepEqual(allow(recorded, 1), ['ulaw,alaw,opus']);
    assert.deepEqual(allow(recorded, 2), ['ulaw,alaw,opus']);
    const byAgent = load(render([agent(1), agent(3, { recording: true })]), 'pjsip.conf');
    assert.deepEqual(allow(byAgent, 1), ['ulaw,alaw,opus'], "an agent's recording counts too");
    // the public page's callers too
    assert.match(pjsipGuest(true), /^allow = ulaw,alaw,opus$/m);
    assert.match(pjsipGuest(), /^allow = opus,ulaw,alaw$/m);
  });

  it("puts an agent's override on its endpoint, with a decodable codec first", () => {
    const pjsip = load(
      render([agent(1, { recording: true }), agent(2, { recording: false }), agent(3)]),
      'pjsip.conf',
    );
    const endpoint = (i: number) => find(pjsip, `agent_${i}_1700000000`, 'endpoint');
    assert.ok(optionValues(endpoint(1), 'set_var').includes(`${AGENT_RECORDING_VARIABLE}=yes`));
    assert.deepEqual(optionValues(endpoint(1), 'allow'), ['ulaw,alaw,opus']);
    assert.ok(optionValues(endpoint(2), 'set_var').includes(`${AGENT_RECORDING_VARIABLE}=no`));
    assert.ok(
      !optionValues(endpoint(3), 'set_var').some((v) => v.startsWith(AGENT_RECORDING_VARIABLE)),
    );
  });
});
