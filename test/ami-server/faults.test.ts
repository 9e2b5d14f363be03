// Fault injection, and the session rules Asterisk applies to every request.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { waitUntil } from '../support/wait.ts';
import { field, parseMessages } from './framing.ts';
import { RawAmi } from './raw-client.ts';
import { type AmiServer, BANNER, startAmiServer } from './server.ts';
import { configDir, RECORDED_USER } from './transcripts.ts';

let server: AmiServer | undefined;
let dir: string | undefined;
const clients: RawAmi[] = [];

async function start(): Promise<AmiServer> {
  dir = configDir();
  server = await startAmiServer({ ...RECORDED_USER, configDir: dir });
  return server;
}
async function connect(s: AmiServer, events?: string): Promise<RawAmi> {
  const c = await RawAmi.login(s.port, events);
  clients.push(c);
  return c;
}
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const RELOAD = 'Action: Reload\r\nActionID: r\r\nModule: res_pjsip.so\r\n\r\n';
const text = (answer: string, name: string) =>
  field(parseMessages(answer).messages[0] ?? { lines: [] }, name);

describe('fault injection', () => {
  it('drops every connection; new ones get the banner', async () => {
    const s = await start();
    const a = await connect(s);
    const b = await connect(s, 'off');
    s.dropConnections();
    await a.closedByServer();
    await b.closedByServer();
    await waitUntil('sessions gone', () => s.connectionCount() === 0);
    const c = await connect(s, 'off');
    assert.equal(c.banner, BANNER);
  });

  it('refuses logins while told to, closing the connection as a wrong secret does', async () => {
    const s = await start();
    s.refuseLogins(true);
    const c = await RawAmi.open(s.port);
    clients.push(c);
    const answer = await c.exchange(
      'Action: Login\r\nActionID: l\r\nUsername: admin\r\nSecret: verifysecret123\r\n\r\n',
      1,
    );
    assert.equal(
      answer,
      'Response: Error\r\nActionID: l\r\nMessage: Authentication failed\r\n\r\n',
    );
    await c.closedByServer();
    s.refuseLogins(false);
    await connect(s);
  });

  it('delays answers, keeping their order', async () => {
    const s = await start();
    const c = await connect(s, 'off');
    s.setResponseDelay(100);
    const t0 = performance.now();
    c.send('Action: Ping\r\nActionID: 1\r\n\r\nAction: Ping\r\nActionID: 2\r\n\r\n');
    const answers = parseMessages(await c.read(2)).messages.map((m) => field(m, 'ActionID'));
    assert.deepEqual(answers, ['1', '2']);
    assert.ok(performance.now() - t0 >= 190, 'each answer waits');
  });

  it('rejects the next n reloads as in progress, with a Reload event of status 4', async () => {
    const s = await start();
    const c = await connect(s);
    s.rejectReloads(2);
    for (let i = 0; i < 2; i++) {
      assert.equal(
        await c.exchange(RELOAD, 2),
        'Response: Error\r\nActionID: r\r\nMessage: A reload is in progress\r\n\r\n' +
          'Event: Reload\r\nPrivilege: system,all\r\nModule: res_pjsip.so\r\nStatus: 4\r\n\r\n',
      );
    }
    assert.equal(text(await c.exchange(RELOAD, 2), 'Message'), 'Module Reloaded');
    assert.deepEqual(s.reloads, ['res_pjsip.so']);
  });

  it('answers a Reload when the reload is done, and rejects one meanwhile', async () => {
    const s = await start();
    s.setReloadDuration(300);
    const a = await connect(s, 'off');
    const b = await connect(s, 'off');
    writeFileSync(join(dir ?? '', 'pjsip_extra.conf'), '[late]\ntype=endpoint\n');
    const t0 = performance.now();
    a.send(RELOAD);
    await waitUntil('the reload to start', () => s.reloading(), 5000, 2);
    // Another module, another connection: still rejected; other actions still answered.
    const busy = await b.exchange('Action: Reload\r\nModule: app_queue.so\r\n\r\n', 1);
    assert.equal(text(busy, 'Message'), 'A reload is in progress');
    const cmd = await b.exchange(
      'Action: Command\r\nCommand: module reload res_pjsip.so\r\n\r\n',
      1,
    );
    assert.equal(
      text(cmd, 'Output'),
      'A module reload request is already in progress; please be patient',
    );
    assert.deepEqual(s.endpointIds(), ['webrtc1'], 'the new objects come when the reload ends');
    assert.equal(text(await a.read(1), 'Message'), 'Module Reloaded');
    assert.ok(performance.now() - t0 >= 290, 'the answer waited for the reload');
    assert.deepEqual(s.endpointIds(), ['webrtc1', 'late']);
  });

  it('publishes the Reload event even when the requester has gone', async () => {
    const s = await start();
    s.setReloadDuration(200);
    const a = await connect(s, 'off');
    const b = await connect(s);
    a.send(RELOAD);
    await waitUntil('the reload to start', () => s.reloading(), 5000, 2);
    a.close();
    assert.equal(
      await b.read(1),
      'Event: Reload\r\nPrivilege: system,all\r\nModule: res_pjsip.so\r\nStatus: 0\r\n\r\n',
    );
  });

  it('forgets a reload that a restart interrupted', async () => {
    const s = await start();
    s.setReloadDuration(200);
    const a = await connect(s, 'off');
    a.send(RELOAD);
    await waitUntil('the reload to start', () => s.reloading(), 5000, 2);
    s.restart();
    assert.equal(s.reloading(), false);
    const b = await connect(s);
    assert.match(await b.exchange(RELOAD, 2), /Message: Module Reloaded/);
    assert.deepEqual(s.reloads, ['res_pjsip.so']);
  });

  it('restarts: connections closed, config loaded afresh, uptime from zero', async () => {
    const s = await start();
    const c = await connect(s);
    writeFileSync(join(dir ?? '', 'pjsip_extra.conf'), '[late]\ntype=endpoint\n');
    s.restart();
    await c.closedByServer();
    assert.deepEqual(s.endpointIds(), ['webrtc1', 'late']);
    const again = await RawAmi.open(s.port);
    clients.push(again);
    assert.equal(again.banner, BANNER);
    const login = await again.exchange(
      'Action: Login\r\nUsername: admin\r\nSecret: verifysecret123\r\n\r\n',
      2,
    );
    assert.match(login, /Event: FullyBooted\r\nPrivilege: system,all\r\nUptime: 0\r\n/);
  });
});

