// The base configuration in asterisk/etc, loaded the way Asterisk loads it
// (the AMI test server's reader of main/config.c: #include, templates,
// GetConfig's view), together with a rendered configuration laid out as the
// Pod mounts it: /etc/asterisk with the generated files in switchboard/, the
// AMI Secret in ami/ and the DTLS Secret in dtls/. Pure: files in a temp dir.
import assert from 'node:assert/strict';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { agent, spec } from '../../operator/src/asterisk/render/fixtures.ts';
import {
  BASE_INCLUDES,
  type GeneratedObject,
  INCLUDE_DIR,
  objectMarkers,
  renderAsteriskConfig,
} from '../../operator/src/asterisk/render/index.ts';
import {
  type ConfigCategory,
  type ConfigSource,
  isFile,
  localPath,
  readConfig,
} from '../ami-server/config-reader.ts';
import { getConfigFields, selectCategories } from '../ami-server/get-config.ts';
import { loadPjsip, objectsOfType } from '../ami-server/pjsip-loader.ts';
import { repoRoot } from '../cluster/tools.ts';

const ASTERISK = join(repoRoot, 'asterisk');
const BASE = join(ASTERISK, 'etc');
const ETC = '/etc/asterisk';
/** Where the chart mounts the DTLS Secret; the operator's DTLS_MOUNT_DIR. */
const DTLS_DIR = `${ETC}/dtls`;
const AMI_USER = 'switchboard-operator';
const AMI_SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

const baseFiles = () => readdirSync(BASE).sort();
const baseText = (file: string) => readFileSync(join(BASE, file), 'utf8');
const lines = (c: ConfigCategory | undefined) => (c?.lines ?? []).map((l) => `${l.key}=${l.value}`);
const option = (c: ConfigCategory | undefined, key: string) =>
  c?.lines.findLast((l) => l.key === key)?.value;

/** The lines of a file that Asterisk acts on: comments and blank lines removed. */
function meaningful(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/(^|[^\\]);.*$/, '$1').trim())
    .filter((l) => l !== '');
}

const AGENTS = Array.from({ length: 12 }, (_, i) =>
  agent(i, { queues: i % 3 === 0 ? ['support', 'sales'] : ['support'] }),
);

