// Supervisors listen in, whisper and barge (issue 13 part 4), proven on the
// real Asterisk 22 driven by the real operator: the agent and a
// non-supervisor are the softphone in headless Chromium (Chromium's fake
// microphone: short beeps); the supervisor is the softphone in a second
// Chromium whose microphone is loud 2200 Hz tone bursts (a steady tone is
// removed by Chromium's noise suppression within a second), so "hears the
// supervisor" is measurable: the tone's share of the spectrum the agent's
// page plays (WebAudio on the call's remote track; getStats energy as a
// figure), and of what the caller receives. The supervisor keeps the default
// codecs (opus first): the operator puts opus last on a supervisor's
// endpoint, or Asterisk (no opus decoder) could not mix its voice in.
//
// The caller is an AMI Originate of `Local/<agent extension>@switchboard-agents`
// (test/support/queue-callers.ts): its ;2 leg dials the agent through the
// generated dialplan, its ;1 leg plays music on hold. What the caller hears
// is what the ;1 leg reads: an AMI MixMonitor on it records exactly that
// (`r(...)`: the read direction only), and the test measures the tone in the
// recording. A Local channel has no ear: this is the closest to "the caller
// hears" Asterisk offers.
//
// Asterisk is the authority: only the supervisor's endpoint carries
// SWITCHBOARD_SUPERVISOR (render/pjsip.ts), the dialplan refuses everyone
// else with 403 and raises a UserEvent for every use and refusal, which the
// operator turns into an Event on the dialling SipAgent.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import pino from 'pino';
import type { Browser, BrowserContext } from 'playwright-core';
import { AmiClient } from '../../operator/src/asterisk/ami/client.ts';
import { dbov, energyOver } from '../browser/support/audio-stats.ts';
import { launchChromium } from '../browser/support/chromium.ts';
import { PhoneDriver } from '../browser/support/phone-driver.ts';
import {
  mountPhone,
  type PhonePageServer,
  startPhonePageServer,
} from '../browser/support/phone-page.ts';
import { type AmiObserver, addAmiObserver } from '../support/asterisk-observer.ts';
import { createNamespace, testCluster } from '../support/cluster.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import { addQueueCallers, field, type QueueCallers } from '../support/queue-callers.ts';
import { type RealAsterisk, startRealAsterisk } from '../support/real-asterisk.ts';
import { condition, decode, Resources } from '../support/resources.ts';
import { waitUntil } from '../support/wait.ts';

/** Mean audioLevel² above this (−40 dBov) is sound, not silence. */
const SILENCE = 1e-4;
const TONE_HZ = 2200;

interface Agent {
  readonly name: string;
  readonly displayName: string;
  readonly supervisor: boolean;
  username: string;
  password: string;
  extension: string;
  phone: PhoneDriver;
}
const agent = (name: string, supervisor = false): Agent => ({
  name,
  displayName: `${name[0]?.toUpperCase()}${name.slice(1)} Agent`,
  supervisor,
  username: '',
  password: '',
  extension: '',
  phone: undefined as unknown as PhoneDriver,
});
const ann = agent('ann');
const bob = agent('bob');
const sue = agent('sue', true);
const AGENTS = [ann, bob, sue];

const cluster = testCluster();
let ns: Awaited<ReturnType<typeof createNamespace>>;
let r: Resources;
let pbx: RealAsterisk;
let operator: OperatorProcess;
let server: PhonePageServer;
let browser: Browser;
let toneBrowser: Browser;
let callers: QueueCallers;
let ami: AmiObserver;
/** MixMonitor needs the system write class: an AMI user of its own. */
let recorder: AmiClient;
let dir: string;
/** The caller's ;1 leg (what it reads is what the caller hears). */
let callerChannel = '';
const contexts: BrowserContext[] = [];
const figures: Record<string, string> = {};
const ms = (x: number) => `${x.toFixed(0)} ms`;

/**
 * The share of the tone in what `d`'s person hears for `seconds`: the
 * call's remote track through WebAudio (what the page plays), spectral
 * power within ±150 Hz of TONE_HZ over all power, summed over 50 ms looks.
 */
