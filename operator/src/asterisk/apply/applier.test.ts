// The apply loop against the AMI test server: files written straight into its
// config directory stand for the kubelet's projection.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import pino from 'pino';
import { type AmiServer, startAmiServer } from '../../../../test/ami-server/server.ts';
import { waitUntil } from '../../../../test/support/wait.ts';
import { AmiClient } from '../ami/client.ts';
import { agent, spec as fixtureSpec } from '../render/fixtures.ts';
import { BASE_INCLUDES, checkAgents, INCLUDE_DIR, renderAsteriskConfig } from '../render/index.ts';
import { withMarker } from '../render/marker.ts';
import type { GeneratedObject, RenderAgent } from '../render/types.ts';
import { AsteriskView } from '../view.ts';
import { Applier } from './applier.ts';
import { configVersion, versionAgents } from './version.ts';

const USER = { username: 'switchboard', secret: 'apply-test-secret' };
const spec = fixtureSpec();
const agents = (n: number): RenderAgent[] => Array.from({ length: n }, (_, i) => agent(i));

let dir: string;
let server: AmiServer;
let client: AmiClient;
let view: AsteriskView;
let applier: Applier;
let written = 0;

function render(list: RenderAgent[]) {
  const objects = renderAsteriskConfig({ namespace: 'ns', config: spec, agents: list });
  const id = `v${++written}`;
  const version = configVersion(
    id,
    objects,
    versionAgents(checkAgents(list, spec).accepted, () => 1),
  );
  return { objects, version };
}

/** What the kubelet does: every file swapped in at once. */
function project(objects: readonly GeneratedObject[]): void {
  const next = join(dir, `${INCLUDE_DIR}.next`);
  mkdirSync(next, { recursive: true });
  for (const o of objects)
    for (const [file, text] of Object.entries(o.files)) writeFileSync(join(next, file), text);
  rmSync(join(dir, INCLUDE_DIR), { recursive: true, force: true });
  renameSync(next, join(dir, INCLUDE_DIR));
}

const count = (module: string) => server.reloads.filter((m) => m === module).length;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'applier-'));
  for (const [file, include] of Object.entries(BASE_INCLUDES)) {
    const head =
      file === 'pjsip.conf' ? '[global]\ntype=global\n' : file === 'rtp.conf' ? '' : '[general]\n';
    writeFileSync(join(dir, file), `${head}${include}\n`);
  }
  server = await startAmiServer({ ...USER, configDir: dir });
});
after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await applier?.stop();
  await client?.stop();
  view = new AsteriskView();
  view.setConnection('ns', { state: 'connected', message: 'test' });
  client = new AmiClient({ host: '127.0.0.1', port: server.port, ...USER, minBackoffMs: 20 });
  client.start();
  await client.ready();
  applier = new Applier('ns', client, view, pino({ level: 'silent' }), {
    pollMs: 20,
    settleMs: 50,
    maxBatchMs: 2_000,
  });
  applier.start();
});
after(async () => {
  await applier?.stop();
  await client?.stop();
});

