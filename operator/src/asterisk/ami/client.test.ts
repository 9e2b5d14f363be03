// The AMI client against the AMI test server (built from Asterisk transcripts).
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { type AmiServer, startAmiServer } from '../../../../test/ami-server/server.ts';
import { repoRoot } from '../../../../test/cluster/tools.ts';
import { waitUntil } from '../../../../test/support/wait.ts';
import { AmiClient, AmiError, AmiLoginRefused, reconnectDelay } from './client.ts';
import { configCategories, endpointListItem } from './messages.ts';

let server: AmiServer;
let dir: string;
let client: AmiClient;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ami-client-'));
  cpSync(join(repoRoot, 'test', 'ami-server', 'recorded', 'minimal-config'), dir, {
    recursive: true,
  });
  server = await startAmiServer({ username: 'admin', secret: 'verifysecret123', configDir: dir });
  client = new AmiClient({
    host: '127.0.0.1',
    port: server.port,
    username: 'admin',
    secret: 'verifysecret123',
    actionTimeoutMs: 2000,
    minBackoffMs: 50,
    maxBackoffMs: 400,
  });
  client.start();
  await client.ready();
});
after(async () => {
  await client?.stop();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('AmiClient', () => {
  it('logs in and runs actions with typed answers', async () => {
    const pong = await client.action({ action: 'Ping' });
    assert.equal(pong.response, 'Success');
    const config = await client.action({
      action: 'GetConfig',
      filename: 'pjsip.conf',
      category: 'webrtc1',
    });
    const categories = configCategories(config.fields);
    assert.deepEqual(
      categories.map((c) => c.name),
      ['webrtc1', 'webrtc1'],
    );
    assert.deepEqual(categories[1]?.lines, [
      ['type', 'aor'],
      ['max_contacts', '5'],
      ['remove_existing', 'yes'],
    ]);
  });

  it("rejects with Asterisk's message on an Error response", async () => {
    await assert.rejects(
      client.action({ action: 'GetConfig', filename: 'no_such_file.conf' }),
      (e: unknown) => e instanceof AmiError && e.message === 'Config file not found',
    );
  });

  it('collects list events, and treats "No … found" as an empty list', async () => {
    const endpoints = await client.list(
      { action: 'PJSIPShowEndpoints' },
      'EndpointList',
      'EndpointListComplete',
    );
    assert.deepEqual(
      endpoints.map(endpointListItem).map((e) => e.objectName),
      ['webrtc1'],
    );
    assert.deepEqual(
      await client.list({ action: 'PJSIPShowContacts' }, 'ContactList', 'ContactListComplete'),
      [],
    );
  });

  it('serialises Command actions and delivers the Reload event', async () => {
    const events: string[] = [];
    client.onEvent((e) => {
      if (e.event === 'Reload' && 'module' in e) events.push(`${e.module}:${e.status}`);
    });
    const [a, b] = await Promise.all([
      client.command('module reload res_pjsip.so'),
      client.command('dialplan reload'),
    ]);
    assert.match(String(a.fields.output), /reloaded successfully/);
    assert.equal(String(b.fields.output), 'Dialplan reloaded.');
    await waitUntil('Reload event', () => events.includes('res_pjsip.so:0'));
  });

  it('times out a slow action', async () => {
    server.setResponseDelay(3000);
    try {
      await assert.rejects(client.action({ action: 'Ping' }), /timed out after 2000 ms/);
    } finally {
      server.setResponseDelay(0);
    }
  });

  it('reconnects with a fresh login after a drop, and after refused logins', async () => {
    const states: string[] = [];
    client.onState((s) => states.push(s));
    server.refuseLogins(true);
    server.dropConnections();
    await waitUntil('disconnected', () => client.state !== 'connected');
    await waitUntil(
      'a refused login or two',
      () => states.filter((s) => s === 'connecting').length >= 2,
      5000,
    );
    assert.notEqual(client.state, 'connected');
    server.refuseLogins(false);
    await client.ready(5000);
    assert.equal((await client.action({ action: 'Ping' })).response, 'Success');
  });
});

describe('AmiClient reconnect delays', () => {
  it('double from 250 ms to a 3 s cap, with equal jitter from the random source', () => {
    const delays = (random: () => number) =>
      Array.from({ length: 8 }, (_, i) => reconnectDelay(i + 1, 250, 3000, random));
    assert.deepEqual(
      delays(() => 0.999_999),
      [250, 500, 1000, 2000, 3000, 3000, 3000, 3000],
    );
    assert.deepEqual(
      delays(() => 0),
      [125, 250, 500, 1000, 1500, 1500, 1500, 1500],
    );
    assert.equal(
      reconnectDelay(10_000, 250, 3000, () => 0.5),
      2250,
      'no overflow',
    );
    // Operators that lost the same Asterisk spread their retries over the window.
    const spread = new Set(Array.from({ length: 20 }, () => reconnectDelay(6, 250, 3000)));
    assert.ok(spread.size > 10, `${spread.size} distinct delays of 20`);
  });

  it('reconnects within the 3 s cap however long Asterisk was gone', async () => {
    const own = await startAmiServer({
      username: 'admin',
      secret: 'verifysecret123',
      configDir: dir,
    });
    const port = own.port;
    const retries: number[] = [];
    const logger = pino(
      { level: 'warn' },
      {
        write(line: string) {
          const entry = JSON.parse(line) as { retryInMs?: number };
          if (entry.retryInMs !== undefined) retries.push(entry.retryInMs);
        },
      },
    );
    // The defaults (250 ms to 3 s), with the jitter pinned to its low end.
    const c = new AmiClient({
      host: '127.0.0.1',
      port,
      username: 'admin',
      secret: 'verifysecret123',
      random: () => 0,
      logger,
    });
    let back: AmiServer | undefined;
    try {
      c.start();
      await c.ready();
      await own.close(); // Asterisk is gone: every attempt is refused
      await waitUntil('five failed attempts', () => retries.length >= 5, 10_000, 10);
      assert.deepEqual(retries.slice(0, 5), [125, 250, 500, 1000, 1500]);
      back = await startAmiServer({
        username: 'admin',
        secret: 'verifysecret123',
        configDir: dir,
        port,
      });
      const accepting = performance.now();
      await c.ready(5000);
      const ms = performance.now() - accepting;
      assert.ok(ms <= 1500 + 500, `logged in again ${Math.round(ms)} ms after AMI accepted`);
    } finally {
      await c.stop();
      await back?.close();
    }
  });
});

describe('AmiClient.rotate (AMI test server: no UserEvent, so the hand-over is unordered)', () => {
  const OLD = { username: 'admin', secret: 'verifysecret123' };
  const NEW = { username: 'rotated', secret: 'newsecret456' };
  let s: AmiServer;
  let c: AmiClient;
  const states: string[] = [];
  before(async () => {
    s = await startAmiServer({ ...OLD, configDir: dir, users: [NEW] });
    c = new AmiClient({
      host: '127.0.0.1',
      port: s.port,
      ...OLD,
      actionTimeoutMs: 1000,
      minBackoffMs: 50,
      maxBackoffMs: 200,
      logger: pino({ level: 'silent' }),
    });
    c.onState((st) => states.push(st));
    c.start();
    await c.ready();
  });
  after(async () => {
    await c?.stop();
    await s?.close();
  });

  it('is refused while Asterisk does not know the new secret, leaving the session serving', async () => {
    await assert.rejects(
      c.rotate({ ...OLD, secret: 'not-yet' }),
      (e: unknown) => e instanceof AmiLoginRefused,
    );
    assert.ok(c.usesCredentials(OLD));
    assert.equal((await c.action({ action: 'Ping' })).response, 'Success');
  });

  it('rejects (never hangs) when the serving session is lost while the new one logs in', async () => {
    s.setResponseDelay(300);
    const rotating = c.rotate(NEW);
    setTimeout(() => s.dropConnections(), 100);
    await assert.rejects(rotating, (e: unknown) => e instanceof AmiError);
    s.setResponseDelay(0);
    await waitUntil('the drop noticed', () => states.includes('disconnected'));
    await c.ready(5000); // reconnected with the old secret, which the server still knows
    assert.ok(c.usesCredentials(OLD));
  });

  it('moves to the new credentials without a state change; actions in flight finish', async () => {
    states.length = 0;
    s.setResponseDelay(50);
    const inFlight = c.action({ action: 'Ping' });
    assert.equal(await c.rotate(NEW), 'unordered');
    assert.equal((await inFlight).response, 'Success');
    s.setResponseDelay(0);
    assert.ok(c.usesCredentials(NEW));
    assert.equal((await c.action({ action: 'Ping' })).response, 'Success');
    assert.deepEqual(states, [], 'no disconnect, no reconnect');
  });
});
