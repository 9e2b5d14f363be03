// Call recording with real calls on the real Asterisk 22, the real operator
// and a real PostgreSQL. The agents are the softphone in headless Chromium
// whose microphone is a 400 Hz tone (--use-file-for-fake-audio-capture); the
// callers are AMI Originates of Local/<queue number> whose ;1 leg runs
// Milliwatt (a 1004 Hz tone), offered µ-law only like the queue tests'
// callers (test/support/queue-callers.ts). So a recording holds both parties
// when both tones are in it. Queues: `rec` records wav, `rec49` wav49 (GSM in
// WAV), `plain` does not record; bob has spec.recording false and is the
// only member of `rec-bob`, which records. The recordings directory is the
// real Asterisk's monitor folder, which the operator reads (RECORDINGS_DIR),
// as both mount the shared volume in the chart.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import type { CallQueue } from '../../operator/src/crds/types.ts';
import { historyEnv, writeHistoryConfig } from '../../scripts/lib/asterisk-history.ts';
import type { DatabaseAccess } from '../../scripts/lib/postgres-process.ts';
import { inboundAudio } from '../browser/support/audio-stats.ts';
import { launchChromium } from '../browser/support/chromium.ts';
import { PhoneDriver } from '../browser/support/phone-driver.ts';
import {
  mountPhone,
  type PhonePageServer,
  startPhonePageServer,
} from '../browser/support/phone-page.ts';
import { ApiSession, signInAdmin } from '../support/api-session.ts';
import { createNamespace, testCluster } from '../support/cluster.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import { startTestPostgres, type TestPostgres, withClient } from '../support/postgres.ts';
import {
  addQueueCallers,
  CALLER_CONTEXT,
  field,
  type QueueCallers,
} from '../support/queue-callers.ts';
import { type RealAsterisk, startRealAsterisk } from '../support/real-asterisk.ts';
import { condition, decode, Resources } from '../support/resources.ts';
import { waitUntil } from '../support/wait.ts';

const AGENT_TONE_HZ = 400;
const CALLER_TONE_HZ = 1004; // Milliwatt
const CALL_SECONDS = 4;

interface Agent {
  readonly name: string;
  readonly recording?: boolean;
  username: string;
  password: string;
  phone: PhoneDriver;
}
const ann: Agent = { name: 'ann', username: '', password: '', phone: undefined as never };
const bob: Agent = {
  name: 'bob',
  recording: false,
  username: '',
  password: '',
  phone: undefined as never,
};
/** Calls the queue from its own browser (opus first, like any agent), with a 700 Hz microphone. */
const cid: Agent = { name: 'cid', username: '', password: '', phone: undefined as never };
const CID_TONE_HZ = 700;
const AGENTS = [ann, bob, cid];
const QUEUES: Record<string, Partial<CallQueue['spec']>> = {
  rec: {
    numbers: ['131'],
    retrySeconds: 1,
    recording: { enabled: true, format: 'wav', retentionDays: 30 },
    members: { selector: { matchLabels: { desk: 'ann' } } },
  },
  rec49: {
    numbers: ['132'],
    retrySeconds: 1,
    recording: { enabled: true, format: 'wav49', retentionDays: 30 },
    members: { selector: { matchLabels: { desk: 'ann' } } },
  },
  plain: {
    numbers: ['133'],
    retrySeconds: 1,
    members: { selector: { matchLabels: { desk: 'ann' } } },
  },
  'rec-bob': {
    numbers: ['134'],
    retrySeconds: 1,
    recording: { enabled: true, format: 'wav', retentionDays: 30 },
    members: { selector: { matchLabels: { desk: 'bob' } } },
  },
};
const LOGIN = 'recording-agent-login';

const cluster = testCluster();
let ns: Awaited<ReturnType<typeof createNamespace>>;
let r: Resources;
let postgres: TestPostgres;
let db: DatabaseAccess;
let pbx: RealAsterisk;
let operator: OperatorProcess;
let server: PhonePageServer;
let browser: Browser;
let callerBrowser: Browser;
let callers: QueueCallers;
let admin: ApiSession;
let base = '';
const contexts: BrowserContext[] = [];
const figures: Record<string, string> = {};