function toneAtPage(d: PhoneDriver, seconds: number): Promise<number> {
  return d.page.evaluate(
    async ({ tag, hz, seconds }) => {
      const el = document.querySelector(tag) as unknown as {
        phone: { peerConnection?: RTCPeerConnection };
      } | null;
      const track = el?.phone.peerConnection
        ?.getReceivers()
        .find((r) => r.track.kind === 'audio')?.track;
      if (!track) return 0;
      const ctx = new AudioContext();
      await ctx.resume();
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 2048;
      ctx.createMediaStreamSource(new MediaStream([track])).connect(analyser);
      const bins = new Float32Array(analyser.frequencyBinCount);
      const width = ctx.sampleRate / analyser.fftSize;
      let tone = 0;
      let total = 0;
      const end = performance.now() + seconds * 1000;
      while (performance.now() < end) {
        await new Promise((r) => setTimeout(r, 50));
        analyser.getFloatFrequencyData(bins);
        bins.forEach((db, i) => {
          const p = 10 ** (db / 10);
          total += p;
          if (Math.abs(i * width - hz) <= 150) tone += p;
        });
      }
      await ctx.close();
      return total > 0 ? tone / total : 0;
    },
    { tag: d.tag, hz: TONE_HZ, seconds },
  );
}

/** Power of `hz` relative to the whole signal (Goertzel over 20 ms blocks), in a 16-bit 8 kHz wav. */
function toneShare(file: string, hz: number): { share: number; rms: number } {
  const wav = readFileSync(file);
  const samples = new Int16Array(
    wav.buffer,
    wav.byteOffset + 44,
    Math.floor((wav.length - 44) / 2),
  );
  const rate = 8000;
  const n = 160;
  const k = Math.round((n * hz) / rate);
  const w = (2 * Math.PI * k) / n;
  const coeff = 2 * Math.cos(w);
  let tone = 0;
  let total = 0;
  for (let b = 0; b + n <= samples.length; b += n) {
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const x = (samples[b + i] ?? 0) / 32768;
      total += x * x;
      const s0 = x + coeff * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    // |X(k)|² / (n/2): the tone's energy in this block
    tone += (s1 * s1 + s2 * s2 - coeff * s1 * s2) / (n / 2);
  }
  return {
    share: total > 0 ? tone / total : 0,
    rms: Math.sqrt(total / Math.max(1, samples.length)),
  };
}

/** The newest channel of `username` (PJSIP/<username>-…) Asterisk announced. */
function channelOf(username: string): string {
  const seen = ami
    .events('Newchannel')
    .map((e) => field(e, 'channel'))
    .filter((c) => c.startsWith(`PJSIP/${username}-`));
  return seen.at(-1) ?? '';
}

interface Heard {
  /** The tone's share of the audio the channel read (received from its peer). */
  share: number;
  rms: number;
  /** The same for what was written to the channel. */
  writtenShare: number;
}

/** Records `channel`'s audio (both directions apart) while `during` runs; measures the tone. */
async function record(channel: string, name: string, during: () => Promise<void>): Promise<Heard> {
  // Asterisk's own spool directory: it may not write elsewhere
  const base = join(pbx.asterisk.etcDir, '..', 'spool', name);
  const [main, read, written] = [`${base}.wav`, `${base}-read.wav`, `${base}-written.wav`];
  await recorder.action({
    action: 'MixMonitor',
    channel,
    file: main,
    options: `r(${read})t(${written})`,
  });
  await during();
  await recorder.action({ action: 'StopMixMonitor', channel });
  for (const file of [read, written]) {
    await waitUntil(`${file} written`, () => existsSync(file), 5_000).catch((err: Error) => {
      const lines = pbx.asterisk
        .log()
        .split('\n')
        .filter((l) => /mixmonitor/i.test(l))
        .slice(-10);
      throw new Error(`${err.message}\n${lines.join('\n')}`);
    });
    // MixMonitor closes the file from its own thread: wait until its size stops changing
    let size = -1;
    await waitUntil(
      `${file} complete`,
      () => {
        const now = readFileSync(file).length;
        const done = now === size && now > 44;
        size = now;
        return done;
      },
      5_000,
      200,
    );
  }
  const r = toneShare(read, TONE_HZ);
  return { share: r.share, rms: r.rms, writtenShare: toneShare(written, TONE_HZ).share };
}

/** Records what the caller hears (what its ;1 leg reads) while `during` runs. */
const callerHears = (name: string, during: () => Promise<void>) =>
  record(callerChannel, name, during);

/** Events on the SipAgent `name` with `reason`. */
async function eventsOf(name: string, reason: string) {
  return (await r.events()).filter((e) => e.regarding?.name === name && e.reason === reason);
}

/** `d` dials `number`; resolves once the call is active, with the dial time (epoch ms). */
async function dialSpy(d: PhoneDriver, number: string): Promise<number> {
  await d.locator('#dial').fill(number);
  await d.locator('button.call').click();
  await d.waitForCall("call?.phase === 'active'");
  return await d.lastEvent('dial');
}

