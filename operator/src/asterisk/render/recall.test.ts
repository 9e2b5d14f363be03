// Recall of a blind transfer to an outside number that was refused or
// failed: every refusal on the way out offers the caller back, only a
// transfer is remembered, and the recall context rings the transferring
// agent once, with the header, and never recalls itself. The steps of
// outside numbers are run by outbound.test.ts's interpreter; the real
// Asterisk runs all of it in test/integration/trunk-transfer.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CALL_HEADER_SUBROUTINE } from './call-header.ts';
import { TRANSFER_OUTSIDE_CONTEXT } from './dialplan.ts';
import { agent, find, load, outbound, priorities, render, spec, trunk } from './fixtures.ts';
import { CHECK_CONTEXT, DIAL_CONTEXT, OUTBOUND_CONTEXT } from './outbound.ts';
import type { LoadedConfig } from './parse.ts';
import {
  dialplanRecall,
  RECALL_CONTEXT,
  RECALL_HEADER,
  RECALL_VARIABLE,
  recallStep,
  rememberTransfer,
} from './recall.ts';
import { TRUNK_LIMIT_SUBROUTINE } from './trunks.ts';

const variable = (name: string) => `$${'{'}${name}}`;

const dialplan = (dialTimeoutSeconds = 25) =>
  load(
    render([agent(1)], {
      config: spec({ dialTimeoutSeconds }),
      trunks: [trunk('carrier', { maxCalls: 2, outbound: outbound() })],
    }),
    'extensions.conf',
  );

/** Every extension's steps of `context`, in order, by extension. */
function extensions(config: LoadedConfig, context: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] = [];
  for (const c of config.categories.filter((x) => x.name === context))
    for (const l of c.lines) {
      if (l.key === 'exten') {
        const [name = '', , ...app] = l.value.split(',');
        current = [app.join(',')];
        out.set(name, current);
      } else if (l.key === 'same') current.push(l.value.split(',').slice(1).join(','));
    }
  return out;
}

describe('recall of a failed transfer to an outside number', () => {
  it('offers the caller back before every refusal and failure on the way out', () => {
    const config = dialplan();
    const causes = new Set<string>();
    for (const context of [OUTBOUND_CONTEXT, CHECK_CONTEXT, DIAL_CONTEXT, TRUNK_LIMIT_SUBROUTINE])
      for (const [exten, steps] of extensions(config, context))
        steps.forEach((step, i) => {
          const cause = /^Hangup\((.+)\)$/.exec(step)?.[1];
          // 16: the call out happened (or the caller hung up): nothing to recall
          if (cause === undefined || cause === '16') return;
          assert.equal(steps[i - 1], recallStep(cause), `${exten}@${context}: ${step}`);
          causes.add(cause);
        });
    // not a number, barred, refused, not E.164, busy, no answer, the carrier's or congestion, codecs
    assert.deepEqual(
      [...causes].sort(),
      ['1', '17', '19', '21', '28', '34', '57', '58', variable('SWITCHBOARD_CAUSE')].sort(),
    );
  });

  it('remembers only a blind transfer: the transferring channel, the number as digits, the caller ID', () => {
    const config = dialplan();
    for (const [pattern, steps] of extensions(config, TRANSFER_OUTSIDE_CONTEXT)) {
      assert.equal(steps[0], `GotoIf($["${variable('BLINDTRANSFER')}" = ""]?barred)`, pattern);
      assert.deepEqual(steps.slice(1, 4), rememberTransfer(), pattern);
      // the refusal of a channel that is no transfer has nothing to recall
      assert.equal(steps.at(-1), 'Hangup(57)', pattern);
      assert.notEqual(steps.at(-2), recallStep(57), pattern);
    }
    const [who, number] = rememberTransfer();
    assert.equal(who, `Set(${RECALL_VARIABLE}=${variable('BLINDTRANSFER')})`);
    // the number goes into Dial()'s arguments: nothing but digits and "+"
    assert.equal(
      number,
      `Set(SWITCHBOARD_RECALL_NUMBER=${variable(`FILTER(0123456789+,${variable('EXTEN')})`)})`,
    );
  });

  it("rings the transferring agent's endpoint once, for the ring time, with the header", () => {
    const steps = priorities(dialplan(25), RECALL_CONTEXT, '_X!');
    // no transfer remembered (an agent's own call out, or a recall that already happened): the cause
    assert.equal(steps[0], `GotoIf($["${variable(RECALL_VARIABLE)}" = ""]?refused)`);
    assert.equal(steps.at(-1), `Hangup(${variable('EXTEN')})`);
    const forget = steps.indexOf(`Set(${RECALL_VARIABLE}=)`);
    const dial = steps.findIndex((s) => s.startsWith('Dial('));
    assert.ok(forget > 0 && forget < dial, 'forgotten before the agent is rung');
    // never back into the recall: no step of it jumps there
    assert.ok(!steps.some((s) => s.includes(`${RECALL_CONTEXT},`)), steps.join('\n'));
    // "PJSIP/<username>-<n>" → "PJSIP/<username>", and only a PJSIP channel
    assert.ok(
      steps.includes(`Set(SWITCHBOARD_RECALL_TO=${variable('CUT(SWITCHBOARD_RECALL_FROM,-,1)')})`),
    );
    assert.ok(
      steps.includes(`GotoIf($["${variable('SWITCHBOARD_RECALL_TO:0:6')}" != "PJSIP/"]?refused)`),
    );
    // the agent sees the caller, not the trunk's caller ID DIAL_CONTEXT gave the channel
    assert.ok(steps.indexOf(`Set(CALLERID(all)=${variable('SWITCHBOARD_RECALL_CALLER')})`) < dial);
    assert.equal(
      steps[dial],
      `Dial(${variable('SWITCHBOARD_RECALL_TO')},25,rb(${RECALL_CONTEXT}^header^1(${variable('EXTEN')}^${variable('SWITCHBOARD_RECALL_NUMBER')})))`,
    );
    // r: the caller hears ringing, and that audio completes the agent's REFER (NOTIFY 200)
    assert.match(steps[dial] ?? '', /,25,rb\(/);
    // answered and over, or unanswered: a normal hangup
    assert.equal(steps[dial + 1], 'Hangup(16)');
    assert.deepEqual(priorities(dialplan(25), RECALL_CONTEXT, 'header'), [
      `Set(PJSIP_HEADER(add,${RECALL_HEADER})=cause=${variable('ARG1')} number=${variable('ARG2')})`,
      `Gosub(${CALL_HEADER_SUBROUTINE},s,1)`,
      'Return()',
    ]);
  });

  it('exists only with an outbound trunk, and wants a ring time', () => {
    const without = load(render([agent(1)], { trunks: [trunk('carrier')] }), 'extensions.conf');
    assert.equal(find(without, RECALL_CONTEXT), undefined);
    assert.ok(find(dialplan(), RECALL_CONTEXT));
    for (const bad of [0, 2.5, Number.NaN])
      assert.throws(() => dialplanRecall(bad), /bad recall ring time/);
  });
});
