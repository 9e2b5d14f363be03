// SipTrunks against a real carrier on loopback: the project's real Asterisk
// 22 driven by the real operator, and a SECOND real Asterisk playing the
// carrier (test/support/carrier-asterisk.ts: UDP on a loopback port of its
// own, digest authentication, a registrar for its customer, "telephone"
// calls placed over AMI). An agent answers in headless Chromium, as in the
// softphone tests. Proven: the trunk registers (status.registered from AMI);
// the carrier's call to 117 waits in the support queue, rings the agent's
// browser with the caller's number, and after answering audio goes both ways
// (the carrier echoes: the agent hears itself only if both directions
// work); a DID routed to an agent rings that agent; an unknown DID and a route
// to a queue that does not exist are refused with cause 1 (unallocated);
// a missing Secret and a number another trunk routes show in status.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { agentPhone } from '../browser/support/agent-phone.ts';
import { dbov, heardSound } from '../browser/support/audio-stats.ts';
import type { PhoneDriver } from '../browser/support/phone-driver.ts';
import { CARRIER_CUSTOMER, type Carrier } from '../support/carrier-asterisk.ts';
import { kubectl, testCluster } from '../support/cluster.ts';
import type { RealAsterisk } from '../support/real-asterisk.ts';
import { condition, type Resources } from '../support/resources.ts';
import { CARRIER_SECRET, startTrunkBed, type TrunkBed } from '../support/trunk-bed.ts';
import { waitUntil } from '../support/wait.ts';

/** Mean audioLevel² above this (−40 dBov) is sound, not silence. */
const SILENCE = 1e-4;
const CALLER = '+23276123456';
const AGENT_DID = '+23222000000';

const cluster = testCluster();
let bed: TrunkBed;
let r: Resources;
let pbx: RealAsterisk;
let carrier: Carrier;
let ann: PhoneDriver;
const figures: Record<string, string> = {};
const ms = (x: number) => `${x.toFixed(0)} ms`;
let calls = 0;
const nextId = () => `trunk-call-${String(++calls).padStart(2, '0')}`;

/** Epoch milliseconds at which the carrier began dialling call `id` (its INVITE goes out). */
function carrierDialBegan(id: string): number {
  const e = carrier
    .events('DialBegin')
    .find((x) => String(x.f.uniqueid) === id && String(x.f.destchannel).startsWith('PJSIP/'));
  assert.ok(e, `DialBegin of ${id} at the carrier`);
  assert.ok(e.raised > 0, 'the carrier stamps its events');
  return e.raised;
}

before(async () => {
  bed = await startTrunkBed('trunk-asterisk');
  ({ r, pbx, carrier } = bed);
  await r.createAgent('ann', { displayName: 'Ann Agent' });
  await bed.startPbx(['ann']);
  ann = await agentPhone(r, bed.context, bed.server, pbx.asterisk.wsUrl, 'ann');
});

after(async () => {
  console.log(`figures (SipTrunk, real carrier): ${JSON.stringify(figures, null, 1)}`);
  await bed?.close();
});

// a failed test must not leave a call behind for the next one
afterEach(async (t) => {
  if (!(t as { passed?: boolean }).passed) await bed?.cleanUpCalls([ann]);
});