async function hangUp(d: PhoneDriver) {
  await d.locator('button.hangup').click();
  await d.waitForCall('call === undefined');
}

/** UserEvents SwitchboardSupervise Asterisk raised so far. */
const superviseEvents = () =>
  ami.events('UserEvent').filter((e) => field(e, 'userevent') === 'SwitchboardSupervise');

before(async () => {
  ns = await createNamespace(cluster, 'supervisor-spy');
  r = new Resources(cluster, ns.name);
  dir = mkdtempSync(join(tmpdir(), 'supervisor-spy-'));
  const tone = join(dir, 'tone.wav');
  // 300 ms bursts, not a steady tone: Chromium's noise suppression removes a steady tone within a second
  execFileSync('sox', [
    ...['-n', '-r', '48000', '-c', '1', '-b', '16', tone],
    ...['synth', '0.3', 'sine', String(TONE_HZ), 'gain', '-3', 'pad', '0', '0.3', 'repeat', '99'],
  ]);
  [pbx, server, browser, toneBrowser] = await Promise.all([
    startRealAsterisk(cluster, r),
    startPhonePageServer(),
    launchChromium(),
    launchChromium({ args: [`--use-file-for-fake-audio-capture=${tone}`] }),
  ]);
  const callerUser = addQueueCallers(pbx.asterisk, 'spy-callers');
  const observer = addAmiObserver(pbx.asterisk, ['user', 'call'], 'spy-observer');
  const recorderSecret = randomBytes(16).toString('hex');
  appendFileSync(
    join(pbx.asterisk.etcDir, 'ami', 'manager_user.conf'),
    `\n[spy-recorder]\nsecret = ${recorderSecret}\nread =\nwrite = system,call\n`,
  );
  recorder = new AmiClient({
    host: '127.0.0.1',
    port: pbx.asterisk.amiPort,
    username: 'spy-recorder',
    secret: recorderSecret,
    logger: pino({ level: 'silent' }),
  });
  operator = await startOperator(cluster, ns.name, 'supervisor-spy', { ASTERISK_POLL_MS: '100' });
  const portStart = 20_000 + randomInt(0, 120) * 100;
  await r.createConfig({
    ami: pbx.amiSpec,
    asteriskWsUrl: pbx.asterisk.wsUrl,
    transports: { ws: true, wss: false },
    iceServers: {},
    rtp: { portStart, portEnd: portStart + 99 },
  });
  for (const a of AGENTS)
    await r.createAgent(a.name, {
      displayName: a.displayName,
      queues: [],
      // default codecs (opus first): the operator puts opus last for a
      // supervisor, whose voice Asterisk must decode (render/pjsip.ts)
      ...(a.supervisor ? { supervisor: true } : {}),
    });
  await pbx.start();
  [callers, ami] = await Promise.all([callerUser.connect(), observer.connect()]);
  recorder.start();
  await recorder.ready(10_000);
  await waitUntil(
    'every agent Provisioned=True',
    async () => {
      const list = await r.agents();
      return (
        list.length === AGENTS.length &&
        list.every((a) => condition(a, 'Provisioned')?.status === 'True')
      );
    },
    60_000,
    100,
  );
  const config = { wsUrl: pbx.asterisk.wsUrl, iceServers: [], iceGatheringTimeoutMs: 1000 };
  await Promise.all(
    AGENTS.map(async (a) => {
      const secret = await r.secret(`${a.name}-sip-credentials`);
      a.username = decode(secret, 'username') ?? '';
      a.password = decode(secret, 'password') ?? '';
      a.extension = decode(secret, 'extension') ?? '';
      assert.ok(a.username && a.password && a.extension, `${a.name}'s credentials Secret`);
      const context = await (a.supervisor ? toneBrowser : browser).newContext({
        viewport: { width: 390, height: 900 },
      });
      contexts.push(context);
      a.phone = new PhoneDriver(await context.newPage());
      await mountPhone(a.phone.page, server, 'sb-softphone', config);
      await a.phone.register(a);
      await a.phone.waitForStatus('registered');
    }),
  );
});

