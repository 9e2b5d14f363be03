import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ConfigSource, isRestricted, localPath, readConfig } from './config-reader.ts';
import { configJson, getConfigFields, selectCategories } from './get-config.ts';

let dir: string;
let src: ConfigSource;
const write = (file: string, text: string) => writeFileSync(join(dir, file), text);

function categories(file: string) {
  const r = readConfig(src, file);
  assert.ok(r.ok, `read ${file}: ${r.log.join('; ')}`);
  return r.categories.map((c) => [c.name, ...c.lines.map((l) => `${l.key}=${l.value}`)]);
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'ami-reader-'));
  src = { dir, etcDir: '/etc/asterisk' };
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('reading a config file', () => {
  it('keeps key=value lines, never comments', () => {
    write(
      'c.conf',
      '; header\n[a] ; trailing\nkey = value ; comment\nexten => 600,1,Answer()\nsemi = a\\;b\n;-- block\n[hidden]\n--;\nafter=1\n',
    );
    assert.deepEqual(categories('c.conf'), [
      ['a', 'key=value', 'exten=600,1,Answer()', 'semi=a;b', 'after=1'],
    ]);
  });

  it('is read from disk at every call', () => {
    write('n.conf', '[one]\nk=1\n');
    assert.deepEqual(categories('n.conf'), [['one', 'k=1']]);
    write('n.conf', '[two]\nk=2\n');
    assert.deepEqual(categories('n.conf'), [['two', 'k=2']]);
  });

  it('merges #include and #tryinclude in place, relative to the config directory', () => {
    mkdirSync(join(dir, 'sub'), { recursive: true });
    write('sub/inner.conf', 'more=1\n[inner]\nx=1\n#include sub/deeper.conf\n');
    write('sub/deeper.conf', '[deeper]\ny=2\n');
    write(
      'main.conf',
      '[a]\nk=1\n#include "sub/inner.conf"\nk2=2\n#tryinclude nothing.conf\n[b]\n',
    );
    // An included file goes on with the open category; the includer keeps its own.
    assert.deepEqual(categories('main.conf'), [
      ['a', 'k=1', 'more=1', 'k2=2'],
      ['inner', 'x=1'],
      ['deeper', 'y=2'],
      ['b'],
    ]);
  });

  it('makes the whole file invalid when an #include is missing (config-behaviour K)', () => {
    write('k.conf', '[a]\nk=1\n#include pjsip_missing_file.conf\n');
    const r = readConfig(src, 'k.conf');
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.reason, 'invalid-format');
    assert.deepEqual(r.log, [
      "ERROR config.c: The file 'pjsip_missing_file.conf' was listed as a #include but it does not exist.",
    ]);
  });

  it('warns about a line without "=" and ignores it (config-behaviour I)', () => {
    write('i.conf', '[wt]\ntype=aor\nthis line has no equals sign\nmax_contacts=1\n');
    const r = readConfig(src, 'i.conf');
    assert.ok(r.ok);
    assert.deepEqual(r.log, [
      "WARNING config.c: No '=' (equal sign) in line 3 of /etc/asterisk/i.conf",
    ]);
    assert.deepEqual(categories('i.conf'), [['wt', 'type=aor', 'max_contacts=1']]);
  });

  it('rejects lines before any category and unclosed brackets', () => {
    write('bad1.conf', 'key=value\n[a]\n');
    write('bad2.conf', '[a\n');
    assert.equal(readConfig(src, 'bad1.conf').ok, false);
    assert.equal(readConfig(src, 'bad2.conf').ok, false);
    assert.deepEqual(readConfig(src, 'none.conf'), { ok: false, reason: 'not-found', log: [] });
  });

  it('stops #include loops at 10 levels below the top file (checked in agreement.test.ts)', () => {
    write('loop.conf', '[a]\n#include loop.conf\nafter = yes\n');
    const r = readConfig(src, 'loop.conf');
    assert.ok(r.ok, 'only the deepest file is invalid; its includers go on');
    assert.equal(r.categories.length, 11);
    assert.deepEqual(r.categories.at(-1)?.lines.length, 0);
    assert.ok(r.log.includes('WARNING config.c: Maximum Include level (10) exceeded'));
  });

  it('copies template lines first, hides templates, and fails on a missing template', () => {
    write(
      't.conf',
      '[tpl](!)\ntype=endpoint\nwebrtc=yes\n[agent](tpl)\nauth=agent\n[plus]\na=1\n[plus](+)\nb=2\n',
    );
    const r = readConfig(src, 't.conf');
    assert.ok(r.ok);
    const shown = selectCategories(r.categories, undefined, undefined);
    assert.deepEqual(
      shown.map((c) => c.name),
      ['agent', 'plus'],
    );
    assert.deepEqual(getConfigFields(shown.slice(0, 1)), [
      ['Category-000000', 'agent'],
      ['Templates-000000', 'tpl'],
      ['Line-000000-000000', 'type=endpoint'],
      ['Line-000000-000001', 'webrtc=yes'],
      ['Line-000000-000002', 'auth=agent'],
    ]);
    assert.equal(
      configJson(shown),
      '{"agent":{"templates":"tpl","type":"endpoint","webrtc":"yes","auth":"agent"},"plus":{"a":"1","b":"2"}}',
    );
    write('t2.conf', '[agent](nosuch)\nauth=agent\n');
    assert.equal(readConfig(src, 't2.conf').ok, false);
  });

  it('filters as config.c does (main_08, main_09; checked in agreement.test.ts)', () => {
    write(
      'f.conf',
      '[x]\ntype=endpoint\n[x]\ntype=aor\n[y]\ntype=endpoint\nauth=y\n[t](!)\ntype=endpoint\n',
    );
    const r = readConfig(src, 'f.conf');
    assert.ok(r.ok);
    const names = (cat?: string, filter?: string) =>
      selectCategories(r.categories, cat, filter).map((c) => `${c.name}:${c.lines[0]?.value}`);
    assert.deepEqual(names('x'), ['x:endpoint', 'x:aor']);
    assert.deepEqual(
      names('X'),
      ['x:endpoint', 'x:aor'],
      'category names compare case-insensitively',
    );
    assert.deepEqual(names(undefined, 'type=endpoint'), ['x:endpoint', 'y:endpoint']);
    assert.deepEqual(
      names(undefined, 'type=endpoint,auth=y'),
      ['y:endpoint'],
      'every pair must match',
    );
    assert.deepEqual(names(undefined, 'type=endpoint,foo=bar'), []);
    assert.deepEqual(names(undefined, 'type=^a'), ['x:aor'], 'unanchored regular expressions');
    assert.deepEqual(names(undefined, 'type'), [], 'an expression without "=" matches nothing');
    assert.deepEqual(names(undefined, 'TEMPLATES=include,type=endpoint'), [
      'x:endpoint',
      'y:endpoint',
      't:endpoint',
    ]);
    assert.deepEqual(names(undefined, 'TEMPLATES=restrict'), ['t:endpoint']);
  });
});

