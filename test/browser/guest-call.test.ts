// Citizens calling the hotline from the public page /call (issue 15), for
// real: the real operator serves the page and mints permissions, a real
// Asterisk 22 runs the guest gate the operator rendered, headless Chromium
// (fake microphones) plays the citizen and the agent. Every refusal is
// proven to come from Asterisk: the page is left intact and only the
// permission it received is tampered with on the wire (Playwright route),
// as an attacker would; the gate's verdict is read from its AMI UserEvent,
// and no refused guest ever joins a queue (no QueueCallerJoin).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import type { OperatorProcess } from '../support/operator-process.ts';
import type { RealAsterisk } from '../support/real-asterisk.ts';
import { waitUntil } from '../support/wait.ts';
import {
  type GuestPage,
  guestAudio,
  guestState,
  openGuest as openGuestPage,
  type Tamper,
  waitPhase,
} from './support/guest-page.ts';
import { type GuestStage, startGuestStage } from './support/guest-stage.ts';
import type { PhoneDriver } from './support/phone-driver.ts';

let stage: GuestStage;
let pbx: RealAsterisk;
let operator: OperatorProcess;
let ann: PhoneDriver;
let contexts: BrowserContext[];
const agent = { username: '', password: '', extension: '' };
const figures: Record<string, string> = {};
const ms = (x: number) => `${x.toFixed(0)} ms`;

const openGuest = () => openGuestPage(stage.browser, contexts, operator.port);
const verdicts = () => stage.gate.verdicts();
const queueJoins = () => stage.gate.queueJoins();
const nextVerdict = (from: number) => stage.gate.next(from);

/**
 * Places a call from the page with a tampered permission and asserts that
 * Asterisk refused it with `verdict`, the page says so, and nobody queued.
 */
async function refused(
  guest: GuestPage,
  tamper: Tamper | undefined,
  verdict: string,
  text: RegExp,
  number?: string,
) {
  const before = verdicts().length;
  const joins = queueJoins();
  const annBefore = (await ann.call())?.id;
  guest.tamper = tamper;
  if (number !== undefined)
    await guest.page.evaluate((n) => {
      const el = document.querySelector('sb-app')?.shadowRoot?.querySelector('sb-guest-call') as
        | (HTMLElement & { number?: string })
        | null;
      if (el) el.number = n;
    }, number);
  await guest.page.locator('sb-guest-call button.call').click();
  await waitPhase(guest.page, 'failed');
  if (verdict === 'none') {
    // the number is not in the guest context at all: the refusal context answers, no gate
    assert.equal(verdicts().length, before, 'the gate never ran');
  } else assert.equal(await nextVerdict(before), verdict);
  const state = await guestState(guest.page);
  assert.match(state.message ?? '', text);
  assert.equal(queueJoins(), joins, 'a refused guest never joins a queue');
  assert.equal((await ann.call())?.id, annBefore, 'the agent never rang for it');
}

before(async () => {
  stage = await startGuestStage({
    name: 'guest-call',
    publicAccess: {
      enabled: true,
      numbers: [],
      tokenTtlSeconds: 120,
      maxConcurrentGuests: 1,
      maxCallSeconds: 600,
      mintsPerMinutePerAddress: 60,
    },
  });
  ({ pbx, operator, ann, contexts } = stage);
  Object.assign(agent, stage.line);
});

after(async () => {
  console.log('guest calls ↔ real Asterisk figures:', JSON.stringify(figures, null, 2));
  await stage?.close();
});

let first: GuestPage;

