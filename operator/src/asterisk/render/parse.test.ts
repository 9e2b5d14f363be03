import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, getConfig, loadConfig, optionValue, optionValues } from './parse.ts';

const files = (map: Record<string, string>) => (path: string) => map[path];

describe('the config reader', () => {
  it('reads categories, both assignment forms, and comments with \\; escapes', () => {
    const c = loadConfig(
      'x.conf',
      files({
        'x.conf': '; heading\n[a]\nkey = v1 ; note\nexten => 1,1,NoOp(a\\;b)\n\n[b]\nk=v\n',
      }),
    );
    assert.deepEqual(
      c.categories.map((x) => [x.name, x.lines.map((l) => [l.key, l.value, l.object])]),
      [
        [
          'a',
          [
            ['key', 'v1', false],
            ['exten', '1,1,NoOp(a;b)', true],
          ],
        ],
        ['b', [['k', 'v', false]]],
      ],
    );
  });

  it('copies template lines first and hides templates from GetConfig', () => {
    const c = loadConfig(
      'x.conf',
      files({ 'x.conf': '[t](!)\ntype = endpoint\ndisallow = all\n[e](t)\nallow = opus\n' }),
    );
    const e = c.categories.find((x) => x.name === 'e');
    assert.deepEqual(optionValues(e, 'disallow'), ['all']);
    assert.equal(optionValue(e, 'type'), 'endpoint');
    assert.deepEqual(getConfig(c), [
      { category: 'e', lines: ['type=endpoint', 'disallow=all', 'allow=opus'] },
    ]);
  });

  it('appends with (+) and fails when the category does not exist yet', () => {
    const ok = loadConfig(
      'q.conf',
      files({
        'q.conf': '[q]\nstrategy = rrmemory\n#include more.conf\n',
        'more.conf': '[q](+)\nmember => A\n',
      }),
    );
    assert.deepEqual(getConfig(ok, 'q'), [
      { category: 'q', lines: ['strategy=rrmemory', 'member=A'] },
    ]);
    assert.throws(
      () => loadConfig('q.conf', files({ 'q.conf': '[q](+)\nmember => A\n' })),
      /Category addition requested/,
    );
  });

  it('fails on a missing #include and skips a missing #tryinclude', () => {
    assert.throws(
      () => loadConfig('p.conf', files({ 'p.conf': '[a]\nk = v\n#include gone.conf\n' })),
      ConfigError,
    );
    const c = loadConfig('p.conf', files({ 'p.conf': '[a]\nk = v\n#tryinclude gone.conf\n' }));
    assert.deepEqual(c.files, ['p.conf']);
  });

  it('warns about a line without "=" and rejects a value outside any category', () => {
    const c = loadConfig('w.conf', files({ 'w.conf': '[a]\nthis line has no equals sign\n' }));
    assert.equal(c.warnings.length, 1);
    assert.throws(() => loadConfig('n.conf', files({ 'n.conf': 'k = v\n' })), /No category/);
  });
});
