// The endpoint counts of scale-results.txt: a generated file of N endpoints
// loaded by one reload ("endpoints now: N+1"), and gone again once the file
// is removed ("endpoints now: 1"). Also keeps the server fast enough for the
// operator's 10,000-agent tests.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { field } from './framing.ts';
import { RawAmi } from './raw-client.ts';
import { type AmiServer, startAmiServer } from './server.ts';
import { configDir, RECORDED_USER, SHARED } from './transcripts.ts';

const results = readFileSync(join(SHARED, 'scale-results.txt'), 'utf8');
const runs = [...results.matchAll(/^---- N=(\d+)\n[\s\S]*?^endpoints now: (\d+)$/gm)].map((m) => ({
  n: Number(m[1]),
  endpoints: Number(m[2]),
}));
const afterRemoval = Number(
  /^---- remove generated file\n[\s\S]*?^endpoints now: (\d+)/m.exec(results)?.[1],
);

/** N endpoints with their auth and AOR, like the recording's generated file. */
function generated(n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) {
    const id = `agent_${i}_1700000000`;
    out += `[${id}]\ntype=endpoint\ntransport=transport-ws\ncontext=internal\ndisallow=all\nallow=opus,ulaw\nwebrtc=yes\nauth=${id}\naors=${id}\n\n[${id}]\ntype=auth\nauth_type=userpass\nusername=${id}\npassword=${'0'.repeat(32)}\n\n[${id}]\ntype=aor\nmax_contacts=1\n\n`;
  }
  return out;
}

describe('scale-results.txt', () => {
  let server: AmiServer;
  let dir: string;
  let ami: RawAmi;
  before(async () => {
    dir = configDir();
    server = await startAmiServer({ ...RECORDED_USER, configDir: dir });
    ami = await RawAmi.login(server.port, 'off');
  });
  after(async () => {
    ami?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records runs', () =>
    assert.deepEqual(
      runs.map((r) => r.n),
      [1000, 10000],
    ));

  for (const run of runs) {
    it(`loads N=${run.n} in one reload: ${run.endpoints} endpoints`, async () => {
      writeFileSync(join(dir, 'pjsip_generated.conf'), generated(run.n));
      await ami.exchange('Action: Reload\r\nModule: res_pjsip.so\r\n\r\n', 1);
      assert.equal(server.endpointIds().length, run.endpoints);
      const list = await ami.list({ Action: 'PJSIPShowEndpoints' });
      assert.equal(field(list.at(-1) ?? { lines: [] }, 'ListItems'), String(run.endpoints));
    });
  }

  it(`drops them when the file is removed: ${afterRemoval} endpoint`, async () => {
    rmSync(join(dir, 'pjsip_generated.conf'));
    await ami.exchange('Action: Reload\r\nModule: res_pjsip.so\r\n\r\n', 1);
    assert.equal(server.endpointIds().length, afterRemoval);
  });
});