test('a citizen calls the hotline from /call and reaches a free agent, audio both ways', async () => {
  const guest = await openGuest();
  first = guest;
  figures['page load → ready to call'] = ms(guest.readyMs);
  // nothing about the guest is in any ConfigMap: the password is in a Secret shard only
  const joins = queueJoins();
  await guest.page.locator('sb-guest-call button.call').click();
  await ann.waitForCall("call?.phase === 'ringing'");
  const [state, annTimeline] = await Promise.all([guestState(guest.page), ann.timeline()]);
  const invited = state.timeline.find((t) => t.event === 'invite')?.at;
  const incoming = annTimeline.findLast((t) => t.event === 'incoming')?.at;
  assert.ok(invited !== undefined && incoming !== undefined);
  const ringing = (await ann.page.evaluate((t) => performance.timeOrigin + t, incoming)) - invited;
  figures['dial (INVITE) → agent ringing, through the gate and the hotline queue'] = ms(ringing);
  const permission = state.timeline.find((t) => t.event === 'permission')?.at ?? invited;
  const clicked = state.timeline.find((t) => t.event === 'click')?.at ?? permission;
  figures['click Call → permission minted (API + AMI DBPut)'] = ms(permission - clicked);
  figures['click Call → agent ringing'] = ms(ringing + invited - clicked);
  assert.equal(verdicts().at(-1), 'admitted');
  assert.equal(queueJoins(), joins + 1, 'the guest joined the hotline queue');
  // the agent sees a web call, not a fake number
  const incomingCall = await ann.call();
  assert.equal(incomingCall?.remoteName, 'Web caller');
  // The INVITE named the call (X-Switchboard-Call, Queue()'s pre-dial handler): the
  // guest's channel started it, so its linkedid is that channel's uniqueid.
  const linkedid = incomingCall?.linkedid ?? '';
  assert.match(linkedid, /^\d+\.\d+$/);
  assert.ok(
    (await pbx.asterisk.cli('core show channels concise')).includes(`!${linkedid}`),
    `the call ${linkedid} among Asterisk's channels`,
  );

  const answered = Date.now();
  await ann.locator('button.answer').click();
  await waitUntil(
    'the guest hears the agent (opus, after the queue music)',
    async () => {
      const a = await guestAudio(guest.page);
      return a.codec === 'audio/opus' && a.packets > 25;
    },
    15_000,
    10,
  );
  figures['agent answers → guest hears the agent'] = ms(Date.now() - answered);
  await waitUntil(
    'the agent hears the guest',
    async () => (await ann.audio()).packetsReceived > 25,
    10_000,
    10,
  );
  assert.equal((await guestState(guest.page)).phase, 'connected');
});

test('while the one allowed guest talks, the next guest hears "all lines busy" (cause 34)', async () => {
  const second = await openGuest();
  await refused(second, undefined, 'busy', /All lines are busy/);
  // the busy guest's permission was not consumed by the refusal: it is still in AstDB
  const token = second.tokens.at(-1) ?? '';
  const value = await pbx.asterisk.cli(`database get switchboard-guest ${token}`);
  assert.match(value, /Value: \d+/);
  await first.page.locator('sb-guest-call button.hangup').click();
  await Promise.all([waitPhase(first.page, 'ended'), ann.waitForCall('call === undefined')]);
});

test('Asterisk refuses a replayed, a forged, an expired, a malformed and a missing permission', async () => {
  const guest = await openGuest();
  const used = first.tokens[0] ?? '';
  assert.ok(used, 'the first call’s token');
  await refused(guest, (p) => ({ ...p, token: used }), 'unknown', /not allowed/);
  await refused(guest, (p) => ({ ...p, token: 'f'.repeat(64) }), 'unknown', /not allowed/);
  const expired = 'e'.repeat(64);
  await pbx.asterisk.cli(
    `database put switchboard-guest ${expired} ${Math.floor(Date.now() / 1000) - 1}`,
  );
  await refused(guest, (p) => ({ ...p, token: expired }), 'expired', /not allowed/);
  // dialplan syntax in the header is text, never code
  await refused(
    guest,
    (p) => ({ ...p, token: `${'a'.repeat(40)},x)}$[1]"` }),
    'malformed',
    /not allowed/,
  );
  await refused(guest, (p) => ({ ...p, token: 'A'.repeat(64) }), 'malformed', /not allowed/);
  await refused(guest, (p) => ({ ...p, header: 'X-Something-Else' }), 'malformed', /not allowed/);
});

test('a guest with a valid permission cannot dial an agent’s extension', async () => {
  const guest = await openGuest();
  await refused(guest, undefined, 'none', /cannot be called from the web/, agent.extension);
  await refused(guest, undefined, 'none', /cannot be called from the web/, '*43');
});

test('the gate leaves no warning in the Asterisk log, whatever the header held', () => {
  const problems = pbx
    .problems()
    .filter((l) => /guest|func_|pbx\.c|expr|PJSIP_HEADER|DB_DELETE/i.test(l));
  assert.deepEqual(problems, []);
});
