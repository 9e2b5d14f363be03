import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DRAIN_CONTEXT, DRAINING_CONTEXT, drainGate } from '../drain.ts';
import {
  AGENT_CONTEXT,
  AGENT_LOOKUP_CONTEXT,
  DIAL_SUBROUTINE,
  ECHO_TEST_NUMBER,
  REJECT_CONTEXT,
  SUPERVISE_CONTEXT,
  SUPERVISE_EVENT,
  SUPERVISOR_VARIABLE,
  shardContext,
  TRANSFER_CONTEXT,
} from './dialplan.ts';
import { agent, load, render, route, spec } from './fixtures.ts';
import { DIALPLAN_MARKER_CONTEXT } from './marker.ts';
import { SHARDS, shardOf } from './shards.ts';

describe('dialplan', () => {
  const agents = [agent(0), agent(1), agent(2, { extension: 4711 })];
  const objects = render(agents, { config: spec({ dialTimeoutSeconds: 45 }) });
  const dialplan = load(objects, 'extensions.conf');

  it('dials each extension through the subroutine, from the agents context', () => {
    for (const a of agents) {
      const step = route(dialplan, AGENT_CONTEXT, String(a.extension));
      assert.deepEqual(step, {
        context: shardContext(shardOf(a.sipUsername)),
        priorities: [`Gosub(${DIAL_SUBROUTINE},s,1(${a.sipUsername}))`],
      });
    }
  });

  it('gives an agent with callWaiting a second call; the others are busy while on a call', () => {
    const objects = render([agent(0), agent(1, { callWaiting: true })], { config: spec() });
    const plan = load(objects, 'extensions.conf');
    const [plain, waiting] = [agent(0), agent(1)];
    assert.deepEqual(route(plan, AGENT_CONTEXT, String(plain.extension))?.priorities, [
      `Gosub(${DIAL_SUBROUTINE},s,1(${plain.sipUsername}))`,
    ]);
    assert.deepEqual(route(plan, AGENT_CONTEXT, String(waiting.extension))?.priorities, [
      `Gosub(${DIAL_SUBROUTINE},s,1(${waiting.sipUsername},waiting))`,
    ]);
  });

  it('rings for dialTimeoutSeconds, then ends every outcome with a tone and a cause', () => {
    // Asterisk variables, spelled without `${` in a JS string.
    const v = (name: string) => `$${'{'}${name}}`;
    assert.deepEqual(route(dialplan, DIAL_SUBROUTINE, 's')?.priorities, [
      drainGate(),
      `GotoIf($["${v('SWITCHBOARD_SPY')}" != ""]?spy,1)`,
      `GotoIf($["${v('ARG2')}" = "waiting"]?dial)`,
      `GotoIf(${v(`REGEX("^(INUSE|BUSY|RINGING|RINGINUSE|ONHOLD)$" ${v(`DEVICE_STATE(PJSIP/${v('ARG1')})`)})`)}?s-BUSY,1)`,
      `Dial(PJSIP/${v('ARG1')},45,b(switchboard-call-header^s^1))`,
      `Goto(s-${v('DIALSTATUS')},1)`,
    ]);
    // The pre-dial handler puts the call's linkedid in the agent's INVITE (call-header.ts).
    assert.deepEqual(route(dialplan, 'switchboard-call-header', 's')?.priorities, [
      `GotoIf($["${v('CHANNEL(channeltype)')}" != "PJSIP"]?done)`,
      `Set(PJSIP_HEADER(add,X-Switchboard-Call)=${v('CHANNEL(linkedid)')})`,
      'Return()',
    ]);
    const cause = (status: string) => route(dialplan, DIAL_SUBROUTINE, `s-${status}`)?.priorities;
    // the caller hears the tone as early media first
    const tone = (name: string, hangup: string) => [
      'Progress()',
      `Playtones(${name})`,
      'Wait(3)',
      hangup,
    ];
    assert.deepEqual(cause('BUSY'), tone('busy', 'Hangup(17)'));
    assert.deepEqual(cause('NOANSWER'), tone('congestion', 'Hangup(19)'));
    assert.deepEqual(cause('CHANUNAVAIL'), tone('congestion', 'Hangup(20)'));
    assert.deepEqual(cause('CONGESTION'), ['Hangup(34)']);
    assert.deepEqual(cause('ANSWER'), ['Hangup(16)']);
    assert.deepEqual(cause('CANCEL'), ['Hangup(16)']);
  });

  it('refuses new calls while Asterisk drains: marked by the preStop hook, 503 with cause 42', () => {
    const v = (name: string) => `$${'{'}${name}}`;
    assert.equal(
      drainGate(),
      `GotoIf($["${v('GLOBAL(SWITCHBOARD_DRAINING)')}" = "1"]?${DRAINING_CONTEXT},s,1)`,
    );
    assert.deepEqual(route(dialplan, DRAIN_CONTEXT, 'start')?.priorities, [
      'Set(GLOBAL(SWITCHBOARD_DRAINING)=1)',
      'UserEvent(SwitchboardDraining)',
      'Hangup()',
    ]);
    assert.deepEqual(route(dialplan, DRAINING_CONTEXT, 's')?.priorities, [
      'Progress()',
      'Playtones(congestion)',
      'Wait(2)',
      'Hangup(42)',
    ]);
    // nothing reaches the drain context from a phone: it is not included anywhere
    assert.ok(
      dialplan.categories.every(
        (c) => !c.lines.some((l) => l.key === 'include' && l.value === DRAIN_CONTEXT),
      ),
    );
  });

  it('lets a transfer reach queue numbers and agents only, never the catch-all refusal', () => {
    const transfer = dialplan.categories.find((c) => c.name === TRANSFER_CONTEXT);
    assert.ok(transfer);
    assert.deepEqual(
      transfer.lines.filter((l) => l.key === 'include').map((l) => l.value),
      SHARDS.map((i) => shardContext(i)),
    );
    assert.deepEqual(route(dialplan, TRANSFER_CONTEXT, '117')?.priorities, [
      `Goto(${AGENT_CONTEXT},117,1)`,
    ]);
    assert.equal(route(dialplan, TRANSFER_CONTEXT, '*43'), undefined);
  });

  it('answers the hotline and queues the caller for a bounded time', () => {
    assert.deepEqual(route(dialplan, AGENT_CONTEXT, '117'), {
      context: AGENT_CONTEXT,
      priorities: [
        drainGate(),
        'Answer()',
        'Set(__SWITCHBOARD_QUEUE_RECORDING=)',
        'Queue(support,b(switchboard-call-header^s^1),,,600,,switchboard-record)',
        'Hangup(16)',
      ],
    });
    const other = load(
      render([], { config: spec({ hotline: { number: '200', queue: 'sales' } }) }),
      'extensions.conf',
    );
    assert.deepEqual(
      route(other, AGENT_CONTEXT, '200')?.priorities[3],
      'Queue(sales,b(switchboard-call-header^s^1),,,600,,switchboard-record)',
    );
  });

  it('answers the echo test number with a prompt and Echo()', () => {
    assert.deepEqual(route(dialplan, AGENT_CONTEXT, ECHO_TEST_NUMBER), {
      context: AGENT_CONTEXT,
      priorities: [drainGate(), 'Answer()', 'Playback(demo-echotest)', 'Echo()', 'Hangup(16)'],
    });
  });

  it('refuses anything else with "unallocated number", including one digit', () => {
    for (const n of ['5', '5555', '+4930123456', '*98', '1003'])
      assert.deepEqual(
        route(dialplan, AGENT_CONTEXT, n),
        {
          context: REJECT_CONTEXT,
          priorities: ['Hangup(1)'],
        },
        n,
      );
    assert.deepEqual(route(dialplan, AGENT_CONTEXT, 'i')?.priorities, ['Hangup(1)']);
    // The special h extension stays unmatched: nothing runs at hangup.
    assert.equal(route(dialplan, AGENT_CONTEXT, 'h'), undefined);
  });

  it('always defines every shard context it includes, even with no agents', () => {
    const empty = load(render([]), 'extensions.conf');
    const contexts = new Set(empty.categories.map((c) => c.name));
    const included = empty.categories.flatMap((c) =>
      c.lines.filter((l) => l.key === 'include').map((l) => l.value),
    );
    // The agents context, the transfer context and the supervisors' lookup include every shard;
    // the agents context the refusal, the outside-number transfer context the plain one.
    assert.equal(included.length, 3 * SHARDS.length + 2);
    for (const c of included) assert.ok(contexts.has(c), `${c} is included but not defined`);
  });

  describe('supervisor codes', () => {
    const v = (name: string) => `$${'{'}${name}}`;
    it('sends *51/*52/*53 + extension to the supervise checks with the ChanSpy options', () => {
      for (const [code, mode, options] of [
        ['*511000', 'listen', 'qES'],
        ['*524711', 'whisper', 'qESw'],
        ['*53999', 'barge', 'qESB'],
      ] as const)
        assert.deepEqual(route(dialplan, AGENT_CONTEXT, code), {
          context: AGENT_CONTEXT,
          priorities: [
            `Set(SWITCHBOARD_SPY=${mode})`,
            `Set(SWITCHBOARD_SPY_OPTIONS=${options})`,
            `Set(SWITCHBOARD_SPY_TARGET=${v('EXTEN:3')})`,
            `Goto(${SUPERVISE_CONTEXT},s,1)`,
          ],
        });
      // Without digits it is no code: refused like any unknown number.
      assert.equal(route(dialplan, AGENT_CONTEXT, '*51')?.context, REJECT_CONTEXT);
    });

    it('refuses non-supervisors (403) and unknown extensions (404), each with a UserEvent', () => {
      const steps = route(dialplan, SUPERVISE_CONTEXT, 's')?.priorities ?? [];
      assert.equal(steps[1], `GotoIf($["${v(SUPERVISOR_VARIABLE)}" = "yes"]?supervisor)`);
      assert.match(
        steps[2] ?? '',
        new RegExp(`^UserEvent\\(${SUPERVISE_EVENT},Result: refused,Reason: not-supervisor,`),
      );
      assert.equal(steps[3], 'Hangup(21)');
      assert.match(steps[5] ?? '', new RegExp(`DIALPLAN_EXISTS\\(${AGENT_LOOKUP_CONTEXT},`));
      assert.match(steps[6] ?? '', /Reason: no-such-agent/);
      assert.equal(steps[7], 'Hangup(1)');
    });

    it('looks targets up among agents only: never a queue number or the refusal', () => {
      for (const a of agents)
        assert.equal(
          route(dialplan, AGENT_LOOKUP_CONTEXT, String(a.extension))?.context,
          shardContext(shardOf(a.sipUsername)),
        );
      assert.equal(route(dialplan, AGENT_LOOKUP_CONTEXT, '117'), undefined);
      assert.equal(route(dialplan, AGENT_LOOKUP_CONTEXT, '1003'), undefined);
    });

    it("spies on exactly the agent's channels, checking the supervisor again", () => {
      const spy = route(dialplan, DIAL_SUBROUTINE, 'spy')?.priorities ?? [];
      assert.equal(spy[0], `GotoIf($["${v(SUPERVISOR_VARIABLE)}" != "yes"]?refused)`);
      assert.match(spy[1] ?? '', /^UserEvent\(SwitchboardSupervise,Result: started,/);
      assert.equal(spy[2], `ChanSpy(PJSIP/${v('ARG1')}-,${v('SWITCHBOARD_SPY_OPTIONS')})`);
      assert.equal(spy.at(-1), 'Hangup(21)');
    });
  });

  it('keeps the hash marker context unreachable', () => {
    const included = dialplan.categories.flatMap((c) =>
      c.lines.filter((l) => l.key === 'include').map((l) => l.value),
    );
    assert.ok(!included.includes(DIALPLAN_MARKER_CONTEXT));
    const marker = dialplan.categories
      .filter((c) => c.name === DIALPLAN_MARKER_CONTEXT)
      .flatMap((c) => c.lines);
    assert.equal(marker.length, 1 + SHARDS.length, 'one NoOp per extensions file');
    for (const l of marker) assert.match(l.value, /^[A-Za-z0-9_]+,1,NoOp\([0-9a-f]{64}\)$/);
  });

  it('changes only the main ConfigMap when the dial timeout changes', () => {
    const other = render(agents, { config: spec({ dialTimeoutSeconds: 20 }) });
    const changed = other.filter((o, i) => o.hash !== objects[i]?.hash).map((o) => o.name);
    assert.deepEqual(changed, ['asterisk-generated']);
  });
});
