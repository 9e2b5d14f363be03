// Calls out through the outbound trunk: where the outbound context sits in
// the agents' dialplan, who carries the permission, and what the rendered
// steps do with a number. The steps are run by a small interpreter of the
// few dialplan applications they use, and must agree with siptrunk/numbers.ts
// for every number of the table (the real Asterisk runs them in
// test/integration/trunk-outbound.test.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  dialledDigits,
  type NumberingPlan,
  normaliseNumber,
  outboundVerdict,
} from '../../siptrunk/numbers.ts';
import {
  AGENT_CONTEXT,
  CAUSE,
  REJECT_CONTEXT,
  TRANSFER_CONTEXT,
  TRANSFER_OUT_CONTEXT,
  TRANSFER_OUTSIDE_CONTEXT,
} from './dialplan.ts';
import { agent, find, load, outbound, render, trunk } from './fixtures.ts';
import { CHECK_CONTEXT, DIAL_CONTEXT, OUTBOUND_CONTEXT } from './outbound.ts';
import type { LoadedConfig } from './parse.ts';
import { optionValues } from './parse.ts';
import { DIALOUT_VARIABLE, ENDPOINT_TEMPLATE, endpointRevision } from './pjsip.ts';
import { RECALL_CONTEXT, recallStep } from './recall.ts';
import { trunkId } from './trunks.ts';
import type { RenderOutbound } from './types.ts';

const DIALOUT = `${DIALOUT_VARIABLE}=yes`;
/** An Asterisk variable, built without `${` in a string. */
const variable = (name: string) => `$${'{'}${name}}`;
const template = (pjsip: LoadedConfig) =>
  pjsip.categories.find((c) => c.template && c.name === ENDPOINT_TEMPLATE);

