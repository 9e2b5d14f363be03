// Two operator processes on one real Asterisk 22: the follower reads the
// live queues itself with the read-only AMI user (AMI_READONLY_SECRET, the
// chart's <fullname>-ami-readonly) and answers GET /monitor/queues from its
// own model, not the leader's. At every checkpoint the follower's waiting
// callers equal the leader's and `queue show`'s; then the leader is killed
// (SIGKILL: its Lease stays held ~10 s) and, while no replica leads, callers
// join and one abandons: the follower still shows what Asterisk shows.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ApiSession, signInAdmin } from '../support/api-session.ts';
import { createNamespace, testCluster } from '../support/cluster.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import { addQueueCallers, field, type QueueCallers } from '../support/queue-callers.ts';
import { type RealAsterisk, startRealAsterisk } from '../support/real-asterisk.ts';
import { Resources } from '../support/resources.ts';
import { waitUntil } from '../support/wait.ts';

interface LiveQueues {
  live: boolean;
  queues: { name: string; waiting: { channel: string; position: number }[] }[];
}

const cluster = testCluster();
const RO_SECRET = 'asterisk-ami-readonly';
const RO_USER = 'switchboard-monitor';
let ns: Awaited<ReturnType<typeof createNamespace>>;
let r: Resources;
let pbx: RealAsterisk;
let leader: OperatorProcess;
let follower: OperatorProcess;
let onLeader: ApiSession;
let onFollower: ApiSession;
let callers: QueueCallers;
const figures: Record<string, string> = {};

async function waiting(session: ApiSession): Promise<string[] | undefined> {
  const res = await session.call<LiveQueues>('GET', '/monitor/queues');
  if (res.status !== 200 || !res.body.live) return undefined;
  return res.body.queues.find((q) => q.name === 'support')?.waiting.map((c) => c.channel);
}

async function asteriskWaiting(): Promise<string[]> {
  const shown = await pbx.asterisk.cli('queue show support');
  return [...shown.matchAll(/^\s+\d+\. (\S+) \(wait:/gm)].map((m) => m[1] ?? '');
}

/** Waits until `queue show` lists `count` callers and every session shows the same, in order. */
async function agree(what: string, count: number, sessions: readonly ApiSession[]) {
  await waitUntil(`${what}: queue show lists ${count}, each replica the same`, async () => {
    const theirs = await asteriskWaiting();
    if (theirs.length !== count) return false;
    for (const s of sessions)
      if (JSON.stringify(await waiting(s)) !== JSON.stringify(theirs)) return false;
    return true;
  });
}

const log = (o: OperatorProcess) => readFileSync(o.logPath, 'utf8');

before(async () => {
  ns = await createNamespace(cluster, 'monitor-replica');
  r = new Resources(cluster, ns.name);
  pbx = await startRealAsterisk(cluster, r);
  const secret = randomBytes(20).toString('hex');
  // the chart's read-only user, byte for byte (templates/asterisk-ami-readonly-secret.yaml)
  writeFileSync(
    join(pbx.asterisk.etcDir, 'ami', 'manager_readonly.conf'),
    `[${RO_USER}]\nsecret = ${secret}\nread = system,agent,user,call\nwrite = reporting\n`,
  );
  await r.core.createNamespacedSecret({
    namespace: ns.name,
    body: { metadata: { name: RO_SECRET }, stringData: { username: RO_USER, secret } },
  });
  const callerUser = addQueueCallers(pbx.asterisk, 'replica-callers');
  const env = { ASTERISK_POLL_MS: '100', AMI_READONLY_SECRET: RO_SECRET };
  leader = await startOperator(cluster, ns.name, 'replica-a', env);
  await r.createConfig(pbx.configSpec);
  await pbx.start();
  callers = await callerUser.connect();
  ({ session: onLeader } = await signInAdmin(r, `http://127.0.0.1:${leader.port}`));
  await waitUntil(
    'the leader reads the queues',
    async () => (await waiting(onLeader)) !== undefined,
  );
  follower = await startOperator(cluster, ns.name, 'replica-b', env);
  ({ session: onFollower } = await signInAdmin(r, `http://127.0.0.1:${follower.port}`));
});

after(async () => {
  console.log(`figures (replica's own live queues): ${JSON.stringify(figures, null, 1)}`);
  await callers?.hangUpAll().catch(() => undefined);
  await callers?.stop();
  await follower?.stop();
  await leader?.stop();
  await pbx?.close();
  await ns?.cleanup();
});

describe("a follower's own live queues (read-only AMI user, real Asterisk)", () => {
  it('logs in with the read-only user and shows what the leader and queue show show', async () => {
    await waitUntil('the follower reads with the read-only user', async () =>
      log(follower).includes('reading the live queues with the read-only AMI user'),
    );
    assert.ok(!log(follower).includes('became leader'), 'replica-b follows');
    await waitUntil('Asterisk lists the read-only session', async () =>
      // the CLI cuts user names to 15 characters
      (await pbx.asterisk.cli('manager show connected')).includes(RO_USER.slice(0, 15)),
    );
    await agree('nobody yet', 0, [onLeader, onFollower]);
    for (const id of ['rp-a', 'rp-b', 'rp-c']) await callers.call('117', id);
    await agree('three callers', 3, [onLeader, onFollower]);
    const middle = callers.events('Newchannel').find((e) => field(e.f, 'uniqueid') === 'rp-b');
    assert.ok(middle);
    await callers.client.action({ action: 'Hangup', channel: field(middle.f, 'channel') });
    await agree('one abandoned', 2, [onLeader, onFollower]);
  });

  it('stays live with the leader gone, before any replica has taken over', async () => {
    await leader.kill();
    const killed = performance.now();
    await callers.call('117', 'rp-d');
    await agree('a caller joins with no leader', 3, [onFollower]);
    const first = (await asteriskWaiting())[0] ?? '';
    await callers.client.action({ action: 'Hangup', channel: first });
    await agree('the first abandons with no leader', 2, [onFollower]);
    figures['leader killed → follower shows a join and an abandon'] =
      `${Math.round(performance.now() - killed)} ms`;
    assert.ok(
      !log(follower).includes('became leader'),
      'the follower answered from its own model, not as the new leader',
    );
    await callers.hangUpAll();
    await agree('everybody hung up', 0, [onFollower]);
  });
});