describe('the base configuration with a rendered one, as the Pod mounts them', () => {
  let dir: string;
  let src: ConfigSource;
  let objects: GeneratedObject[];

  const read = (file: string) => {
    const r = readConfig(src, file);
    assert.ok(r.ok, `${file}: ${r.ok ? '' : r.reason} ${r.log.join('; ')}`);
    assert.deepEqual(r.log, [], `${file} loads without warnings`);
    return r.categories;
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'asterisk-base-'));
    src = { dir, etcDir: ETC };
    cpSync(BASE, dir, { recursive: true });
    objects = renderAsteriskConfig({
      namespace: 'support-center',
      config: spec(),
      agents: AGENTS,
      dtlsCertPath: DTLS_DIR,
    });
    mkdirSync(join(dir, INCLUDE_DIR));
    for (const o of objects)
      for (const [name, text] of Object.entries(o.files))
        writeFileSync(join(dir, INCLUDE_DIR, name), text);
    mkdirSync(join(dir, 'ami'));
    writeFileSync(
      join(dir, 'ami', 'manager_user.conf'),
      `[${AMI_USER}]\nsecret=${AMI_SECRET}\nread=system\nwrite=system\n`,
    );
    mkdirSync(join(dir, 'dtls'));
    writeFileSync(join(dir, 'dtls', 'tls.crt'), 'certificate\n');
    writeFileSync(join(dir, 'dtls', 'tls.key'), 'key\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loads every base file, each #include resolving, with no warning', () => {
    const files = baseFiles();
    assert.ok(files.length >= 10, files.join(' '));
    for (const file of files) {
      assert.match(
        file,
        /^[a-z0-9_]+\.conf$/,
        'only .conf files (the Dockerfile copies etc/*.conf)',
      );
      read(file);
    }
  });

  it('ends pjsip, extensions, queues and rtp with exactly the include LAYOUT.md asks for', () => {
    for (const [file, include] of Object.entries(BASE_INCLUDES)) {
      const text = meaningful(baseText(file));
      assert.equal(text.at(-1), include, `${file} ends with its include`);
      assert.equal(text.filter((l) => l.startsWith('#')).length, 1, `${file} includes only that`);
      for (const l of text)
        assert.ok(!/^\[switchboard-/.test(l), `${file} defines no switchboard-* section: ${l}`);
    }
    assert.deepEqual(meaningful(baseText('rtp.conf')), [BASE_INCLUDES['rtp.conf']]);
  });

  it('fails the whole file when a mounted file is missing (the include is real)', () => {
    rmSync(join(dir, INCLUDE_DIR, 'queues.conf'));
    try {
      const r = readConfig(src, 'queues.conf');
      assert.equal(r.ok, false);
      assert.equal(!r.ok && r.reason, 'invalid-format');
    } finally {
      const main = objects.find((o) => o.files['queues.conf'] !== undefined);
      writeFileSync(join(dir, INCLUDE_DIR, 'queues.conf'), main?.files['queues.conf'] ?? '');
    }
    assert.ok(readConfig(src, 'queues.conf').ok);
  });

  it("shows every generated file's content hash where GetConfig looks for it", () => {
    const markers = objects.flatMap(objectMarkers);
    const fileCount = objects.reduce((n, o) => n + Object.keys(o.files).length, 0);
    assert.equal(markers.length, fileCount, 'one marker per generated file');
    const answers = new Map<string, string[]>();
    for (const m of markers) {
      const key = `${m.configFile}/${m.category}`;
      let answer = answers.get(key);
      if (!answer) {
        // What `Action: GetConfig` with Filename and Category returns.
        const fields = getConfigFields(selectCategories(read(m.configFile), m.category, undefined));
        answer = fields.flatMap(([name, value]) => (name.startsWith('Line-') ? [value] : []));
        answers.set(key, answer);
      }
      assert.ok(answer.includes(`${m.key}=${m.value}`), `${m.configFile} [${m.category}] ${m.key}`);
    }
    assert.deepEqual(
      [...answers.keys()].sort(),
      [
        'extensions.conf/switchboard-hash',
        'pjsip.conf/switchboard-hash',
        'queues.conf/general',
        'rtp.conf/general',
      ],
      'four GetConfig calls cover every marker',
    );
  });

  it("puts queues.conf's own [general] first and defines no queue of its own", () => {
    const categories = read('queues.conf');
    const first = categories[0];
    assert.equal(first?.name, 'general');
    assert.deepEqual(
      [...new Set(first?.lines.map((l) => l.file))],
      [`${ETC}/queues.conf`],
      'app_queue reads only the first [general]: it must be the base one',
    );
    assert.equal(option(first, 'persistentmembers'), 'yes');
    for (const c of categories.slice(1)) {
      for (const l of c.lines)
        assert.ok(l.file.startsWith(`${ETC}/${INCLUDE_DIR}/`), `[${c.name}] ${l.key} is generated`);
      if (c.name === 'general')
        assert.ok(
          c.lines.every((l) => l.key.startsWith('switchboard-hash-')),
          'markers only',
        );
    }
    const support = categories.find((c) => c.name === 'support');
    assert.equal(support?.lines.filter((l) => l.key === 'member').length, 0, 'members are dynamic');
    assert.ok(categories.some((c) => c.name === 'sales'));
  });

  it("lets rtp.conf's generated [general] be the one res_rtp_asterisk reads", () => {
    const categories = read('rtp.conf');
    const general = categories.find((c) => c.name === 'general');
    assert.equal(categories[0], general);
    assert.equal(option(general, 'rtpstart'), '10000');
    assert.equal(option(general, 'icesupport'), 'yes');
  });

  it('loads every agent with res_pjsip next to the base [global] and [system], no error', () => {
    const categories = read('pjsip.conf');
    const readable = (path: string) => isFile(localPath(src, path));
    const { objects: pjsip, log } = loadPjsip(categories, new Map(), { readable });
    assert.deepEqual(log, []);
    assert.deepEqual(
      objectsOfType(pjsip, 'endpoint')
        .map((e) => e.id)
        .sort(),
      AGENTS.map((a) => a.sipUsername).sort(),
    );
    assert.equal(objectsOfType(pjsip, 'auth').length, AGENTS.length);
    assert.equal(objectsOfType(pjsip, 'global').length, 1);
    assert.equal(objectsOfType(pjsip, 'system').length, 1);
    assert.equal(pjsip.get('global/global')?.options.get('user_agent'), 'Switchboard');
  });

  it('keeps the dialplan [general] of the base and the generated contexts after it', () => {
    const categories = read('extensions.conf');
    assert.equal(categories[0]?.name, 'general');
    assert.deepEqual(lines(categories[0]), [
      'static=yes',
      'writeprotect=yes',
      'autofallthrough=yes',
      'clearglobalvars=no',
    ]);
    const agents = categories.find((c) => c.name === 'switchboard-agents');
    assert.ok(agents?.lines.some((l) => l.key === 'exten' && l.value.startsWith('117,')));
  });

  it('reads the AMI user from the mounted Secret as a category of its own', () => {
    const categories = read('manager.conf');
    assert.deepEqual(
      categories.map((c) => c.name),
      ['general', AMI_USER],
    );
    const general = categories[0];
    assert.equal(option(general, 'enabled'), 'yes');
    assert.equal(option(general, 'port'), '5038');
    assert.equal(option(general, 'bindaddr'), '0.0.0.0');
    assert.equal(option(general, 'displayconnects'), 'yes');
    assert.equal(option(general, 'webenabled'), 'no');
    assert.equal(option(general, 'secret'), undefined, 'the user does not leak into [general]');
    const user = categories[1];
    assert.equal(option(user, 'secret'), AMI_SECRET);
    assert.equal(option(user, 'read'), 'system');
    assert.equal(option(user, 'write'), 'system');
    assert.ok(user?.lines.every((l) => l.file === `${ETC}/ami/manager_user.conf`));
  });

  it('keeps AMI off when the AMI Secret is not mounted (manager.conf invalid as a whole)', () => {
    const file = join(dir, 'ami', 'manager_user.conf');
    const text = readFileSync(file, 'utf8');
    rmSync(file);
    try {
      const r = readConfig(src, 'manager.conf');
      assert.equal(r.ok, false);
      assert.equal(!r.ok && r.reason, 'invalid-format');
    } finally {
      writeFileSync(file, text);
    }
  });

  it('serves wss with the same certificate the endpoints use for DTLS', () => {
    const http = read('http.conf')[0];
    const template = read('pjsip.conf').find((c) => c.name === 'switchboard-endpoint');
    assert.equal(option(http, 'enabled'), 'yes');
    assert.equal(option(http, 'bindport'), '8088');
    assert.equal(option(http, 'tlsenable'), 'yes');
    assert.equal(option(http, 'tlsbindaddr'), '0.0.0.0:8089');
    assert.equal(option(http, 'tlscertfile'), option(template, 'dtls_cert_file'));
    assert.equal(option(http, 'tlsprivatekey'), option(template, 'dtls_private_key'));
    assert.equal(option(http, 'tlscertfile'), `${DTLS_DIR}/tls.crt`);
  });

  it('lets a large call center connect: each agent WebSocket is one HTTP session', () => {
    // Asterisk's default of 100 refuses the 101st agent's WebSocket
    assert.ok(Number(option(read('http.conf')[0], 'sessionlimit')) >= 1000);
  });

  it('loads exactly its listed modules and requires every module the operator reloads', () => {
    const modules = read('modules.conf')[0];
    // Nothing by autoload: a module with no configuration here would log errors at every reload.
    assert.equal(option(modules, 'autoload'), 'no');
    const required = new Set(modules?.lines.filter((l) => l.key === 'require').map((l) => l.value));
    const loaded = new Set(modules?.lines.filter((l) => l.key === 'load').map((l) => l.value));
    const noload = new Set(modules?.lines.filter((l) => l.key === 'noload').map((l) => l.value));
    for (const m of ['res_pjsip_config_wizard.so', 'app_voicemail.so', 'res_ari.so', 'cdr_csv.so'])
      assert.ok(!loaded.has(m) && !required.has(m), `${m} is not loaded`);
    for (const m of loaded) assert.ok(!required.has(m), `${m} is listed twice`);
    const reloaded = new Set(objects.flatMap(objectMarkers).map((m) => m.module));
    for (const m of reloaded) assert.ok(required.has(m), `${m} is required`);
    for (const m of [
      'chan_pjsip.so',
      'res_http_websocket.so',
      'res_pjsip_transport_websocket.so',
      'res_srtp.so',
    ])
      assert.ok(required.has(m), `${m} is required`);
    for (const m of required) assert.ok(!noload.has(m), `${m} is both required and noloaded`);
  });

  it('holds no secret in any base file or the image recipe', () => {
    const passwords = AGENTS.map((a) => a.sipPassword);
    for (const file of [...baseFiles().map((f) => join(BASE, f)), join(ASTERISK, 'Dockerfile')]) {
      const text = readFileSync(file, 'utf8');
      for (const l of meaningful(text)) {
        assert.ok(!/^(secret|password|md5_cred)\s*=/i.test(l), `${file}: ${l}`);
        assert.ok(!/^type\s*=\s*auth\b/i.test(l), `${file}: no auth section`);
      }
      assert.ok(!/\b[0-9a-f]{32}\b/i.test(text), `${file} holds no 32-hex credential`);
      for (const p of [AMI_SECRET, ...passwords]) assert.ok(!text.includes(p), file);
    }
  });

  it('builds Asterisk 22 from source on Debian, runs it unprivileged in the foreground', () => {
    // The image recipe users build with `docker build` and tools/images/build.sh
    // builds here: the build stage runs the source build make run and the tests
    // use (tools/asterisk/build.sh), the runtime stage gets only its result.
    const docker = meaningful(
      readFileSync(join(ASTERISK, 'Dockerfile'), 'utf8').replace(/#.*$/gm, ''),
    );
    const text = docker.join('\n');
    assert.match(text, /^ARG BUILD_BASE=debian:bookworm$/m, 'builds on Debian 12');
    assert.match(text, /^ARG BASE=debian:bookworm-slim$/m, 'runs on slim Debian 12');
    assert.match(text, /^FROM \$\{BUILD_BASE\} AS build$/m);
    assert.match(text, /tools\/asterisk\/build\.sh --destdir \/out/);
    const at = text.search(/^FROM \$\{BASE\}$/m);
    assert.ok(at > 0, 'a runtime stage after the build stage');
    const runtime = text.slice(at);
    assert.doesNotMatch(
      runtime,
      /build-essential|-dev\b|\bmake\b|\bgcc\b/,
      'no compiler at run time',
    );
    assert.match(runtime, /rm -rf \/var\/lib\/apt\/lists/, 'no package lists left');
    const uid = /^ARG ASTERISK_UID=(\d+)$/m.exec(text)?.[1];
    assert.ok(uid && Number(uid) > 0, 'a numeric, non-root UID (runAsNonRoot checks it)');
    assert.match(text, /^USER \$\{ASTERISK_UID\}:\$\{ASTERISK_GID\}$/m);
    assert.match(text, /^COPY [^\n]*asterisk\/etc\/\*\.conf \/etc\/asterisk\/$/m);
    assert.match(text, /^ENTRYPOINT \["\/usr\/sbin\/asterisk", "-f"/m);
  });
});
