// The public page's abuse limits (issue 15) with real calls: the real
// operator mints permissions and renders the guest gate, a real Asterisk 22
// enforces it, headless Chromium plays the citizen and the agent.
//   - the per-address mint rate: the N+1-th permission within a minute is a
//     429 with Retry-After, another address still gets one;
//   - expired permissions leave AstDB (the leader's sweep), also those an
//     earlier leader left behind, and 3000 of them in one pass;
//   - maxCallSeconds: Asterisk ends an answered guest call at the limit;
//   - opening hours in a time zone: outside them the page says the hotline is
//     closed and when it opens, no permission is given, and a caller who gets
//     through anyway (a permission written straight into AstDB, a page told
//     it is open) is refused by Asterisk itself (cause 20).
// The hours are chosen relative to now in a fixed-offset zone (local time is
// always about noon there), so nothing waits for a wall-clock time; the open
// hours (11:00-14:00 there) would be closed read as UTC unless UTC is 11-13 h,
// so an admitted call shows Asterisk read the zone.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pino from 'pino';
import type { BrowserContext } from 'playwright-core';
import { AmiClient } from '../../operator/src/asterisk/ami/client.ts';
import type { OpeningHours } from '../../operator/src/crds/types.ts';
import { repoRoot } from '../cluster/tools.ts';
import type { OperatorProcess } from '../support/operator-process.ts';
import { REAL_AMI_SECRET_NAME, type RealAsterisk } from '../support/real-asterisk.ts';
import { condition, decode, type Resources } from '../support/resources.ts';
import { waitUntil } from '../support/wait.ts';
import { guestAudio, guestState, openGuest, waitPhase } from './support/guest-page.ts';
import { type GuestStage, startGuestStage } from './support/guest-stage.ts';
import type { PhoneDriver } from './support/phone-driver.ts';

const MINTS_PER_MINUTE = 5;
const TOKEN_TTL_SECONDS = 10;
const MAX_CALL_SECONDS = 30; // the schema's minimum
const SWEEP_MS = 1000;
const FAMILY = 'switchboard-guest';

let stage: GuestStage;
let r: Resources;
let pbx: RealAsterisk;
let operator: OperatorProcess;
let ann: PhoneDriver;
let contexts: BrowserContext[];
const figures: Record<string, string> = {};
const ms = (x: number) => `${x.toFixed(0)} ms`;

/** A fixed-offset zone where it is 12:xx now (Etc/GMT-N is UTC+N). */
const offsetHours = 12 - new Date().getUTCHours();
const ZONE =
  offsetHours === 0 ? 'Etc/GMT' : `Etc/GMT${offsetHours > 0 ? '-' : '+'}${Math.abs(offsetHours)}`;
const openAllDay = (from: string, to: string): OpeningHours => ({
  timeZone: ZONE,
  windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from, to }],
});

/** POST /public/guest-calls (or GET guest-access) from a loopback address of our choice. */
function fromAddress(
  localAddress: string,
  method: 'GET' | 'POST',
  path: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: operator.port, method, path, localAddress },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: JSON.parse(text || '{}') as Record<string, unknown>,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** How many permissions AstDB holds. */
async function stored(): Promise<number> {
  const out = await pbx.asterisk.cli(`database show ${FAMILY}`);
  return Number(/(\d+) results? found/.exec(out)?.[1] ?? Number.NaN);
}

/** Local times of the AMI events this test times (receive time on this machine). */
const seenAt: { admitted: number[]; guestHangup: number[] } = { admitted: [], guestHangup: [] };

before(async () => {
  stage = await startGuestStage({
    name: 'guest-limits',
    env: { GUEST_SWEEP_MS: String(SWEEP_MS) },
    publicAccess: {
      enabled: true,
      numbers: [],
      tokenTtlSeconds: TOKEN_TTL_SECONDS,
      maxConcurrentGuests: 5,
      maxCallSeconds: MAX_CALL_SECONDS,
      mintsPerMinutePerAddress: MINTS_PER_MINUTE,
      openingHours: openAllDay('11:00', '14:00'),
    },
  });
  ({ r, pbx, operator, ann, contexts } = stage);
  stage.ami.client.onEvent((e) => {
    if (!('fields' in e)) return;
    const f = e.fields;
    if (String(f.userevent) === 'SwitchboardGuest' && String(f.result) === 'admitted')
      seenAt.admitted.push(Date.now());
    if (String(f.event) === 'Hangup' && String(f.channel).startsWith('PJSIP/switchboard-guest-'))
      seenAt.guestHangup.push(Date.now());
  });
});

after(async () => {
  console.log('guest limits ↔ real Asterisk figures:', JSON.stringify(figures, null, 2));
  await stage?.close();
});

/** A permission as the API gave it (for the caller who gets through while closed). */
let permission: Record<string, unknown> = {};
let lastExpiry = 0;