interface Recorded {
  /** The file name (the recording id). */
  readonly id: string;
  readonly linkedid: string;
  /** Bridge time as AMI saw it: AgentConnect to AgentComplete (s). */
  readonly talkSeconds: number;
}
const recorded: Record<string, Recorded> = {};

/** The agent's browser rings, it answers, talks CALL_SECONDS and hangs up; returns the call's linkedid and talk time. */
async function queueCall(
  number: string,
  queue: string,
  agent: Agent,
  tag: string,
): Promise<{ linkedid: string; talkSeconds: number }> {
  const id = `${tag}-${randomInt(1e6, 1e7)}`;
  const mark = callers.events().length - 1;
  await callers.client.action({
    action: 'Originate',
    channel: `Local/${number}@${CALLER_CONTEXT}`,
    channelid: `o-${id}`,
    otherchannelid: id,
    application: 'Milliwatt',
    callerid: `"Caller ${tag}" <5550${randomInt(100, 999)}>`,
    codecs: 'ulaw',
    timeout: '10000',
    async: 'true',
  });
  await agent.phone.waitForCall("call?.phase === 'ringing'", 15_000);
  await agent.phone.locator('button.answer').click();
  const connect = await callers.waitFor(
    'AgentConnect',
    (f) => field(f, 'uniqueid') === id,
    `AgentConnect for ${id}`,
    15_000,
    mark,
  );
  await agent.phone.waitForCall("call?.phase === 'active'");
  await new Promise((resolve) => setTimeout(resolve, CALL_SECONDS * 1000));
  await agent.phone.locator('button.hangup').click();
  const complete = await callers.waitFor(
    'AgentComplete',
    (f) => field(f, 'queue') === queue,
    `AgentComplete in ${queue}`,
    10_000,
    connect.seq,
  );
  await agent.phone.waitForCall('call === undefined');
  await callers.hangUpAll();
  return { linkedid: `o-${id}`, talkSeconds: (complete.at - connect.at) / 1000 };
}

/** The CDR rows of a call once written (after its hangup). */
async function cdrRows(linkedid: string) {
  let rows: { uniqueid: string; recording: string | null; retention: number | null }[] = [];
  await waitUntil(
    `the CDR rows of ${linkedid}`,
    async () => {
      rows = await withClient(db, async (c) => {
        const res = await c.query(
          'SELECT uniqueid, recording, recording_retention_days AS retention FROM cdr WHERE linkedid = $1 ORDER BY id',
          [linkedid],
        );
        return res.rows;
      });
      return rows.length > 0;
    },
    20_000,
    100,
  );
  return rows;
}

const filesOf = (linkedid: string) =>
  readdirSync(pbx.asterisk.recordingsDir).filter((f) => f.startsWith(`${linkedid}-`));