after(async () => {
  console.log('supervisor listen/whisper/barge figures:', JSON.stringify(figures, null, 2));
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await toneBrowser?.close();
  await server?.close();
  await callers?.hangUpAll().catch(() => undefined);
  await callers?.stop();
  await ami?.stop();
  await recorder?.stop();
  await operator?.stop();
  await pbx?.close();
  await ns?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// a failed test must not leave the supervisor on a call for the next one
afterEach(async () => {
  for (const a of [sue, bob]) {
    if (!a.phone || !(await a.phone.call())) continue;
    await a.phone.page.evaluate(() => document.querySelector('sb-softphone')?.phone.hangUp());
    await a.phone.waitForCall('call === undefined').catch(() => undefined);
  }
});

describe('supervisor on an agent’s call with a caller', { concurrency: false }, () => {
  it('connects a caller (music on hold) to the agent', async () => {
    await callers.call(ann.extension, 'spy-1');
    await ann.phone.waitForCall("call?.phase === 'ringing'", 15_000);
    await ann.phone.locator('button.answer').click();
    await ann.phone.waitForCall("call?.phase === 'active'");
    const e = await energyOver(ann.phone, 1, 'ann hears the caller');
    assert.ok(e > SILENCE, `ann hears music on hold: ${e}`);
    const leg = callers.events('Newchannel').find((x) => field(x.f, 'uniqueid') === 'o-spy-1');
    callerChannel = leg ? field(leg.f, 'channel') : '';
    assert.match(callerChannel, /^Local\/.*;1$/);
  });

  it('the supervisor’s microphone is the tone (echo test)', async () => {
    await dialSpy(sue.phone, '*43');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const e = await energyOver(sue.phone, 1, 'sue hears herself');
    figures['supervisor’s own audio back from the echo test'] = `${dbov(e).toFixed(1)} dBov`;
    assert.ok(e > SILENCE, `the echo test returns sue's audio: ${e}`);
    await hangUp(sue.phone);
  });

  it('refuses a non-supervisor with 403, raises the UserEvent and records an Event', async () => {
    await bob.phone.locator('#dial').fill(`*51${ann.extension}`);
    await bob.phone.locator('button.call').click();
    await waitUntil(
      'bob’s call ended',
      async () => (await bob.phone.lastReason()) !== undefined,
      10_000,
    );
    figures['non-supervisor *51: dial → refused'] = ms(
      (await bob.phone.lastEvent('ended')) - (await bob.phone.lastEvent('dial')),
    );
    assert.equal(
      await bob.phone.lastReason(),
      'Calls to this number are not allowed (403 Forbidden)',
    );
    const refused = superviseEvents().find((e) => field(e, 'result') === 'refused');
    assert.ok(refused, 'UserEvent refused');
    assert.equal(field(refused, 'reason'), 'not-supervisor');
    assert.equal(field(refused, 'supervisor'), bob.username);
    await waitUntil(
      'SupervisionRefused Event on bob',
      async () => (await eventsOf('bob', 'SupervisionRefused')).length > 0,
      10_000,
    );
  });

  it('refuses a supervisor an extension no agent has (404)', async () => {
    await sue.phone.locator('#dial').fill('*518998');
    await sue.phone.locator('button.call').click();
    await waitUntil(
      'sue’s call ended',
      async () => (await sue.phone.lastReason()) !== undefined,
      10_000,
    );
    assert.match((await sue.phone.lastReason()) ?? '', /No such extension.*404/);
    assert.ok(superviseEvents().some((e) => field(e, 'reason') === 'no-such-agent'));
  });

  let annListen = 0;
  let annListenTone = 0;
  let callerListen = { share: 0, rms: 0 };
  it('listen (*51): the supervisor hears the call; agent and caller do not hear the supervisor', async () => {
    let dialed = 0;
    let heard = 0;
    callerListen = await callerHears('listen', async () => {
      dialed = await dialSpy(sue.phone, `*51${ann.extension}`);
      await waitUntil(
        'sue hears the call',
        async () => (await energyOver(sue.phone, 0.2, 'sue listens')) > SILENCE,
        10_000,
        0,
      );
      heard = Date.now();
      const sueEnergy = await energyOver(sue.phone, 1, 'sue listens');
      [annListen, annListenTone] = await Promise.all([
        energyOver(ann.phone, 1.5, 'ann while sue listens'),
        toneAtPage(ann.phone, 1.5),
      ]);
      figures['listen: supervisor hears (mean energy)'] = `${dbov(sueEnergy).toFixed(1)} dBov`;
      assert.ok(sueEnergy > SILENCE, `sue hears the call: ${sueEnergy}`);
    });
    figures['listen: dial *51 → supervisor hears audio'] = ms(heard - dialed);
    figures['listen: agent hears (music on hold only)'] = `${dbov(annListen).toFixed(1)} dBov`;
    assert.ok(annListenTone < 0.05, `ann hears no tone while sue listens: ${annListenTone}`);
    figures['listen: caller hears the supervisor’s tone'] =
      `${(callerListen.share * 100).toFixed(2)} % of the caller’s audio power (rms ${callerListen.rms.toFixed(4)})`;
    assert.ok(
      callerListen.share < 0.05,
      `caller hears no tone while sue listens: ${callerListen.share}`,
    );
    const started = superviseEvents().find(
      (e) => field(e, 'result') === 'started' && field(e, 'mode') === 'listen',
    );
    assert.ok(started, 'UserEvent started listen');
    assert.equal(field(started, 'supervisor'), sue.username);
    assert.equal(field(started, 'agent'), ann.username);
    await waitUntil(
      'Listening Event on sue',
      async () => (await eventsOf('sue', 'Listening')).length > 0,
      10_000,
    );
    const [event] = await eventsOf('sue', 'Listening');
    assert.match(event?.note ?? '', new RegExp(`listens to ann \\(extension ${ann.extension}\\)`));
    await hangUp(sue.phone);
    assert.equal((await ann.phone.call())?.phase, 'active', 'the agent’s call goes on');
  });

  it('whisper (*52): the agent hears the supervisor, the caller does not', async () => {
    let annWhisper = 0;
    let annTone = 0;
    const caller = await callerHears('whisper', async () => {
      await dialSpy(sue.phone, `*52${ann.extension}`);
      // the tone reaches ann mixed into the caller's music: louder than music alone
      await new Promise((resolve) => setTimeout(resolve, 500));
      [annWhisper, annTone] = await Promise.all([
        energyOver(ann.phone, 1.5, 'ann while sue whispers'),
        toneAtPage(ann.phone, 1.5),
      ]);
    });
    figures['whisper: agent hears (music + supervisor)'] =
      `${dbov(annWhisper).toFixed(1)} dBov (listen: ${dbov(annListen).toFixed(1)} dBov)`;
    figures['whisper: caller hears the supervisor’s tone'] =
      `${(caller.share * 100).toFixed(2)} % of the caller’s audio power (rms ${caller.rms.toFixed(4)})`;
    figures['whisper: supervisor’s tone in what the agent’s page plays'] =
      `${(annTone * 100).toFixed(1)} % of its audio power (listen: ${(annListenTone * 100).toFixed(1)} %)`;
    assert.ok(
      annTone > 0.2 && annTone > annListenTone * 5,
      `ann hears sue: ${annTone} vs ${annListenTone}`,
    );
    assert.ok(caller.share < 0.05, `the caller hears no tone while sue whispers: ${caller.share}`);
    await waitUntil(
      'Whispering Event on sue',
      async () => (await eventsOf('sue', 'Whispering')).length > 0,
      10_000,
    );
    await hangUp(sue.phone);
  });

  it('barge (*53): agent and caller both hear the supervisor', async () => {
    let sueSays: Heard | undefined;
    let annTone = 0;
    const caller = await callerHears('barge', async () => {
      await dialSpy(sue.phone, `*53${ann.extension}`);
      sueSays = await record(channelOf(sue.username), 'barge-sue', async () => {
        annTone = await toneAtPage(ann.phone, 1.5);
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
    });
    figures['barge: supervisor’s tone in what the agent’s page plays'] =
      `${(annTone * 100).toFixed(1)} %`;
    figures['barge: supervisor’s tone in what Asterisk reads from the supervisor'] =
      `${((sueSays?.share ?? 0) * 100).toFixed(1)} %`;
    assert.ok(annTone > 0.2, `ann hears sue: ${annTone}`);
    figures['barge: caller hears the supervisor’s tone'] =
      `${(caller.share * 100).toFixed(2)} % of the caller’s audio power (rms ${caller.rms.toFixed(4)})`;
    assert.ok(caller.share > 0.2, `the caller hears sue’s tone: ${caller.share}`);
    await waitUntil(
      'Barging Event on sue',
      async () => (await eventsOf('sue', 'Barging')).length > 0,
      10_000,
    );
    await hangUp(sue.phone);
    await hangUp(ann.phone);
  });

  it('logs every use as a structured line', () => {
    const lines = readFileSync(operator.logPath, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"supervision"'));
    const modes = lines.map(
      (l) => (JSON.parse(l) as { supervision: { mode: string; result: string } }).supervision,
    );
    for (const m of ['listen', 'whisper', 'barge'])
      assert.ok(
        modes.some((x) => x.mode === m && x.result === 'started'),
        `${m} logged`,
      );
    assert.ok(modes.some((x) => x.result === 'refused'));
    for (const a of AGENTS)
      assert.ok(!lines.join('\n').includes(a.password), 'no password in the log');
  });
});