describe('a SipTrunk to a real carrier (a second Asterisk)', () => {
  it('registers with the carrier, and status shows it', async () => {
    const started = performance.now();
    await r.createTrunk('carrier', {
      host: '127.0.0.1',
      port: carrier.sipPort,
      register: true,
      credentialsSecret: {
        name: CARRIER_SECRET,
        usernameKey: 'username',
        passwordKey: 'password',
      },
      // browsers reach Asterisk from 127.0.0.1 too: only the carrier's own port is the carrier
      match: [`127.0.0.1:${carrier.sipPort}`],
      // the account in From: the carrier knows our OPTIONS (qualifySeconds) by it, as it
      // knows our REGISTERs; from an unknown From it challenges them and refuses the answer
      fromUser: CARRIER_CUSTOMER,
      routes: [
        { number: '117', queue: 'support' },
        { number: AGENT_DID, agent: 'ann' },
      ],
    });
    await waitUntil(
      'status.registered true',
      async () => (await r.trunk('carrier')).status?.registered === true,
      30_000,
      50,
    );
    figures['SipTrunk created → status.registered true'] = ms(performance.now() - started);
    const trunk = await r.trunk('carrier');
    assert.equal(condition(trunk, 'Registered')?.status, 'True');
    assert.equal(condition(trunk, 'Ready')?.status, 'True', condition(trunk, 'Ready')?.message);
    assert.deepEqual(trunk.status?.numbers, ['+23222000000', '117']);
    assert.equal(trunk.status?.registration, 'Registered');
    // the carrier's registrar holds exactly our contact, on our UDP port
    const contacts = await carrier.contacts();
    assert.equal(contacts.length, 1, String(contacts));
    assert.match(contacts[0] ?? '', new RegExp(`:${bed.udpPort}\\b`));
    const got = await kubectl(cluster, ['get', 'trunk', '-n', r.namespace]);
    assert.equal(got.code, 0, got.stderr);
    const [header, row] = got.stdout.trim().split('\n');
    assert.deepEqual(header?.split(/\s+/), [
      'NAME',
      'HOST',
      'TRANSPORT',
      'REGISTERED',
      'READY',
      'AGE',
    ]);
    assert.deepEqual(row?.split(/\s+/).slice(0, 5), [
      'carrier',
      '127.0.0.1',
      'udp',
      'true',
      'True',
    ]);
  });

  it('queues a call to 117 from the carrier; the agent rings with the caller’s number, answers, audio both ways', async () => {
    const id = nextId();
    await carrier.call('117', CALLER, id);
    await ann.waitForCall("call?.phase === 'ringing'");
    figures['carrier INVITE (Dial begins) → agent’s browser rings (via the support queue)'] = ms(
      (await ann.lastEvent('incoming')) - carrierDialBegan(id),
    );
    const incoming = await ann.call();
    assert.equal(incoming?.remoteUser, CALLER, 'the caller’s number is the caller ID');
    // the caller waits in the queue while the agent rings
    const shown = await pbx.asterisk.cli('queue show support');
    assert.match(shown, /Callers:\s*\n\s*1\. PJSIP\/switchboard-trunk-carrier-/, shown);

    const answered = Date.now();
    await ann.locator('button.answer').click();
    // the carrier echoes: the agent hears its own (fake) microphone only if
    // audio goes agent → Asterisk → carrier and back
    const heard = await heardSound(
      ann,
      SILENCE,
      'the agent hears its own voice back through the carrier',
    );
    const { energy } = heard;
    figures['answer → agent hears its voice back through the carrier'] = ms(heard.at - answered);
    figures['echoed audio at the agent'] =
      `${dbov(energy).toFixed(1)} dBov over ${heard.packets} packets, ${heard.codec}`;
    assert.ok(energy > SILENCE, `echo energy ${energy}`);

    await ann.locator('button.hangup').click();
    await ann.waitForCall('call === undefined');
    const outcome = await carrier.outcome(id);
    assert.equal(outcome.status, 'ANSWER');
  });

  it('rings the agent a DID is routed to, with the caller’s number', async () => {
    const id = nextId();
    await carrier.call(AGENT_DID, CALLER, id);
    await ann.waitForCall("call?.phase === 'ringing'");
    figures['carrier INVITE → agent’s browser rings (DID routed to the agent)'] = ms(
      (await ann.lastEvent('incoming')) - carrierDialBegan(id),
    );
    assert.equal((await ann.call())?.remoteUser, CALLER);
    await ann.locator('button.answer').click();
    await ann.waitForCall("call?.phase === 'active'");
    await ann.locator('button.hangup').click();
    await ann.waitForCall('call === undefined');
    assert.equal((await carrier.outcome(id)).status, 'ANSWER');
  });

  it('refuses an unknown DID with cause 1 (unallocated), ringing nobody', async () => {
    const id = nextId();
    const started = performance.now();
    await carrier.call('4455', CALLER, id);
    const outcome = await carrier.outcome(id);
    figures['unknown DID: originate → refusal at the carrier'] = ms(performance.now() - started);
    assert.equal(outcome.cause, '1', JSON.stringify(outcome));
    assert.equal(outcome.status, 'CHANUNAVAIL');
    assert.equal(await ann.call(), undefined, 'the agent was not rung');
  });

  it('reports a route to a queue that does not exist, and refuses its number with cause 1', async () => {
    await r.patchTrunk('carrier', {
      spec: {
        routes: [
          { number: '117', queue: 'support' },
          { number: AGENT_DID, agent: 'ann' },
          { number: '118', queue: 'sales' },
        ],
      },
    });
    await waitUntil(
      'Ready=False RouteTargetMissing',
      async () => condition(await r.trunk('carrier'), 'Ready')?.reason === 'RouteTargetMissing',
    );
    assert.match(
      condition(await r.trunk('carrier'), 'Ready')?.message ?? '',
      /118: CallQueue "sales"/,
    );
    const id = nextId();
    await carrier.call('118', CALLER, id);
    assert.equal((await carrier.outcome(id)).cause, '1');

    await r.createQueue('sales', { numbers: [] });
    await waitUntil(
      'Ready=True once the queue exists',
      async () => condition(await r.trunk('carrier'), 'Ready')?.status === 'True',
    );
    await waitUntil(
      '118 queues into sales in Asterisk',
      async () =>
        /Queue\(sales,/.test(await pbx.asterisk.cli('dialplan show 118@switchboard-trunk-carrier')),
      30_000,
      100,
    );
  });

  it('reports a missing Secret, then a number another trunk already routes', async () => {
    await r.createTrunk('backup', {
      host: '127.0.0.2',
      credentialsSecret: {
        name: 'backup-credentials',
        usernameKey: 'username',
        passwordKey: 'password',
      },
      routes: [{ number: '117', hotline: true }],
    });
    await waitUntil(
      'backup Ready=False SecretNotFound',
      async () => condition(await r.trunk('backup'), 'Ready')?.reason === 'SecretNotFound',
    );
    assert.match(
      condition(await r.trunk('backup'), 'Ready')?.message ?? '',
      /Secret "backup-credentials" not found/,
    );
    assert.equal(
      (await pbx.asterisk.cli('pjsip show endpoint switchboard-trunk-backup')).includes(
        'Unable to find',
      ),
      true,
      'a trunk without its credentials is not in Asterisk',
    );
    await r.core.createNamespacedSecret({
      namespace: r.namespace,
      body: {
        metadata: { name: 'backup-credentials' },
        stringData: { username: 'backup', password: 'backup-password' },
      },
    });
    await waitUntil(
      'backup Ready=False NumberConflict once its Secret exists',
      async () => condition(await r.trunk('backup'), 'Ready')?.reason === 'NumberConflict',
      15_000,
    );
    assert.match(
      condition(await r.trunk('backup'), 'Ready')?.message ?? '',
      /117 is already routed by SipTrunk carrier/,
    );
    await waitUntil(
      'the backup trunk is in Asterisk once its Secret exists',
      async () =>
        !(await pbx.asterisk.cli('pjsip show endpoint switchboard-trunk-backup')).includes(
          'Unable to find',
        ),
      30_000,
      100,
    );
  });

  it('refuses a call beyond maxCalls with cause 34 (congestion)', async () => {
    await r.patchTrunk('carrier', { spec: { maxCalls: 1 } });
    await waitUntil(
      'the call limit is in the dialplan',
      async () =>
        /switchboard-limit-trunk/.test(
          await pbx.asterisk.cli('dialplan show 117@switchboard-trunk-carrier'),
        ),
      30_000,
      100,
    );
    const first = nextId();
    await carrier.call('117', CALLER, first);
    await ann.waitForCall("call?.phase === 'ringing'");
    const second = nextId();
    await carrier.call('117', '+23276000002', second);
    const outcome = await carrier.outcome(second);
    assert.equal(outcome.cause, '34', JSON.stringify(outcome));
    assert.equal(outcome.status, 'CONGESTION');
    // the first call still rings the agent
    assert.equal((await ann.call())?.remoteUser, CALLER);
    await carrier.hangUpAll();
    await ann.waitForCall('call === undefined');
    await r.patchTrunk('carrier', { spec: { maxCalls: 0 } });
  });

  it('deleting the trunks takes them, their registration and the UDP transport out of Asterisk', async () => {
    const from = pbx.asterisk.log().length;
    for (const name of ['carrier', 'backup'])
      await r.custom.deleteNamespacedCustomObject({
        group: 'switchboard.dev',
        version: 'v1alpha1',
        namespace: r.namespace,
        plural: 'siptrunks',
        name,
      });
    await waitUntil(
      'no trunk endpoint and no UDP transport in Asterisk',
      async () => {
        const endpoints = await pbx.asterisk.cli('pjsip show endpoints');
        const transports = await pbx.asterisk.cli('pjsip show transports');
        return !endpoints.includes('switchboard-trunk-') && !transports.includes('switchboard-udp');
      },
      30_000,
      100,
    );
    // Asterisk unregisters on the way out: the carrier's registrar forgets us
    await waitUntil(
      'the carrier has no contact of ours',
      async () => (await carrier.contacts()).length === 0,
    );
    assert.deepEqual(pbx.problems(from), []);
  });

  it('logs no WARNING or ERROR', () => {
    assert.deepEqual(pbx.problems(), []);
  });
});