test('the N+1-th permission from one address within a minute is refused: 429 with Retry-After', async () => {
  const tokens: string[] = [];
  for (let i = 0; i < MINTS_PER_MINUTE; i++) {
    const started = performance.now();
    const res = await fromAddress('127.0.0.2', 'POST', '/public/guest-calls');
    assert.equal(res.status, 200, JSON.stringify(res.body.message));
    if (i === 0) figures['one mint (API + AMI DBPut)'] = ms(performance.now() - started);
    tokens.push(String(res.body.token));
    permission = res.body;
    lastExpiry = Date.parse(String(res.body.expiresAt));
  }
  assert.equal(new Set(tokens).size, MINTS_PER_MINUTE);
  const refused = await fromAddress('127.0.0.2', 'POST', '/public/guest-calls');
  assert.equal(refused.status, 429);
  const retryAfter = Number(refused.headers['retry-after']);
  assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${refused.headers['retry-after']}`);
  assert.match(
    String(refused.body.message),
    /too many calls from this address; try again in \d+ s/,
  );
  assert.equal(refused.body.token, undefined, 'no permission with a 429');
  figures['Retry-After of the refused mint'] = `${retryAfter} s`;
  // another address has its own allowance
  const other = await fromAddress('127.0.0.3', 'POST', '/public/guest-calls');
  assert.equal(other.status, 200);
  lastExpiry = Math.max(lastExpiry, Date.parse(String(other.body.expiresAt)));
  assert.equal(await stored(), MINTS_PER_MINUTE + 1, 'every permission given is in AstDB');
});

test('expired permissions leave AstDB: the sweep empties the family, also of an earlier leader’s leftovers', async () => {
  // left behind by a leader that died before its permissions expired
  const stale = Math.floor(Date.now() / 1000) - 3600;
  for (const c of ['a', 'b', 'c'])
    await pbx.asterisk.cli(`database put ${FAMILY} ${c.repeat(64)} ${stale}`);
  const put = Date.now();
  await waitUntil(
    'the stale permissions swept',
    async () => {
      const keys = await pbx.asterisk.cli(`database show ${FAMILY}`);
      return !['a', 'b', 'c'].some((c) => keys.includes(c.repeat(64)));
    },
    SWEEP_MS * 5,
    50,
  );
  figures['stale permissions written → all swept'] = ms(Date.now() - put);
  assert.equal(await stored(), MINTS_PER_MINUTE + 1, 'unexpired permissions stay');
  await waitUntil('the minted permissions swept', async () => (await stored()) === 0, 30_000, 50);
  const late = Date.now() - lastExpiry;
  figures['last permission expired → AstDB family empty'] = ms(late);
  // expiry is whole epoch seconds, the sweep runs every SWEEP_MS
  assert.ok(late < 1000 + SWEEP_MS + 1000, `swept ${late} ms after expiry`);
});

test('the sweep keeps up: 3000 expired permissions (five minutes at 10 guests a second) are gone within a few sweeps', async () => {
  // written with the operator's own AMI user, as its mints would be
  const secret = await r.secret(REAL_AMI_SECRET_NAME);
  const writer = new AmiClient({
    host: '127.0.0.1',
    port: pbx.asterisk.amiPort,
    username: decode(secret, 'username') ?? '',
    secret: decode(secret, 'secret') ?? '',
    logger: pino({ level: 'silent' }),
  });
  writer.start();
  try {
    await writer.ready(10_000);
    const expired = String(Math.floor(Date.now() / 1000) - 1);
    const started = Date.now();
    for (let batch = 0; batch < 3000; batch += 100)
      await Promise.all(
        Array.from({ length: 100 }, () =>
          writer.action({
            action: 'DBPut',
            family: FAMILY,
            key: randomBytes(32).toString('hex'),
            val: expired,
          }),
        ),
      );
    const written = Date.now();
    figures['3000 DBPut (100 at a time)'] = ms(written - started);
    await waitUntil('3000 swept', async () => (await stored()) === 0, 30_000, 50);
    const emptied = Date.now() - written;
    figures['3000 expired written → AstDB family empty (1 s sweep)'] = ms(emptied);
    assert.ok(emptied < 10 * SWEEP_MS, `emptied after ${emptied} ms`);
    // the operator logs each pass that removed something: the largest one's size and time
    const passes = readFileSync(operator.logPath, 'utf8')
      .split('\n')
      .filter((l) => l.includes('expired guest permissions removed'))
      .map((l) => JSON.parse(l) as { removed: number; ms: number });
    const largest = passes.reduce((a, b) => (b.removed > a.removed ? b : a), { removed: 0, ms: 0 });
    figures['largest sweep pass'] = `${largest.removed} removed in ${largest.ms} ms`;
  } finally {
    await writer.stop();
  }
});

test(`Asterisk ends an answered guest call at maxCallSeconds (${MAX_CALL_SECONDS} s)`, async () => {
  const guest = await openGuest(stage.browser, contexts, operator.port);
  const admitted = seenAt.admitted.length;
  const hangups = seenAt.guestHangup.length;
  await guest.page.locator('sb-guest-call button.call').click();
  await ann.waitForCall("call?.phase === 'ringing'");
  await ann.locator('button.answer').click();
  await waitUntil(
    'the guest hears the agent',
    async () => (await guestAudio(guest.page)).packets > 25,
    15_000,
    20,
  );
  assert.equal(seenAt.admitted.length, admitted + 1);
  await waitPhase(guest.page, 'ended', (MAX_CALL_SECONDS + 5) * 1000);
  await ann.waitForCall('call === undefined');
  const start = seenAt.admitted[admitted] ?? 0;
  const end = seenAt.guestHangup[hangups] ?? 0;
  assert.ok(end > 0, 'Asterisk hung the guest channel up');
  const lasted = end - start;
  figures['gate admitted → Asterisk hangs up the guest'] = ms(lasted);
  assert.ok(
    // both times are when this AMI client read the events: ±a few hundred ms on a busy machine
    lasted > (MAX_CALL_SECONDS - 1) * 1000 && lasted < (MAX_CALL_SECONDS + 2) * 1000,
    `the call lasted ${lasted} ms`,
  );
  assert.equal((await guestState(guest.page)).phase, 'ended', 'the page saw the call end');
});

test('outside the opening hours: the page says closed and when it opens, no permission, Asterisk refuses (cause 20)', async () => {
  await r.patchConfig({ spec: { publicAccess: { openingHours: openAllDay('09:00', '11:00') } } });
  const changed = Date.now();
  await waitUntil(
    'Asterisk reads the new hours',
    async () =>
      (await pbx.asterisk.cli('dialplan show s@switchboard-guest-gate')).includes('09:00-10:59'),
    60_000,
    100,
  );
  figures['hours changed → Asterisk gate has them'] = ms(Date.now() - changed);
  await waitUntil(
    'the API says closed',
    async () =>
      (await fromAddress('127.0.0.4', 'GET', '/public/guest-access')).body.closed === true,
    10_000,
    50,
  );
  const access = (await fromAddress('127.0.0.4', 'GET', '/public/guest-access')).body;
  // tomorrow 09:00 in the zone (it is 12:xx there now)
  const local = new Date(Date.now() + offsetHours * 3_600_000);
  const opens = Date.UTC(
    local.getUTCFullYear(),
    local.getUTCMonth(),
    local.getUTCDate() + 1,
    9 - offsetHours,
  );
  assert.equal(access.opensAt, new Date(opens).toISOString());
  assert.equal(access.enabled, false);
  assert.match(
    String(access.message),
    new RegExp(
      `^The hotline is closed\\. It opens again \\w+ 09:00 \\(${ZONE.replace('+', '\\+')} time\\)\\.$`,
    ),
  );
  // kubectl shows the hours on the WebRTCConfig
  await waitUntil(
    'PublicAccess names the hours',
    async () =>
      condition(await r.config(), 'PublicAccess')?.message ===
      `guests may call 117, open mon,tue,wed,thu,fri,sat,sun 09:00-11:00 (${ZONE})`,
    10_000,
    50,
  );
  const mint = await fromAddress('127.0.0.4', 'POST', '/public/guest-calls');
  assert.equal(mint.status, 403);
  assert.equal(mint.body.message, access.message);
  assert.equal(await stored(), 0, 'no permission was written');

  // the page says so, and offers no Call
  const closed = await openGuest(stage.browser, contexts, operator.port, 'sb-guest-call');
  await waitPhase(closed.page, 'closed');
  assert.equal((await guestState(closed.page)).message, access.message);
  assert.equal(await closed.page.locator('sb-guest-call button.call').isDisabled(), true);
  await closed.page.screenshot({
    path: join(repoRoot, 'docs', 'screenshots', 'guest-call-closed.png'),
  });

  // a caller who gets through anyway: a valid permission in AstDB, a page told it is open
  const token = 'd'.repeat(64);
  await pbx.asterisk.cli(`database put ${FAMILY} ${token} ${Math.floor(Date.now() / 1000) + 60}`);
  const context = await stage.browser.newContext({ viewport: { width: 390, height: 844 } });
  contexts.push(context);
  const page = await context.newPage();
  await page.route('**/public/guest-access', (route) =>
    route.fulfill({ json: { enabled: true, numbers: permission.numbers } }),
  );
  await page.route('**/public/guest-calls', (route) =>
    route.fulfill({ json: { ...permission, token } }),
  );
  await page.goto(`http://127.0.0.1:${operator.port}/call`);
  const verdicts = stage.gate.verdicts().length;
  const joins = stage.gate.queueJoins();
  await page.locator('sb-guest-call button.call:not([disabled])').click();
  await waitPhase(page, 'failed');
  assert.equal(await stage.gate.next(verdicts), 'closed');
  assert.match((await guestState(page)).message ?? '', /The hotline is closed now/);
  assert.equal(stage.gate.queueJoins(), joins, 'nobody queued');
  assert.equal((await ann.call())?.id, undefined, 'the agent never rang');
  assert.match(
    await pbx.asterisk.cli(`database get ${FAMILY} ${token}`),
    /Value: \d+/,
    'a refusal for the hours does not use the permission up',
  );
});

test('the hours leave no warning in the Asterisk log (time zone read, ranges parsed)', () => {
  const problems = pbx
    .problems()
    .filter((l) => /guest|pbx_timing|timing|zone|GotoIfTime|localtime|pbx\.c/i.test(l));
  assert.deepEqual(problems, []);
});