describe('which files GetConfig may read', () => {
  it('refuses existing files outside the config directory, following symlinks', () => {
    write('inside.conf', '[a]\n');
    symlinkSync('/etc/passwd', join(dir, 'escape.conf'));
    // Kubernetes mounts a ConfigMap as symlinks into a ..data directory: that stays inside.
    mkdirSync(join(dir, 'mount', '..2026_11_23'), { recursive: true });
    writeFileSync(join(dir, 'mount', '..2026_11_23', 'x.conf'), '[x]\n');
    symlinkSync('..2026_11_23', join(dir, 'mount', '..data'));
    symlinkSync('..data/x.conf', join(dir, 'mount', 'x.conf'));
    assert.equal(isRestricted(src, '/etc/passwd'), true);
    assert.equal(isRestricted(src, 'escape.conf'), true);
    assert.equal(isRestricted(src, '../../etc/passwd'), true);
    assert.equal(isRestricted(src, 'inside.conf'), false);
    assert.equal(isRestricted(src, 'mount/x.conf'), false);
    assert.equal(isRestricted(src, 'no_such_file.conf'), false, 'missing: "not found" instead');
  });

  it('maps absolute paths under /etc/asterisk into the directory', () => {
    assert.equal(localPath(src, '/etc/asterisk/keys/a.pem'), join(dir, 'keys/a.pem'));
    assert.equal(localPath(src, '/etc/passwd'), '/etc/passwd');
    assert.equal(localPath(src, 'pjsip.conf'), join(dir, 'pjsip.conf'));
  });
});