/** Asterisk's extension patterns, as far as the outbound contexts use them. */
function matches(pattern: string, exten: string): boolean {
  if (!pattern.startsWith('_')) return pattern === exten;
  let re = '';
  for (const part of pattern.slice(1).match(/\[[^\]]*\]|./g) ?? []) {
    if (part === 'X') re += '[0-9]';
    else if (part === 'Z') re += '[1-9]';
    else if (part === 'N') re += '[2-9]';
    else if (part === '.') re += '.+';
    else if (part === '!') re += '.*';
    else if (part.startsWith('[')) re += part;
    else re += part.replace(/[+*?^$()|{}\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`).test(exten);
}

interface Step {
  readonly label?: string;
  readonly app: string;
}

/** The steps of the extension `exten` matches in `context` (literal before pattern), if any. */
function extension(config: LoadedConfig, context: string, exten: string): Step[] | undefined {
  const byExten = new Map<string, Step[]>();
  let current: Step[] = [];
  for (const c of config.categories.filter((x) => x.name === context))
    for (const l of c.lines) {
      if (l.key === 'exten') {
        const [name = '', , ...app] = l.value.split(',');
        current = [{ app: app.join(',') }];
        byExten.set(name, current);
      } else if (l.key === 'same') {
        const [prio = '', ...app] = l.value.split(',');
        const label = /^n\((.+)\)$/.exec(prio)?.[1];
        current.push({ ...(label ? { label } : {}), app: app.join(',') });
      }
    }
  const literal = byExten.get(exten);
  if (literal) return literal;
  for (const [name, steps] of byExten)
    if (name.startsWith('_') && matches(name, exten)) return steps;
  return undefined;
}

type Outcome =
  | { dial: string; callerId: string; ring?: number }
  | { hangup: number }
  | { recall: number };

/** Runs the outbound dialplan for `exten` as Asterisk would (only what it uses). */
function run(
  config: LoadedConfig,
  exten: string,
  vars: Record<string, string>,
  start = OUTBOUND_CONTEXT,
): Outcome {
  let context = start;
  let number = exten;
  const channel: Record<string, string> = { ...vars };
  for (let jumps = 0; jumps < 10; jumps++) {
    const steps = extension(config, context, number) ?? extension(config, context, 'i');
    if (!steps) return { hangup: CAUSE.unallocated }; // no match: the reject context
    const expand = (text: string): string => {
      let out = text;
      for (;;) {
        const next = out.replace(/\$\{([^${}]*)\}/, (_, inner: string) => {
          const fn = /^(LEN|FILTER)\((.*)\)$/.exec(inner);
          if (fn?.[1] === 'LEN') return String(fn[2]?.length);
          if (fn?.[1] === 'FILTER') {
            const [allowed = '', value = ''] = (fn[2] ?? '').split(',');
            return [...value].filter((ch) => allowed.includes(ch)).join('');
          }
          const [name = '', offset, length] = inner.split(':');
          const value = name === 'EXTEN' ? number : (channel[name] ?? '');
          if (offset === undefined) return value;
          const start = Number(offset);
          return length === undefined
            ? value.slice(start)
            : value.slice(start, start + Number(length));
        });
        if (next === out) return out;
        out = next;
      }
    };
    const truth = (expression: string) =>
      expression.split(' | ').some((term) => {
        const [a = '', op, b = ''] = term.trim().split(/ (=|!=|<|>) /);
        const value = (x: string) => x.replace(/^"(.*)"$/, '$1');
        const [x, y] = [value(a), value(b)];
        return op === '=' ? x === y : op === '!=' ? x !== y : op === '<' ? +x < +y : +x > +y;
      });
    let jumped = false;
    for (let i = 0; i < steps.length && !jumped; i++) {
      const app = (steps[i] as Step).app;
      const call = /^(\w+)\((.*)\)$/.exec(app);
      assert.ok(call, `a dialplan step: ${app}`);
      const [, name, args = ''] = call;
      const jump = (target: string) => {
        const parts = expand(target).split(',');
        if (parts.length === 1) {
          i = steps.findIndex((s) => s.label === parts[0]) - 1;
          assert.ok(i >= -1, `label ${parts[0]}`);
          return;
        }
        [context = context, number = number] = parts;
        jumped = true;
      };
      if (name === 'Hangup') return { hangup: Number(expand(args)) };
      if (name === 'Goto') jump(args);
      else if (name === 'GotoIf') {
        const m = /^\$\[(.*)\]\?(.*)$/.exec(expand(args));
        assert.ok(m, `GotoIf ${args}`);
        if (truth(m[1] ?? '')) jump(m[2] ?? '');
        // back to the transferring agent with this cause (recall.test.ts covers that context)
        if (jumped && context === RECALL_CONTEXT) return { recall: Number(number) };
      } else if (name === 'Set') {
        const [key = '', ...rest] = args.split('=');
        const value = rest.join('=');
        channel[key] = expand(value);
      } else if (name === 'Dial') {
        const [target = '', timeout = ''] = expand(args).split(/,(.*)/s);
        const to = /^PJSIP\/(.+)@(.+)$/.exec(target);
        assert.equal(to?.[2], trunkId('carrier'));
        const dialled = { dial: to?.[1] ?? '', callerId: channel['CALLERID(num)'] ?? '' };
        // ${IF($[<condition>]?<seconds>:)}: how long it rings, none for no limit
        const limit = /^\$\{IF\(\$\[(.*)\]\?(\d+):\)\}$/.exec(timeout);
        assert.ok(limit, `Dial's timeout ${timeout}`);
        return truth(limit[1] ?? '') ? { ...dialled, ring: Number(limit[2]) } : dialled;
      } else if (name !== 'Gosub') assert.fail(`unexpected application ${name}`);
    }
    assert.ok(jumped, `the steps of ${number}@${context} end without a hangup`);
  }
  return assert.fail('more than 10 jumps');
}

const dialplanOf = (o: RenderOutbound) =>
  load(render([agent(1)], { trunks: [trunk('carrier', { outbound: o })] }), 'extensions.conf');

