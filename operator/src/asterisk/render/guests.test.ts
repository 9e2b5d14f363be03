import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AGENT_CONTEXT, REJECT_CONTEXT } from './dialplan.ts';
import { agent, callQueue, find, load, priorities, render, spec } from './fixtures.ts';
import {
  GUEST_CONTEXT,
  GUEST_ENDPOINT,
  GUEST_GATE,
  GUEST_HEADER,
  guestNumbers,
  TOKEN_HEX_LENGTH,
} from './guests.ts';
import { optionValue } from './parse.ts';
import { queueRoutes } from './routes.ts';

const PASSWORD = 'feedface'.repeat(4);
const on = (extra: Record<string, unknown> = {}) =>
  spec({ publicAccess: { enabled: true, ...extra } });

describe('guests (public access)', () => {
  it('renders nothing at all while public access is off or absent', () => {
    const plain = render([agent(1)]);
    for (const config of [spec(), spec({ publicAccess: { enabled: false } })]) {
      const out = render([agent(1)], { config, guestPassword: PASSWORD });
      assert.deepEqual(
        out.map((o) => o.hash),
        plain.map((o) => o.hash),
      );
    }
  });

  it('renders the endpoint in the ConfigMap and its password only in a Secret', () => {
    const out = render([agent(1)], { config: on(), guestPassword: PASSWORD });
    for (const o of out) {
      const text = Object.values(o.files).join('\n');
      if (o.kind === 'ConfigMap') assert.ok(!text.includes(PASSWORD), `${o.name} has no password`);
    }
    assert.equal(out.filter((o) => Object.values(o.files).join().includes(PASSWORD)).length, 1);
    const pjsip = load(out, 'pjsip.conf');
    const endpoint = find(pjsip, GUEST_ENDPOINT, 'endpoint');
    assert.ok(endpoint);
    assert.equal(optionValue(endpoint, 'context'), GUEST_CONTEXT);
    assert.equal(optionValue(endpoint, 'allow_transfer'), 'no');
    assert.equal(optionValue(endpoint, 'webrtc'), 'yes', 'inherits the WebRTC template');
    assert.equal(
      optionValue(find(pjsip, GUEST_ENDPOINT, 'auth') ?? endpoint, 'password'),
      PASSWORD,
    );
    assert.equal(find(pjsip, GUEST_ENDPOINT, 'aor'), undefined, 'nobody registers as a guest');
  });

  it('without the password (no uid yet) renders no guests', () => {
    const out = render([agent(1)], { config: on() });
    assert.equal(find(load(out, 'pjsip.conf'), GUEST_ENDPOINT), undefined);
  });

  it('gates every public number, then goes to it in the agents context', () => {
    const out = render([agent(1)], { config: on(), guestPassword: PASSWORD });
    const dialplan = load(out, 'extensions.conf');
    assert.deepEqual(priorities(dialplan, GUEST_CONTEXT, '117'), [
      `Gosub(${GUEST_GATE},s,1)`,
      `Goto(${AGENT_CONTEXT},117,1)`,
    ]);
    // an agent's extension is not in the guest context: the refusal answers it
    assert.deepEqual(priorities(dialplan, GUEST_CONTEXT, '1001'), []);
    const guest = dialplan.categories.find((c) => c.name === GUEST_CONTEXT);
    assert.deepEqual(
      guest?.lines.filter((l) => l.key === 'include').map((l) => l.value),
      [REJECT_CONTEXT],
    );
    const gate = priorities(dialplan, GUEST_GATE, 's').join('\n');
    assert.match(gate, new RegExp(`PJSIP_HEADER\\(read,${GUEST_HEADER}\\)`));
    assert.match(gate, new RegExp(`!= ${TOKEN_HEX_LENGTH}\\]\\?malformed,1`));
    assert.match(gate, /GROUP_COUNT\(guests@switchboard\)\} > 10\]\?busy,1/);
    assert.match(gate, /DB_DELETE\(switchboard-guest\//);
    assert.match(gate, /TIMEOUT\(absolute\)=1800/);
    // the page label comes from the stored value (CUT by variable name), never a header
    assert.match(gate, /GUEST_EXPIRES=\$\{CUT\(GUEST_VALUE,~,1\)\}/);
    assert.match(gate, /GUEST_PAGE=\$\{CUT\(GUEST_VALUE,~,2\)\}/);
    assert.match(gate, /CALLERID\(name\)=Web caller - \$\{GUEST_PAGE\}/);
    assert.match(gate, /CALLERID\(num\)=web/);
    assert.equal(gate.match(/PJSIP_HEADER/g)?.length, 1);
    // the length check comes before the token is used as a database key
    assert.ok(gate.indexOf('malformed') < gate.indexOf('DB_DELETE'));
    assert.deepEqual(priorities(dialplan, GUEST_GATE, 'busy').at(-1), 'Hangup(34)');
    for (const refused of ['malformed', 'unknown', 'expired'])
      assert.deepEqual(priorities(dialplan, GUEST_GATE, refused).at(-1), 'Hangup(21)');
  });

  it('takes only numbers that reach a queue: the hotline and CallQueue numbers', () => {
    const queues = [callQueue('sales', { numbers: ['200'] })];
    const config = on({ numbers: ['200', '117', '999'] });
    const routes = queueRoutes(config, queues);
    assert.deepEqual(guestNumbers(config, routes), { allowed: ['117', '200'], dropped: ['999'] });
    assert.deepEqual(guestNumbers(on(), routes), { allowed: ['117'], dropped: [] });
  });

  it('checks the opening hours in their time zone first, ends exclusive, and refuses with 20', () => {
    const openingHours = {
      timeZone: 'Africa/Freetown',
      windows: [
        { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '17:00' },
        { days: ['sat'], from: '09:30', to: '24:00' },
      ],
    };
    const out = render([agent(1)], { config: on({ openingHours }), guestPassword: PASSWORD });
    const gate = priorities(load(out, 'extensions.conf'), GUEST_GATE, 's');
    assert.deepEqual(gate.slice(0, 4), [
      'GotoIfTime(08:00-16:59,mon&tue&wed&thu&fri,*,*,Africa/Freetown?open)',
      'GotoIfTime(09:30-23:59,sat,*,*,Africa/Freetown?open)',
      'Goto(closed,1)',
      'Set(GROUP(switchboard)=guests)',
    ]);
    assert.deepEqual(priorities(load(out, 'extensions.conf'), GUEST_GATE, 'closed'), [
      'UserEvent(SwitchboardGuest,Result: closed)',
      'Hangup(20)',
    ]);
    // without hours: no time check and no closed refusal
    const always = render([agent(1)], { config: on(), guestPassword: PASSWORD });
    assert.ok(
      !priorities(load(always, 'extensions.conf'), GUEST_GATE, 's').join().includes('Time'),
    );
    assert.deepEqual(priorities(load(always, 'extensions.conf'), GUEST_GATE, 'closed'), []);
  });
});