describe('session rules', () => {
  it('answers "Permission denied" before login, but lets Logoff through', async () => {
    const s = await start();
    const c = await RawAmi.open(s.port);
    clients.push(c);
    assert.equal(text(await c.exchange('Action: Ping\r\n\r\n', 1), 'Message'), 'Permission denied');
    assert.equal(
      await c.exchange('Action: Logoff\r\n\r\n', 1),
      'Response: Goodbye\r\nMessage: Thanks for all the fish.\r\n\r\n',
    );
    await c.closedByServer();
  });

  it('answers nothing after a failed login, even requests sent with it', async () => {
    const s = await start();
    const c = await RawAmi.open(s.port);
    clients.push(c);
    c.send('Action: Login\r\nUsername: admin\r\nSecret: x\r\n\r\nAction: Ping\r\n\r\n');
    await c.closedByServer();
    assert.equal((c.received.match(/\r\n\r\n/g) ?? []).length, 1);
  });

  it('reads lower-case headers, as asterisk-manager sends them, and ignores its "event: on"', async () => {
    const s = await start();
    const c = await RawAmi.open(s.port);
    clients.push(c);
    const answer = await c.exchange(
      'action: login\r\nactionid: 1\r\nusername: admin\r\nsecret: verifysecret123\r\nevent: off\r\n\r\n',
      2,
    );
    assert.match(answer, /^Response: Success\r\nActionID: 1\r\n[\s\S]*Event: FullyBooted/);
  });

  it('answers an empty request "Missing action in request"', async () => {
    const s = await start();
    const c = await connect(s, 'off');
    assert.equal(
      await c.exchange('\r\n', 1),
      'Response: Error\r\nMessage: Missing action in request\r\n\r\n',
    );
  });

  it('sends events to every session that wants them, after the answer', async () => {
    const s = await start();
    const a = await connect(s);
    const b = await connect(s);
    const answer = await a.exchange(RELOAD, 2);
    assert.match(answer, /^Response: Success\r\n[\s\S]*\r\n\r\nEvent: Reload\r\n/);
    assert.equal(
      await b.read(1),
      'Event: Reload\r\nPrivilege: system,all\r\nModule: res_pjsip.so\r\nStatus: 0\r\n\r\n',
    );
  });
});