/** What numbers.ts says Asterisk must do with `typed`. */
function expected(typed: string, o: RenderOutbound, permitted: boolean): Outcome {
  const plan: NumberingPlan = { ...o, emergencyNumbers: [...o.emergencyNumbers] };
  const dialled = normaliseNumber(typed, plan);
  if (dialled.kind === 'unknown') return { hangup: CAUSE.unallocated };
  // Emergency numbers are for everyone; any other outside number needs the permission first.
  if (dialled.kind !== 'emergency' && !permitted) return { hangup: CAUSE.notAuthorised };
  const v = outboundVerdict(dialled, { allow: [...o.allow], deny: [...o.deny] });
  if ('call' in v) return { dial: v.call, callerId: o.callerId };
  return { hangup: v.refused === 'invalid' ? CAUSE.invalidNumber : CAUSE.rejected };
}

const TYPED = [
  '076 123 456',
  '+232 76-123-456',
  '(076) 123456',
  '00232 76 123 456',
  '090 123 456', // premium: denied
  '+232 90 123 456',
  '+44 20 7946 0958',
  '0044 20 7946 0958',
  '+1 (555) 010-9912',
  '76123456', // no national prefix
  '4455', // no such extension
  '0761', // too short
  '+0123456789',
  '00123456789012345678',
  '112',
  '999',
  '+2',
];

