// The chart's read-only AMI user on a real Asterisk 22: its file sits in
// ami/manager_readonly.conf, which manager.conf #tryincludes (as the chart
// projects the Secret "<fullname>-ami-readonly"), with the chart's classes
// (read = system,agent,user,call; write = reporting). Asterisk refuses it
// every action that changes something the operator steers (QueuePause,
// QueueAdd, DBPut, Originate, Hangup, Reload, Command, UserEvent) and lets
// it read the snapshots a replica's live model starts from (QueueStatus,
// CoreShowChannels, DBGetTree, CoreStatus); not PJSIPShowContacts ("system"). app_queue's
// QueueReset needs no class at all in Asterisk 22: any AMI user may reset
// the queue counters; pinned here so the day-counts design knows it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { AmiClient, AmiError } from '../../operator/src/asterisk/ami/client.ts';
import { createNamespace, testCluster } from '../support/cluster.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import { type RealAsterisk, startRealAsterisk } from '../support/real-asterisk.ts';
import { Resources } from '../support/resources.ts';

const cluster = testCluster();
const USER = 'switchboard-monitor';
let ns: Awaited<ReturnType<typeof createNamespace>>;
let r: Resources;
let pbx: RealAsterisk;
let operator: OperatorProcess;
let ro: AmiClient;

/** Asterisk's answer to an action: "ok", or the error message it gave. */
async function outcome(fields: Record<string, string>): Promise<string> {
  try {
    await ro.action(fields);
    return 'ok';
  } catch (err) {
    if (err instanceof AmiError) return err.message;
    throw err;
  }
}

before(async () => {
  ns = await createNamespace(cluster, 'ami-readonly');
  r = new Resources(cluster, ns.name);
  pbx = await startRealAsterisk(cluster, r);
  const secret = randomBytes(20).toString('hex');
  // the chart's file, byte for byte (templates/asterisk-ami-readonly-secret.yaml)
  writeFileSync(
    join(pbx.asterisk.etcDir, 'ami', 'manager_readonly.conf'),
    `[${USER}]\nsecret = ${secret}\nread = system,agent,user,call\nwrite = reporting\n`,
  );
  operator = await startOperator(cluster, ns.name, 'ami-readonly');
  await r.createConfig(pbx.configSpec);
  await pbx.start();
  ro = new AmiClient({
    host: '127.0.0.1',
    port: pbx.asterisk.amiPort,
    username: USER,
    secret,
    logger: pino({ level: 'silent' }),
  });
  ro.start();
  await ro.ready(10_000);
});

after(async () => {
  await ro?.stop();
  await operator?.stop();
  await pbx?.close();
  await ns?.cleanup();
});

describe('the read-only AMI user on a real Asterisk 22', () => {
  it('is refused every action that changes what the operator steers', async () => {
    const refused: Record<string, Record<string, string>> = {
      QueuePause: { action: 'QueuePause', interface: 'PJSIP/nobody', paused: 'true' },
      QueueAdd: { action: 'QueueAdd', queue: 'support', interface: 'PJSIP/nobody' },
      DBPut: { action: 'DBPut', family: 'switchboard', key: 'x', val: 'y' },
      Originate: {
        action: 'Originate',
        channel: 'Local/117@switchboard-agents',
        application: 'Wait',
        data: '1',
      },
      Hangup: { action: 'Hangup', channel: 'PJSIP/nobody-00000001' },
      Reload: { action: 'Reload', module: 'manager' },
      Command: { action: 'Command', command: 'core show version' },
      UserEvent: { action: 'UserEvent', userevent: 'SwitchboardSupervise' },
    };
    for (const [name, fields] of Object.entries(refused))
      assert.match(await outcome(fields), /Permission denied/, `${name} is refused`);
  });

  it('may read the snapshots a live model starts from', async () => {
    const queues = await ro.list({ action: 'QueueStatus' }, ['QueueParams'], 'QueueStatusComplete');
    assert.ok(queues.length > 0, 'QueueStatus lists the queues');
    await ro.list({ action: 'CoreShowChannels' }, 'CoreShowChannel', 'CoreShowChannelsComplete');
    await ro.list(
      { action: 'DBGetTree', family: 'switchboard' },
      'DBGetTreeResponse',
      'DBGetTreeComplete',
    );
    assert.equal(await outcome({ action: 'CoreStatus' }), 'ok');
  });

  it('may not list contacts (PJSIPShowContacts needs "system")', async () => {
    assert.match(await outcome({ action: 'PJSIPShowContacts' }), /Permission denied/);
  });

  it('may reset the queue counters, as any AMI user may (QueueReset has no class in app_queue)', async () => {
    assert.equal(await outcome({ action: 'QueueReset' }), 'ok');
  });
});
