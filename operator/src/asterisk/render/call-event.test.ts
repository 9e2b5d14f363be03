import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AGENT_CALLS_CONTEXT, CALL_EVENT, callEventContext } from './call-event.ts';
import { AGENT_CONTEXT, ECHO_TEST_NUMBER, REJECT_CONTEXT } from './dialplan.ts';
import { agent, find, load, outbound, render, route, spec, trunk } from './fixtures.ts';

// Asterisk variables, spelled without `${` in a JS string.
const v = (name: string) => `$${'{'}${name}}`;
const STEPS = [
  `UserEvent(${CALL_EVENT},SipCallId: ${v('CHANNEL(pjsip,call-id)')},AgentChannel: ${v('CHANNEL')},CallLinkedid: ${v('CHANNEL(linkedid)')})`,
  `Goto(${AGENT_CONTEXT},${v('EXTEN')},1)`,
];

describe('agent call entry context', () => {
  it('names the call by its SIP Call-ID, then goes on where agents dialled before', () => {
    assert.deepEqual(callEventContext(AGENT_CONTEXT), [
      `[${AGENT_CALLS_CONTEXT}]`,
      `exten => _[0-9*#+],1,${STEPS[0]}`,
      ` same => n,${STEPS[1]}`,
      `exten => _[0-9*#+].,1,${STEPS[0]}`,
      ` same => n,${STEPS[1]}`,
      '',
    ]);
  });

  const agents = [agent(0), agent(1, { extension: 4711, dialOut: true })];
  const objects = render(agents, {
    config: spec(),
    trunks: [trunk('carrier', { outbound: outbound() })],
  });
  const dialplan = load(objects, 'extensions.conf');

  it('is the context of every agent endpoint; blind transfers keep their own', () => {
    const pjsip = load(objects, 'pjsip.conf');
    for (const a of agents) {
      // inherited from the template (the parser copies its lines into the endpoint)
      const lines = find(pjsip, a.sipUsername, 'endpoint')?.lines ?? [];
      assert.deepEqual(
        lines.filter((l) => l.key === 'context').map((l) => l.value),
        [AGENT_CALLS_CONTEXT],
      );
      assert.ok(lines.some((l) => l.key === 'set_var' && l.value.startsWith('TRANSFER_CONTEXT=')));
    }
  });

  it('takes every number the agents context knows, and only what it could know', () => {
    // an extension, the hotline, the echo test, a supervise code, an outside
    // number, one digit, an unknown number: each reaches the same place as before
    for (const n of ['1000', '4711', '117', ECHO_TEST_NUMBER, '*514711', '+4930123456', '5', '#']) {
      assert.ok(route(dialplan, AGENT_CONTEXT, n), `${n} is known to ${AGENT_CONTEXT}`);
      assert.deepEqual(
        route(dialplan, AGENT_CALLS_CONTEXT, n),
        { context: AGENT_CALLS_CONTEXT, priorities: STEPS },
        n,
      );
    }
    // a SIP name: no extension here as there was none there (chan_pjsip answers 404)
    for (const n of ['alice', 'h', 'i', 's']) {
      assert.equal(route(dialplan, AGENT_CALLS_CONTEXT, n), undefined, n);
      assert.equal(
        route(dialplan, AGENT_CONTEXT, n)?.context,
        n === 'i' ? REJECT_CONTEXT : undefined,
        n,
      );
    }
  });

  it('is included from nowhere: only an agent endpoint starts there', () => {
    const included = dialplan.categories.flatMap((c) =>
      c.lines.filter((l) => l.key === 'include').map((l) => l.value),
    );
    assert.ok(!included.includes(AGENT_CALLS_CONTEXT));
    assert.ok(dialplan.categories.some((c) => c.name === AGENT_CALLS_CONTEXT));
  });
});
