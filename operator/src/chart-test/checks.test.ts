import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type AmiServer, startAmiServer } from '../../../test/ami-server/server.ts';
import { configDir, RECORDED_USER } from '../../../test/ami-server/transcripts.ts';
import { firstMessage } from './ami-login.ts';
import { checkAmi, checkAmiClosed, checkOperator } from './checks.ts';

describe('firstMessage', () => {
  it('reads a complete AMI message and nothing before its blank line', () => {
    assert.equal(firstMessage('Response: Success\r\nMessage: Auth'), undefined);
    const m = firstMessage(
      'Response: Error\r\nActionID: x\r\nMessage: Authentication failed\r\n\r\nEvent: y',
    );
    assert.equal(m?.get('response'), 'Error');
    assert.equal(m?.get('message'), 'Authentication failed');
    assert.equal(m?.has('event'), false);
  });
});

describe('the AMI check (against the AMI test server, which agrees with Asterisk on Login)', () => {
  let server: AmiServer;
  let dir: string;
  before(async () => {
    dir = configDir();
    server = await startAmiServer({ ...RECORDED_USER, configDir: dir });
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes with the right secret (and a wrong one refused)', async () => {
    const r = await checkAmi(
      '127.0.0.1',
      server.port,
      RECORDED_USER.username,
      RECORDED_USER.secret,
    );
    assert.equal(r.ok, true, r.message);
    assert.match(r.message, /Asterisk Call Manager\/\d/);
  });

  it('fails, saying so, when Asterisk refuses the credentials', async () => {
    const r = await checkAmi('127.0.0.1', server.port, RECORDED_USER.username, 'not-it');
    assert.equal(r.ok, false);
    assert.match(r.message, /refused the operator's credentials: Authentication failed/);
  });

  it('ami-closed fails when AMI answers, passes when nothing does', async () => {
    assert.equal((await checkAmiClosed('127.0.0.1', server.port)).ok, false);
    const closed = await checkAmiClosed('127.0.0.1', 1);
    assert.equal(closed.ok, true, closed.message);
  });
});

describe('the operator check', () => {
  it('wants /readyz 200 and the web UI at /', async () => {
    let ready = 503;
    const web = createServer((req, res) => {
      if (req.url === '/readyz') res.writeHead(ready).end();
      else
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html>');
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
    try {
      const notReady = await checkOperator(base);
      assert.equal(notReady.ok, false);
      assert.match(notReady.message, /readyz answered 503/);
      ready = 200;
      assert.equal((await checkOperator(base)).ok, true);
    } finally {
      web.close();
    }
  });
});