describe('the apply loop', () => {
  it('reloads only after Asterisk shows the new files, then confirms the agents', async () => {
    const { objects, version } = render(agents(3));
    const reloads = server.reloads.length;
    applier.setDesired(version);
    // The files are not there yet: GetConfig is asked, nothing is reloaded.
    await waitUntil('a few GetConfig rounds', async () => {
      return view.provisioned('ns', 'agent-0', 'agent_0_1700000000/1').status === 'Unknown';
    });
    assert.equal(server.reloads.length, reloads);
    project(objects);
    await waitUntil(
      'agent-0 provisioned',
      async () => view.provisioned('ns', 'agent-0', 'agent_0_1700000000/1').status === 'True',
    );
    assert.deepEqual(server.endpointIds().sort(), [
      'agent_0_1700000000',
      'agent_1_1700000000',
      'agent_2_1700000000',
    ]);
    // After a fresh connection every module is reloaded once.
    assert.deepEqual(server.reloads.slice(reloads), [
      'res_pjsip.so',
      'pbx_config.so',
      'app_queue.so',
      'res_rtp_asterisk.so',
    ]);
  });

  it('coalesces a burst of versions into one reload of the changed module', async () => {
    const first = render(agents(3));
    project(first.objects);
    applier.setDesired(first.version);
    await waitUntil(
      'baseline applied',
      async () => view.provisioned('ns', 'agent-2', 'agent_2_1700000000/1').status === 'True',
    );
    const before = count('res_pjsip.so');
    let last = first;
    for (let n = 4; n <= 40; n++) {
      last = render(agents(n));
      applier.setDesired(last.version);
      project(last.objects);
    }
    await waitUntil(
      'agent-39 provisioned',
      async () => view.provisioned('ns', 'agent-39', 'agent_39_1700000000/1').status === 'True',
    );
    assert.ok(count('res_pjsip.so') - before <= 2, `${count('res_pjsip.so') - before} reloads`);
    assert.equal(server.endpointIds().length, 40);
  });

  it('applies a lone change after a quiet spell without waiting for a burst to settle', async () => {
    await applier.stop();
    // A settle time no test would wait for: only the lone-change rule can apply this.
    applier = new Applier('ns', client, view, pino({ level: 'silent' }), {
      pollMs: 20,
      settleMs: 600_000,
      maxBatchMs: 1_200_000,
    });
    applier.start();
    const { objects, version } = render(agents(2));
    project(objects);
    applier.setDesired(version);
    await waitUntil(
      'applied at once',
      async () => view.provisioned('ns', 'agent-1', 'agent_1_1700000000/1').status === 'True',
      5_000,
    );
  });

  it('after a reconnect reloads nothing unless Asterisk restarted, and confirms again', async () => {
    client.onState((s) => applier.connectionChanged(s === 'connected'));
    const { objects, version } = render(agents(2));
    project(objects);
    applier.setDesired(version);
    await waitUntil(
      'applied',
      async () => view.provisioned('ns', 'agent-1', 'agent_1_1700000000/1').status === 'True',
    );
    const reloads = server.reloads.length;
    let confirmed = applier.confirmations;
    server.dropConnections(); // a network blip: the same Asterisk answers again
    await waitUntil('confirmed again', () => applier.confirmations > confirmed);
    assert.equal(server.reloads.length, reloads, 'nothing reloaded');

    // CoreStatus tells the startup time to the second: a restart within the
    // second of the last boot looks like no restart (harmless: a restarted
    // Asterisk read the current files at boot). Restart in a later second.
    const status = await client.action({ action: 'CoreStatus' });
    const booted = String(status.fields.corestartuptime);
    await waitUntil(
      'a second after the boot',
      () => new Date().toISOString().slice(11, 19) !== booted,
    );
    confirmed = applier.confirmations;
    server.restart(); // a new Asterisk process: what it loaded is unknown
    await waitUntil('confirmed after the restart', () => applier.confirmations > confirmed);
    assert.deepEqual(server.reloads.slice(reloads), [
      'res_pjsip.so',
      'pbx_config.so',
      'app_queue.so',
      'res_rtp_asterisk.so',
    ]);
  });

  it('retries while Asterisk says a reload is in progress', async () => {
    server.rejectReloads(3);
    const { objects, version } = render(agents(2));
    project(objects);
    applier.setDesired(version);
    await waitUntil(
      'provisioned despite busy reloads',
      async () => view.provisioned('ns', 'agent-1', 'agent_1_1700000000/1').status === 'True',
    );
  });

  it('marks new agents Asterisk rejected as not loaded, and only them', async () => {
    // New endpoints: an existing one whose new section is rejected keeps its old
    // configuration ("Retaining existing configuration"), so it stays listed.
    const list = agents(2).map((a, i) => ({ ...a, sipUsername: `fresh_${i}_1700000000` }));
    const good = render(list).objects;
    // An unknown option makes Asterisk drop that one endpoint (config-behaviour F)
    // while its Reload still answers Success.
    const objects = good.map((o) => ({
      ...o,
      files: Object.fromEntries(
        Object.entries(o.files).map(([f, text]) => {
          const body = text.split('\n').slice(2).join('\n');
          const bad = body.replace(
            /(\[fresh_1_1700000000\]\(switchboard-endpoint\)\n)/,
            '$1no_such_option = 1\n',
          );
          return [f, bad === body ? text : withMarker(f, bad)];
        }),
      ),
    }));
    assert.notDeepEqual(objects, good, 'the fixture changed a file');
    const version = configVersion(
      `v${++written}`,
      objects,
      versionAgents(checkAgents(list, spec).accepted, () => 1),
    );
    project(objects);
    applier.setDesired(version);
    await waitUntil(
      'agent-1 reported not loaded',
      async () => view.provisioned('ns', 'agent-1', 'fresh_1_1700000000/1').reason === 'NotLoaded',
    );
    assert.equal(view.provisioned('ns', 'agent-0', 'fresh_0_1700000000/1').status, 'True');
    assert.match(
      view.provisioned('ns', 'agent-1', 'fresh_1_1700000000/1').message,
      /no endpoint fresh_1_1700000000/,
    );
  });
});
