import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agent, load, render } from './fixtures.ts';
import { hashMarker, objectHash, objectMarkers, sha256, withMarker } from './marker.ts';
import { getConfig } from './parse.ts';

describe('content-hash markers', () => {
  const objects = render([agent(0), agent(1, { queues: ['billing'] })]);

  it('start every generated file and hash the rest of it', () => {
    for (const o of objects)
      for (const [file, content] of Object.entries(o.files)) {
        const m = hashMarker(file, content);
        assert.ok(m, `${file} has a marker`);
        const body = content.split('\n').slice(2).join('\n');
        assert.ok(m.value.includes(sha256(body)), `${file}: marker is sha256 of the body`);
      }
  });

  it('show through GetConfig, for every file, in one category per config file', () => {
    for (const o of objects)
      for (const m of objectMarkers(o)) {
        const shown = getConfig(load(objects, m.configFile), m.category).flatMap((c) => c.lines);
        assert.ok(shown.includes(`${m.key}=${m.value}`), `${o.name}: ${m.key} in ${m.configFile}`);
      }
    const count = (file: 'pjsip.conf' | 'extensions.conf' | 'queues.conf', category: string) =>
      getConfig(load(objects, file), category).flatMap((c) => c.lines).length;
    assert.equal(count('pjsip.conf', 'switchboard-hash'), 1 + 32 + 32);
    assert.equal(count('extensions.conf', 'switchboard-hash'), 1 + 32);
    assert.equal(count('queues.conf', 'general'), 1 + 1, 'base setting + ours');
  });

  it('name the module to reload for each file', () => {
    const main = objects[0];
    assert.ok(main);
    assert.deepEqual(
      objectMarkers(main).map((m) => [m.configFile, m.module]),
      [
        ['extensions.conf', 'pbx_config.so'],
        ['pjsip.conf', 'res_pjsip.so'],
        ['queues.conf', 'app_queue.so'],
        ['rtp.conf', 'res_rtp_asterisk.so'],
      ],
    );
  });

  it('are recognised only when they match the content', () => {
    const content = withMarker('pjsip_auth_00.conf', '\n[x]\ntype = auth\n');
    assert.ok(hashMarker('pjsip_auth_00.conf', content));
    assert.equal(hashMarker('pjsip_auth_00.conf', `${content}tampered = yes\n`), undefined);
    assert.equal(hashMarker('pjsip_auth_00.conf', '[x]\ntype = auth\n'), undefined);
  });

  it('give each object a hash over its files', () => {
    for (const o of objects) assert.equal(o.hash, objectHash(o.files));
    assert.notEqual(objectHash({ a: 'bc' }), objectHash({ ab: 'c' }), 'file boundaries count');
  });
});