describe('outbound calls', () => {
  it('renders nothing new for trunks without outbound', () => {
    const before = render([agent(1)], { trunks: [trunk('carrier')] });
    const dialplan = load(before, 'extensions.conf');
    assert.equal(find(dialplan, OUTBOUND_CONTEXT), undefined);
    const pjsip = load(before, 'pjsip.conf');
    assert.deepEqual(optionValues(find(pjsip, trunkId('carrier'), 'endpoint'), 'send_pai'), []);
    assert.ok(!JSON.stringify(before).includes(DIALOUT_VARIABLE));
  });

  it('searches outside numbers after every extension and before the refusal', () => {
    const dialplan = dialplanOf(outbound());
    const includes = optionValues(find(dialplan, AGENT_CONTEXT), 'include');
    assert.deepEqual(includes.slice(-2), [OUTBOUND_CONTEXT, REJECT_CONTEXT]);
    assert.ok(includes.slice(0, -2).every((c) => c.startsWith(`${AGENT_CONTEXT}-`)));
    // only the entry context is included anywhere: no one skips the checks
    for (const c of dialplan.categories)
      for (const i of optionValues(c, 'include'))
        assert.ok(i !== CHECK_CONTEXT && i !== DIAL_CONTEXT, `${c.name} includes ${i}`);
  });

  it('does with every number what numbers.ts says, for permitted agents and others', () => {
    const plans: RenderOutbound[] = [
      outbound({ emergencyNumbers: ['112', '999'] }),
      outbound({ allow: ['international', '+23276'], deny: ['+4420'] }),
      outbound({ allow: ['national', 'international', 'emergency'], deny: [] }),
      outbound({ countryCode: '39', nationalPrefix: '', allow: ['national'] }),
    ];
    for (const o of plans) {
      const dialplan = dialplanOf(o);
      for (const typed of TYPED)
        for (const permitted of [true, false]) {
          const vars: Record<string, string> = permitted ? { [DIALOUT_VARIABLE]: 'yes' } : {};
          assert.deepEqual(
            run(dialplan, dialledDigits(typed), vars),
            expected(typed, o, permitted),
            `${typed} (${permitted ? 'permitted' : 'not permitted'}) with ${JSON.stringify(o)}`,
          );
        }
    }
  });

  it('sends a caller an agent who may call out transfers to an outside number by the same rules, whatever the caller may', () => {
    const plans: RenderOutbound[] = [
      outbound({ emergencyNumbers: ['112', '999'] }),
      outbound({ allow: ['international', '+23276'], deny: ['+4420'] }),
      outbound({ countryCode: '39', nationalPrefix: '', allow: ['national'] }),
    ];
    for (const o of plans) {
      const dialplan = dialplanOf(o);
      for (const typed of TYPED) {
        const digits = dialledDigits(typed);
        // the caller's channel (a carrier's or a browser's) has no permission; BLINDTRANSFER names the agent's
        const transferred = { BLINDTRANSFER: 'PJSIP/ann-00000001' };
        if (!extension(dialplan, TRANSFER_OUTSIDE_CONTEXT, digits)) {
          // no such extension: Asterisk refuses the REFER and the agent keeps the caller
          assert.ok(!('dial' in expected(typed, o, true)), `${typed} is refused at the REFER`);
          continue;
        }
        // a refusal sends the caller back to the agent, with the cause the agent would have had
        const want = expected(typed, o, true);
        assert.deepEqual(
          run(dialplan, digits, transferred, TRANSFER_OUTSIDE_CONTEXT),
          // rings for the ring time (dialTimeoutSeconds), then is recalled
          'hangup' in want ? { recall: want.hangup } : { ...want, ring: 30 },
          `${typed} transferred with ${JSON.stringify(o)}`,
        );
        // only a transfer gets the permission there
        const direct = run(dialplan, digits, {}, TRANSFER_OUTSIDE_CONTEXT);
        if ('hangup' in direct && direct.hangup === CAUSE.notAuthorised) continue;
        assert.deepEqual(direct, expected(typed, o, false), `${typed} without a transfer`);
      }
    }
  });

  it('gives outside numbers only to the transfers of agents who may call out', () => {
    const rendered = render([agent(1, { dialOut: true }), agent(2)], {
      trunks: [trunk('carrier', { outbound: outbound({ allAgents: false }) })],
    });
    const pjsip = load(rendered, 'pjsip.conf');
    const transferContext = (i: number) =>
      optionValues(find(pjsip, agent(i).sipUsername, 'endpoint'), 'set_var').filter((x) =>
        x.startsWith('TRANSFER_CONTEXT='),
      );
    // the endpoint's own set_var replaces the template's of the same name (res_pjsip set_var_handler)
    assert.equal(transferContext(1).at(-1), `TRANSFER_CONTEXT=${TRANSFER_OUT_CONTEXT}`);
    assert.deepEqual(transferContext(2), [`TRANSFER_CONTEXT=${TRANSFER_CONTEXT}`]);
    const dialplan = load(rendered, 'extensions.conf');
    assert.deepEqual(optionValues(find(dialplan, TRANSFER_OUT_CONTEXT), 'include'), [
      TRANSFER_CONTEXT,
      TRANSFER_OUTSIDE_CONTEXT,
    ]);
  });

  it('sends the call to the trunk with its caller ID, counted by its call limit', () => {
    const dialplan = load(
      render([agent(1)], { trunks: [trunk('carrier', { maxCalls: 5, outbound: outbound() })] }),
      'extensions.conf',
    );
    const steps = extension(dialplan, DIAL_CONTEXT, '+23276123456')?.map((s) => s.app);
    assert.deepEqual(steps, [
      `GotoIf($["${variable('CHANNEL(audioreadformat)')}" = "opus"]?codecs)`,
      'Set(CALLERID(name)=)',
      'Set(CALLERID(num)=+23222000000)',
      `Gosub(switchboard-limit-trunk,s,1(${trunkId('carrier')},5))`,
      `Dial(PJSIP/${variable('EXTEN')}@${trunkId('carrier')},${variable(`IF($["${variable('SWITCHBOARD_RECALL')}" != ""]?30:)`)})`,
      `Goto(s-${variable('DIALSTATUS')},1)`,
      recallStep(58),
      'Hangup(58)',
    ]);
    // a carrier that takes Opus needs no second try
    const opus = load(
      render([], {
        trunks: [trunk('carrier', { codecs: ['opus', 'ulaw'], outbound: outbound() })],
      }),
      'extensions.conf',
    );
    assert.ok(
      !extension(opus, DIAL_CONTEXT, '+23276123456')?.some((s) =>
        s.app.includes('audioreadformat'),
      ),
    );
    assert.deepEqual(
      extension(dialplan, DIAL_CONTEXT, 's-BUSY')?.map((s) => s.app),
      [recallStep(17), 'Hangup(17)'],
    );
    // the carrier's own refusal cause goes to the agent (or, transferred, back to the
    // agent who transferred); none or normal clearing: congestion
    const cause = variable('HANGUPCAUSE');
    for (const status of ['CHANUNAVAIL', 'CONGESTION'])
      assert.deepEqual(
        extension(dialplan, DIAL_CONTEXT, `s-${status}`)?.map((s) => s.app),
        [
          `Set(SWITCHBOARD_CAUSE=${variable(`IF($[0${cause} > 0 & 0${cause} != 16]?${cause}:34)`)})`,
          recallStep(variable('SWITCHBOARD_CAUSE')),
          `Hangup(${variable('SWITCHBOARD_CAUSE')})`,
        ],
      );
    const pjsip = load(
      render([], { trunks: [trunk('carrier', { outbound: outbound() })] }),
      'pjsip.conf',
    );
    assert.deepEqual(optionValues(find(pjsip, trunkId('carrier'), 'endpoint'), 'send_pai'), [
      'yes',
    ]);
  });

  it('gives every agent the permission through the template, or only the selected ones', () => {
    const everyone = load(
      render([agent(1), agent(2)], { trunks: [trunk('carrier', { outbound: outbound() })] }),
      'pjsip.conf',
    );
    assert.ok(optionValues(template(everyone), 'set_var').includes(DIALOUT));
    // inherited, beside the endpoint's own revision variable
    const inherited = optionValues(find(everyone, agent(1).sipUsername, 'endpoint'), 'set_var');
    assert.equal(inherited.filter((x) => x === DIALOUT).length, 1);
    // the transfer context with outside numbers (replacing the template's), the permission, the revision
    assert.equal(inherited.length, 4, String(inherited));

    const selected = render([agent(1, { dialOut: true }), agent(2)], {
      trunks: [trunk('carrier', { outbound: outbound({ allAgents: false }) })],
    });
    const pjsip = load(selected, 'pjsip.conf');
    assert.ok(!optionValues(template(pjsip), 'set_var').includes(DIALOUT));
    const vars = (i: number) =>
      optionValues(find(pjsip, agent(i).sipUsername, 'endpoint'), 'set_var');
    assert.ok(vars(1).includes(DIALOUT));
    assert.ok(!vars(2).includes(DIALOUT));
  });

  it('changes the revision of an agent whose permission changes (Provisioned waits for it)', () => {
    const a = { ...agent(1), label: 'Agent 1' };
    assert.notEqual(endpointRevision({ ...a, dialOut: true }), endpointRevision(a));
    assert.equal(endpointRevision({ ...a, dialOut: false }), endpointRevision(a));
  });

  it('refuses to render two outbound trunks or rules that are no numbers', () => {
    assert.throws(
      () =>
        render([], {
          trunks: [
            trunk('a', { outbound: outbound() }),
            trunk('b', { outbound: outbound(), routes: [] }),
          ],
        }),
      /2 trunks carry outbound calls/,
    );
    for (const bad of [
      { callerId: 'hotline' },
      { deny: ['+2329,1)'] },
      { allow: ['premium'] },
      { emergencyNumbers: ['11\n2'] },
      { nationalPrefix: '00' },
    ])
      assert.throws(
        () => render([], { trunks: [trunk('carrier', { outbound: outbound(bad) })] }),
        /cannot render Asterisk configuration: outbound/,
        JSON.stringify(bad),
      );
  });
});