/** The samples of a 16-bit PCM WAV file and its sample rate. */
function pcm(file: string): { rate: number; samples: Int16Array } {
  const b = readFileSync(file);
  assert.equal(b.toString('ascii', 0, 4), 'RIFF');
  let at = 12;
  let rate = 0;
  while (at + 8 <= b.length) {
    const id = b.toString('ascii', at, at + 4);
    const size = b.readUInt32LE(at + 4);
    if (id === 'fmt ') {
      assert.equal(b.readUInt16LE(at + 8), 1, 'PCM');
      assert.equal(b.readUInt16LE(at + 22), 16, '16-bit');
      rate = b.readUInt32LE(at + 12);
    }
    if (id === 'data') {
      const data = b.subarray(at + 8, at + 8 + Math.min(size, b.length - at - 8));
      const samples = new Int16Array(data.length / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = data.readInt16LE(i * 2);
      return { rate, samples };
    }
    at += 8 + size + (size % 2);
  }
  throw new Error(`${file} has no data chunk`);
}

/** Share of the signal's energy at `hz` (Goertzel over the whole file). */
function energyShare(samples: Int16Array, rate: number, hz: number): number {
  const k = (2 * Math.PI * hz) / rate;
  const coeff = 2 * Math.cos(k);
  let s1 = 0;
  let s2 = 0;
  let total = 0;
  for (const x of samples) {
    const s0 = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
    total += x * x;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  // a pure tone of amplitude A over N samples: power = (A·N/2)², total = A²·N/2
  return total === 0 ? 0 : power / ((samples.length / 2) * total);
}

/** GET with raw bytes and the admin's cookies (ApiSession reads text). */
async function getBytes(path: string, headers: Record<string, string> = {}, session = admin) {
  const cookie = [...session.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const res = await fetch(base + path, { headers: { cookie, ...headers } });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

/** A request whose path is sent exactly as written (fetch would resolve "../"). */
function rawGet(path: string): Promise<{ status: number; body: string }> {
  const cookie = [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: operator.port, path, headers: { cookie } },
      (res) => {
        let body = '';
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const accessRows = (recording: string) =>
  withClient(db, async (c) => {
    const res = await c.query<{ action: string; principal: string }>(
      'SELECT action, principal FROM recording_access WHERE recording = $1 ORDER BY id',
      [recording],
    );
    return res.rows;
  });

before(async () => {
  ns = await createNamespace(cluster, 'call-recording');
  r = new Resources(cluster, ns.name);
  postgres = await startTestPostgres();
  db = await postgres.historyDatabase('history');
  const toneDir = mkdtempSync(join(tmpdir(), 'switchboard-tone-'));
  const toneFile = (hz: number) => {
    const file = join(toneDir, `tone-${hz}.wav`);
    execFileSync(
      'sox',
      ['-n', '-r', '48000', '-c', '1', '-b', '16', file].concat([
        'synth',
        '60',
        'sine',
        String(hz),
        'vol',
        '0.5',
      ]),
    );
    return file;
  };
  [pbx, server, browser, callerBrowser] = await Promise.all([
    startRealAsterisk(cluster, r, { env: historyEnv(db) }),
    startPhonePageServer(),
    launchChromium({ args: [`--use-file-for-fake-audio-capture=${toneFile(AGENT_TONE_HZ)}`] }),
    launchChromium({ args: [`--use-file-for-fake-audio-capture=${toneFile(CID_TONE_HZ)}`] }),
  ]);
  writeHistoryConfig(pbx.asterisk, db);
  const callerUser = addQueueCallers(pbx.asterisk);
  const passwordFile = join(toneDir, 'db-password');
  writeFileSync(passwordFile, db.password, { mode: 0o600 });
  operator = await startOperator(cluster, ns.name, 'call-recording', {
    ASTERISK_POLL_MS: '100',
    HISTORY_DB_HOST: db.host,
    HISTORY_DB_PORT: String(db.port),
    HISTORY_DB_NAME: db.database,
    HISTORY_DB_USER: db.user,
    HISTORY_DB_PASSWORD_FILE: passwordFile,
    HISTORY_DB_SSLMODE: 'disable',
    RECORDINGS_DIR: pbx.asterisk.recordingsDir,
    RECORDINGS_RETENTION_INTERVAL_SECONDS: '1',
  });
  base = `http://127.0.0.1:${operator.port}`;
  const portStart = 20_000 + randomInt(0, 120) * 100;
  await r.createConfig({
    ami: pbx.amiSpec,
    asteriskWsUrl: pbx.asterisk.wsUrl,
    transports: { ws: true, wss: false },
    iceServers: {},
    rtp: { portStart, portEnd: portStart + 99 },
  });
  for (const a of AGENTS)
    await r.custom.createNamespacedCustomObject({
      group: 'switchboard.dev',
      version: 'v1alpha1',
      namespace: ns.name,
      plural: 'sipagents',
      body: {
        apiVersion: 'switchboard.dev/v1alpha1',
        kind: 'SipAgent',
        metadata: { name: a.name, labels: { desk: a.name } },
        // the default codecs (opus first): the operator puts G.711 first for
        // agents who may answer a recorded call (ann), cid keeps opus first
        spec: {
          displayName: `${a.name} Agent`,
          queues: [],
          ...(a.recording === undefined ? {} : { recording: a.recording }),
        },
      },
    });
  for (const [name, spec] of Object.entries(QUEUES)) await r.createQueue(name, spec);
  await pbx.start();
  callers = await callerUser.connect();
  await waitUntil(
    'both agents Provisioned=True',
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
  for (const a of AGENTS) {
    const secret = await r.secret(`${a.name}-sip-credentials`);
    a.username = decode(secret, 'username') ?? '';
    a.password = decode(secret, 'password') ?? '';
  }
  ({ session: admin } = await signInAdmin(r, base));
  const config = { wsUrl: pbx.asterisk.wsUrl, iceServers: [], iceGatheringTimeoutMs: 1000 };
  for (const a of AGENTS) {
    const context = await (a === cid ? callerBrowser : browser).newContext();
    contexts.push(context);
    a.phone = new PhoneDriver(await context.newPage());
    await mountPhone(a.phone.page, server, 'sb-softphone', config);
    await a.phone.register(a);
    await a.phone.waitForStatus('registered');
  }
  for (const [queue, member] of [
    ['rec', ann],
    ['rec49', ann],
    ['plain', ann],
    ['rec-bob', bob],
  ] as const)
    await waitUntil(
      `${member.name} free in ${queue}`,
      async () =>
        (await pbx.asterisk.cli(`queue show ${queue}`))
          .split('\n')
          .some((l) => l.includes(`${member.name} Agent`) && /\(Not in use\)/.test(l)),
      30_000,
      100,
    );
});

after(async () => {
  console.log(`figures (call recording, real calls): ${JSON.stringify(figures, null, 1)}`);
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await callerBrowser?.close();
  await server?.close();
  await callers?.stop();
  await operator?.stop();
  await pbx?.close();
  await postgres?.close();
  await ns?.cleanup();
});

afterEach(async (t) => {
  if ((t as { passed?: boolean }).passed) return;
  await callers?.hangUpAll().catch(() => undefined);
});

describe('call recording with real calls on a real Asterisk 22', () => {
  it('records a queue call: the file exists, lasts the call, holds both parties, and the CDR names it', async () => {
    const { linkedid, talkSeconds } = await queueCall('131', 'rec', ann, 'rec');
    const rows = await cdrRows(linkedid);
    const named = rows.filter((row) => row.recording !== null);
    assert.equal(named.length >= 1, true, JSON.stringify(rows));
    const id = named[0]?.recording ?? '';
    assert.match(id, new RegExp(`^${linkedid}-[0-9.]+\\.wav$`));
    assert.equal(named[0]?.retention, 30);
    assert.deepEqual(filesOf(linkedid), [id]);
    const { rate, samples } = pcm(join(pbx.asterisk.recordingsDir, id));
    assert.equal(rate, 8000);
    const seconds = samples.length / rate;
    figures['recorded call: file duration vs AgentConnect→AgentComplete'] =
      `${seconds.toFixed(2)} s vs ${talkSeconds.toFixed(2)} s`;
    assert.ok(
      Math.abs(seconds - talkSeconds) <= 0.5,
      `file ${seconds.toFixed(2)} s, call ${talkSeconds.toFixed(2)} s`,
    );
    const caller = energyShare(samples, rate, CALLER_TONE_HZ);
    const agent = energyShare(samples, rate, AGENT_TONE_HZ);
    const off = energyShare(samples, rate, 2500);
    figures[
      'recorded call: share of energy at 1004 Hz (caller), 400 Hz (agent), 2500 Hz (neither)'
    ] = `${caller.toFixed(3)}, ${agent.toFixed(3)}, ${off.toFixed(4)}`;
    // Milliwatt is near full scale, the browser's tone passes its audio
    // processing (gain control, noise suppression) and is much weaker: each
    // party must stand far above a frequency neither sends.
    assert.ok(caller > 0.01, `the caller's tone is in the recording (${caller})`);
    assert.ok(agent > 0.01, `the agent's tone is in the recording (${agent})`);
    assert.ok(off < 0.001, `no tone at 2500 Hz (${off})`);
    const bytes = readFileSync(join(pbx.asterisk.recordingsDir, id)).length;
    figures['disk per hour, wav (measured)'] =
      `${(((bytes / seconds) * 3600) / 1e6).toFixed(1)} MB (${(bytes / seconds).toFixed(0)} B/s)`;
    // The raw formats are fixed-rate: the same recording encoded by sox gives their size.
    for (const [format, type] of [
      ['gsm', 'gsm'],
      ['ulaw', 'ul'],
      ['alaw', 'al'],
    ] as const) {
      const out = join(pbx.asterisk.recordingsDir, `..`, `figure.${format}`);
      execFileSync('sox', [join(pbx.asterisk.recordingsDir, id), '-t', type, out]);
      const size = readFileSync(out).length;
      figures[`disk per hour, ${format} (this recording encoded by sox)`] =
        `${(((size / seconds) * 3600) / 1e6).toFixed(2)} MB (${(size / seconds).toFixed(0)} B/s)`;
    }
    recorded.wav = { id, linkedid, talkSeconds };
  });

  it('records in wav49 (GSM in WAV) under the .WAV name Asterisk writes', async () => {
    const { linkedid, talkSeconds } = await queueCall('132', 'rec49', ann, 'r49');
    const rows = await cdrRows(linkedid);
    const id = rows.find((row) => row.recording !== null)?.recording ?? '';
    assert.match(id, /\.WAV$/);
    assert.deepEqual(filesOf(linkedid), [id]);
    const bytes = readFileSync(join(pbx.asterisk.recordingsDir, id)).length;
    const info = execFileSync('sox', ['--i', '-D', join(pbx.asterisk.recordingsDir, id)], {
      encoding: 'utf8',
    });
    const seconds = Number(info.trim());
    assert.ok(Math.abs(seconds - talkSeconds) <= 0.5, `${seconds} s vs ${talkSeconds} s`);
    figures['disk per hour, wav49 (measured)'] =
      `${(((bytes / seconds) * 3600) / 1e6).toFixed(2)} MB (${(bytes / seconds).toFixed(0)} B/s)`;
    recorded.wav49 = { id, linkedid, talkSeconds };
  });

  it('records a browser caller (opus first in its SipAgent): answered in G.711, both parties are in the file', async () => {
    const mark = callers.events().length - 1;
    await cid.phone.locator('#dial').fill('131');
    await cid.phone.locator('button.call').click();
    await ann.phone.waitForCall("call?.phase === 'ringing'", 15_000);
    await ann.phone.locator('button.answer').click();
    const connect = await callers.waitFor(
      'AgentConnect',
      (f) => field(f, 'queue') === 'rec',
      'AgentConnect in rec',
      15_000,
      mark,
    );
    await ann.phone.waitForCall("call?.phase === 'active'");
    await cid.phone.waitForCall("call?.phase === 'active'");
    await new Promise((resolve) => setTimeout(resolve, CALL_SECONDS * 1000));
    const codecs = {
      caller: (await inboundAudio(cid.phone)).codec,
      agent: (await inboundAudio(ann.phone)).codec,
    };
    await ann.phone.locator('button.hangup').click();
    await callers.waitFor(
      'AgentComplete',
      (f) => field(f, 'queue') === 'rec',
      'AgentComplete in rec',
      10_000,
      connect.seq,
    );
    await cid.phone.waitForCall('call === undefined');
    figures['browser caller → recorded queue: codecs (caller leg, agent leg)'] =
      JSON.stringify(codecs);
    // opus would pass through undecoded and be recorded as silence (measured: 0.000 and 0.000)
    assert.match(codecs.caller ?? '', /PCM[UA]/);
    assert.match(codecs.agent ?? '', /PCM[UA]/);
    const linkedid = field(connect.f, 'linkedid');
    const rows = await cdrRows(linkedid);
    const id = rows.find((row) => row.recording !== null)?.recording ?? '';
    assert.deepEqual(filesOf(linkedid), [id], JSON.stringify(rows));
    const { rate, samples } = pcm(join(pbx.asterisk.recordingsDir, id));
    const caller = energyShare(samples, rate, CID_TONE_HZ);
    const agent = energyShare(samples, rate, AGENT_TONE_HZ);
    const off = energyShare(samples, rate, 2500);
    figures['browser caller: energy share at 700 Hz (caller), 400 Hz (agent), 2500 Hz'] =
      `${caller.toFixed(3)}, ${agent.toFixed(3)}, ${off.toFixed(4)}`;
    assert.ok(caller > 0.01, `the caller's tone is in the recording (${caller})`);
    assert.ok(agent > 0.01, `the agent's tone is in the recording (${agent})`);
    assert.ok(off < 0.001, `no tone at 2500 Hz (${off})`);
  });

  it('records nothing for a queue without recording, or for an agent whose spec.recording is false', async () => {
    for (const [number, queue, agent, tag] of [
      ['133', 'plain', ann, 'plain'],
      ['134', 'rec-bob', bob, 'bob'],
    ] as const) {
      const { linkedid } = await queueCall(number, queue, agent, tag);
      const rows = await cdrRows(linkedid);
      assert.ok(
        rows.every((row) => row.recording === null),
        `${queue}: ${JSON.stringify(rows)}`,
      );
      assert.deepEqual(filesOf(linkedid), [], `${queue}: no file`);
    }
  });

  it('lists recordings by call and serves them with HTTP Range (seeking), recording each playback and download', async () => {
    const rec = recorded.wav;
    assert.ok(rec, 'the first test recorded a call');
    const list = await admin.call<{
      recordings: { id: string; available: boolean; bytes: number }[];
    }>('GET', `/recordings?linkedid=${rec.linkedid}`);
    assert.equal(list.status, 200, list.text);
    const file = readFileSync(join(pbx.asterisk.recordingsDir, rec.id));
    assert.deepEqual(
      list.body.recordings.map((x) => [x.id, x.available, x.bytes]),
      [[rec.id, true, file.length]],
    );
    const byDate = await admin.call<{ recordings: { id: string }[] }>(
      'GET',
      `/recordings?from=${new Date(Date.now() - 3600_000).toISOString()}&limit=10`,
    );
    assert.ok(byDate.body.recordings.some((x) => x.id === rec.id));

    const whole = await getBytes(`/recordings/${rec.id}`);
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get('content-type'), 'audio/wav');
    assert.equal(whole.headers.get('accept-ranges'), 'bytes');
    assert.ok(whole.body.equals(file));
    const part = await getBytes(`/recordings/${rec.id}`, { range: 'bytes=1000-1999' });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 1000-1999/${file.length}`);
    assert.ok(part.body.equals(file.subarray(1000, 2000)));
    const tail = await getBytes(`/recordings/${rec.id}`, { range: 'bytes=-100' });
    assert.equal(tail.status, 206);
    assert.ok(tail.body.equals(file.subarray(file.length - 100)));
    const beyond = await getBytes(`/recordings/${rec.id}`, {
      range: `bytes=${file.length + 10}-`,
    });
    assert.equal(beyond.status, 416);
    const download = await getBytes(`/recordings/${rec.id}?download=1`);
    assert.equal(download.status, 200);
    assert.equal(download.headers.get('content-disposition'), `attachment; filename="${rec.id}"`);
    // the whole GET and the download are recorded; the seeks (1000-, -100, beyond) are not
    assert.deepEqual(await accessRows(rec.id), [
      { action: 'play', principal: 'admin' },
      { action: 'download', principal: 'admin' },
    ]);
    assert.match(readFileSync(operator.logPath, 'utf8'), /"recording accessed"/);
  });

  it('refuses path tricks with 400 before touching the disk', async () => {
    for (const path of [
      '/recordings/../../etc/passwd',
      '/recordings/..%2F..%2Fetc%2Fpasswd',
      '/recordings/%2Fetc%2Fpasswd',
      '/recordings/%2e%2e%2fsecret.wav',
      '/recordings/%252e%252e%252fsecret.wav',
      '/recordings/a/../../b.wav',
      '/recordings/notes.txt',
    ]) {
      const res = await rawGet(path);
      assert.equal(res.status, 400, `${path}: ${res.body}`);
      assert.match(JSON.parse(res.body).message, /recording id/, path);
    }
  });

  it("refuses an agent's session and a token without recordings:read (403), and serves a token with it", async () => {
    const rec = recorded.wav;
    assert.ok(rec);
    const set = await admin.call('PATCH', '/hr/users/ann', { password: LOGIN });
    assert.equal(set.status, 200, set.text);
    const agentSession = new ApiSession(base);
    await waitUntil(
      'ann signs in',
      async () => (await agentSession.login(ann.username, LOGIN)).status === 200,
    );
    for (const path of ['/recordings', `/recordings/${rec.id}`]) {
      const res = await agentSession.call('GET', path);
      assert.equal(res.status, 403, `${path}: ${res.text}`);
    }
    const token = async (scopes: string[]) => {
      const res = await admin.call<{ token: string }>('POST', '/auth/tokens', {
        name: `rec-${scopes.join('-').replace(/:/g, '-')}`,
        scopes,
        expiresInDays: 1,
      });
      assert.equal(res.status, 201, res.text);
      return res.body.token;
    };
    const without = await token(['agents:read']);
    const denied = await fetch(`${base}/recordings/${rec.id}`, {
      headers: { authorization: `Bearer ${without}` },
    });
    assert.equal(denied.status, 403);
    assert.match(await denied.text(), /lacks the scope recordings:read/);
    const withScope = await token(['recordings:read']);
    const served = await fetch(`${base}/recordings/${rec.id}?download=1`, {
      headers: { authorization: `Bearer ${withScope}` },
    });
    assert.equal(served.status, 200);
    await served.arrayBuffer();
    assert.deepEqual((await accessRows(rec.id)).at(-1), {
      action: 'download',
      principal: 'token:rec-recordings-read',
    });
  });

  it('reports a recording whose file is missing as missing (404 and in the list), and an unknown one as unknown', async () => {
    const rec = recorded.wav49;
    assert.ok(rec);
    const path = join(pbx.asterisk.recordingsDir, rec.id);
    renameSync(path, `${path}.moved`);
    try {
      const res = await admin.call('GET', `/recordings/${rec.id}`);
      assert.equal(res.status, 404);
      assert.match(String(res.body.message), /is missing/);
      const list = await admin.call<{ recordings: { id: string; available: boolean }[] }>(
        'GET',
        `/recordings?linkedid=${rec.linkedid}`,
      );
      assert.deepEqual(
        list.body.recordings.map((x) => [x.id, x.available]),
        [[rec.id, false]],
      );
    } finally {
      renameSync(`${path}.moved`, path);
    }
    const unknown = await admin.call('GET', '/recordings/nobody-1.wav');
    assert.equal(unknown.status, 404);
    assert.match(String(unknown.body.message), /no recording nobody-1\.wav/);
    const bad = await admin.call('GET', '/recordings?from=yesterday');
    assert.equal(bad.status, 400);
    assert.match(String(bad.body.message), /^from:/);
  });

  it('deletes recordings past their retention (file and link), keeps the others', async () => {
    const rec = recorded.wav;
    assert.ok(rec);
    // A call recorded 3 days ago with 1 day's retention: its file and row as Asterisk left them.
    const old = 'old-call-1-1.wav';
    writeFileSync(
      join(pbx.asterisk.recordingsDir, old),
      readFileSync(join(pbx.asterisk.recordingsDir, rec.id)),
    );
    await withClient(db, (c) =>
      c.query(
        `INSERT INTO cdr (start, answer, "end", linkedid, uniqueid, recording, recording_retention_days)
         VALUES ((now() AT TIME ZONE 'UTC') - interval '3 days', (now() AT TIME ZONE 'UTC') - interval '3 days',
                 (now() AT TIME ZONE 'UTC') - interval '3 days', 'old-call', 'old-call', $1, 1)`,
        [old],
      ),
    );
    const started = performance.now();
    await waitUntil(
      'the leader deleted the expired recording',
      async () => {
        const gone = !readdirSync(pbx.asterisk.recordingsDir).includes(old);
        const { rows } = await withClient(db, (c) =>
          c.query('SELECT recording FROM cdr WHERE linkedid = $1', ['old-call']),
        );
        return gone && rows[0]?.recording === null;
      },
      15_000,
      100,
    );
    figures['retention: expired recording deleted after'] =
      `${(performance.now() - started).toFixed(0)} ms (interval 1 s)`;
    assert.ok(
      readdirSync(pbx.asterisk.recordingsDir).includes(rec.id),
      'a recording within its retention stays',
    );
    assert.equal((await admin.call('GET', `/recordings/${old}`)).status, 404);
  });
});
