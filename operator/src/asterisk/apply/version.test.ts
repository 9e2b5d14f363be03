import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agent, spec as fixtureSpec } from '../render/fixtures.ts';
import { checkAgents, renderAsteriskConfig } from '../render/index.ts';
import type { RenderAgent } from '../render/types.ts';
import {
  changedModules,
  configVersion,
  invisibleFiles,
  markerLine,
  markerQueries,
  queryKey,
  versionAgents,
} from './version.ts';

const spec = fixtureSpec();

const version = (id: string, agents: RenderAgent[]) =>
  configVersion(
    id,
    renderAsteriskConfig({ namespace: 'ns', config: spec, agents }),
    versionAgents(checkAgents(agents, spec).accepted, () => 1),
  );

describe('config versions', () => {
  const v1 = version('v1', [agent(1), agent(2)]);

  it('has a marker for every generated file and one GetConfig per file family', () => {
    assert.equal(v1.markers.size, 4 + 32 * 3);
    assert.deepEqual(
      markerQueries(v1)
        .map((q) => `${q.configFile} ${q.category}`)
        .sort(),
      [
        'extensions.conf switchboard-hash',
        'pjsip.conf switchboard-hash',
        'queues.conf general',
        'rtp.conf general',
      ],
    );
    assert.equal(v1.agents.get('agent-1'), 'agent_1_1700000000/1');
  });

  it('reloads only the modules whose files changed', () => {
    assert.deepEqual(changedModules(v1, v1), []);
    const codec = version('v2', [agent(1, { codecs: ['ulaw'] }), agent(2)]);
    assert.deepEqual(changedModules(v1, codec), ['res_pjsip.so']);
    const queue = version('v3', [agent(1, { queues: ['billing'] }), agent(2)]);
    assert.deepEqual(changedModules(v1, queue), ['app_queue.so']);
    const ext = version('v4', [agent(1, { extension: 1500 }), agent(2)]);
    assert.deepEqual(
      changedModules(v1, ext),
      ['res_pjsip.so', 'pbx_config.so'],
      'caller ID and dialplan',
    );
    assert.deepEqual(changedModules(undefined, v1), [
      'res_pjsip.so',
      'pbx_config.so',
      'app_queue.so',
      'res_rtp_asterisk.so',
    ]);
  });

  it('names the files whose marker GetConfig does not show yet', () => {
    const visible = new Map<string, Set<string>>();
    for (const m of v1.markers.values()) {
      const k = queryKey(m);
      visible.set(k, (visible.get(k) ?? new Set()).add(markerLine(m)));
    }
    assert.deepEqual(invisibleFiles(v1, visible), []);
    const v2 = version('v2', [agent(1, { codecs: ['ulaw'] }), agent(2)]);
    const stale = invisibleFiles(v2, visible);
    assert.equal(stale.length, 1);
    assert.match(stale[0] ?? '', /^pjsip_endpoints_\d\d\.conf$/);
  });
});
