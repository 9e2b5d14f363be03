// The images tools/images/build.sh builds (Dockerfile, asterisk/Dockerfile on
// Debian bases made with mmdebstrap), checked by reading their OCI archives:
// the config a kubelet runs them with, what the layers hold and what they must
// not (compilers, package caches), and that the binaries inside are the ones
// wanted (Node 24, Asterisk 22.10.1 with every module modules.conf loads).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot } from '../cluster/tools.ts';
import { type OciImage, openImage, projectImages, projectImageTarballs, sizes } from './oci.ts';

const run = promisify(execFile);
const MiB = 1 << 20;

/** Paths no runtime image may hold: compilers, headers, apt's downloads and lists. */
function buildLeftovers(image: OciImage): string[] {
  return [...image.files.values()]
    .filter(
      (e) =>
        e.type !== 'd' &&
        (/^usr\/bin\/(gcc|g\+\+|cc|c\+\+|ld|as|make)(-\d+)?$/.test(e.path) ||
          /^usr\/bin\/x86_64-linux-gnu-gcc/.test(e.path) ||
          /^usr\/include\//.test(e.path) ||
          /^usr\/lib\/gcc\//.test(e.path) ||
          /^var\/cache\/apt\/.*\.(deb|bin)$/.test(e.path) ||
          /^var\/lib\/apt\/lists\/.+/.test(e.path) ||
          /^root\/\.npm\//.test(e.path)),
    )
    .map((e) => e.path);
}

function report(name: string, image: OciImage): void {
  const { total, byTop } = sizes(image);
  const top = [...byTop]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([dir, bytes]) => `${dir} ${(bytes / MiB).toFixed(1)}`)
    .join(', ');
  console.log(
    `${name}: ${(image.compressedBytes / MiB).toFixed(1)} MiB compressed, ${(total / MiB).toFixed(1)} MiB unpacked, ${image.layers.length} layers (MiB: ${top})`,
  );
}

describe('image archives', () => {
  it('name their image by its key, for `ctr images import --base-name localhost/<name>`', async () => {
    const tarballs = await projectImageTarballs();
    assert.deepEqual(tarballs.map((t) => t.name).sort(), [
      'switchboard-asterisk',
      'switchboard-operator',
    ]);
    for (const t of tarballs) {
      const { stdout } = await run('tar', ['-xOf', t.tarball, 'index.json']);
      const index = JSON.parse(stdout) as {
        manifests: { annotations?: Record<string, string> }[];
      };
      assert.equal(index.manifests.length, 1, 'one image per archive');
      const tag = index.manifests[0]?.annotations?.['org.opencontainers.image.ref.name'];
      assert.equal(`localhost/${t.name}:${tag}`, t.ref);
    }
  });
});

describe('operator image', () => {
  let image: OciImage;
  before(async () => {
    image = await openImage((await projectImages()).operator);
    report('switchboard-operator', image);
  });
  after(() => image?.close());

  it('runs the bundle with Node as UID/GID 65532, serving HTTP on 8080', () => {
    assert.equal(image.config.User, '65532:65532');
    assert.deepEqual(image.config.Entrypoint, ['/nodejs/bin/node', 'dist/operator/main.mjs']);
    assert.equal(image.config.WorkingDir, '/app');
    assert.deepEqual(Object.keys(image.config.ExposedPorts ?? {}), ['8080/tcp']);
    assert.ok(image.config.Env?.includes('NODE_ENV=production'));
  });

  it('holds the bundles, the web UI page and package.json, no node_modules, no shell', () => {
    for (const p of ['app/dist/operator/main.mjs', 'app/webui/index.html', 'app/package.json'])
      assert.equal(image.files.get(p)?.type, '-', p);
    assert.ok(
      [...image.files.keys()].some((p) => /^app\/dist\/webui\/.+\.js$/.test(p)),
      'the web UI bundle',
    );
    const modules = [...image.files.keys()].filter((p) => p.includes('node_modules'));
    assert.deepEqual(modules, []);
    for (const shell of ['bin/sh', 'usr/bin/sh', 'bin/bash', 'usr/bin/bash'])
      assert.ok(!image.files.has(shell), shell);
    assert.deepEqual(buildLeftovers(image), []);
    // Nothing under /app is writable by the user it runs as.
    for (const [p, e] of image.files)
      if (p.startsWith('app/')) assert.ok(e.uid === 0 && (e.mode & 0o002) === 0, p);
  });

  it('is Node 24 from the npm package `node`, the one the project runs on', async () => {
    const node = image.files.get('nodejs/bin/node');
    assert.equal(node?.type, '-');
    assert.ok(((node?.mode ?? 0) & 0o111) !== 0, 'executable');
    const dir = await image.extract(['nodejs/bin/node']);
    const { stdout } = await run(join(dir, 'nodejs/bin/node'), ['--version']);
    assert.match(stdout.trim(), /^v24\./);
    assert.equal(stdout.trim(), process.version, 'the same Node as node_modules/.bin/node');
    const passwd = await image.extract(['etc/passwd']);
    assert.match(readFileSync(join(passwd, 'etc/passwd'), 'utf8'), /^nonroot:x:65532:65532:/m);
  });

  it('stays small: Node and the bundles', () => {
    const { total } = sizes(image);
    assert.ok(total < 200 * MiB, `${(total / MiB).toFixed(0)} MiB unpacked`);
    assert.ok(image.compressedBytes < 80 * MiB, `${image.compressedBytes / MiB} MiB compressed`);
  });
});

describe('Asterisk image', () => {
  let image: OciImage;
  before(async () => {
    image = await openImage((await projectImages()).asterisk);
    report('switchboard-asterisk', image);
  });
  after(() => image?.close());

  it('runs Asterisk in the foreground as UID/GID 10000 with its ports', () => {
    assert.equal(image.config.User, '10000:10000');
    assert.deepEqual(image.config.Entrypoint, ['/usr/sbin/asterisk', '-f', '-n']);
    const ports = Object.keys(image.config.ExposedPorts ?? {});
    for (const p of ['5038/tcp', '8088/tcp', '8089/tcp'])
      assert.ok(ports.includes(p), `${p} in ${ports}`);
    assert.ok(
      ports.some((p) => p.startsWith('10000') && p.endsWith('/udp')),
      `RTP range in ${ports}`,
    );
  });

  it('is Asterisk 22.10.1 with every module modules.conf loads', async () => {
    assert.equal(image.files.get('usr/sbin/asterisk')?.type, '-');
    const modulesConf = readFileSync(join(repoRoot, 'asterisk/etc/modules.conf'), 'utf8');
    const wanted = [...modulesConf.matchAll(/^(?:load|require)\s*=>?\s*([a-z0-9_]+\.so)/gm)].map(
      (m) => m[1],
    );
    assert.ok(wanted.length > 20, 'modules.conf lists the modules');
    for (const m of [...wanted, 'cdr_pgsql.so', 'cel_pgsql.so'])
      assert.equal(image.files.get(`usr/lib/asterisk/modules/${m}`)?.type, '-', m);
    const libs = [...image.files.keys()].filter((p) => /^usr\/lib\/libasterisk\w+\.so/.test(p));
    const dir = await image.extract(['usr/sbin/asterisk', ...libs]);
    const { stdout } = await run(join(dir, 'usr/sbin/asterisk'), ['-V'], {
      env: { ...process.env, LD_LIBRARY_PATH: join(dir, 'usr/lib') },
    });
    assert.equal(stdout.trim(), 'Asterisk 22.10.1');
  });

  it('has the generated sounds and music on hold', () => {
    for (const p of [
      'var/lib/asterisk/sounds/en/queue-thankyou.ulaw',
      'var/lib/asterisk/sounds/en/demo-echotest.wav',
      'var/lib/asterisk/sounds/en/digits/1.ulaw',
      'var/lib/asterisk/moh/switchboard-1.wav',
    ])
      assert.ok((image.files.get(p)?.size ?? 0) > 0, p);
  });

  it('keeps the layout and permissions the chart relies on', () => {
    const at = (p: string) => image.files.get(p) ?? assert.fail(`${p} missing`);
    const etc = at('etc/asterisk');
    assert.deepEqual([etc.uid, etc.gid, etc.mode], [0, 10000, 0o750]);
    for (const d of ['switchboard', 'dtls', 'ami', 'history']) {
      const e = at(`etc/asterisk/${d}`);
      assert.deepEqual([e.type, e.uid, e.gid, e.mode], ['d', 0, 10000, 0o750], d);
    }
    for (const d of [
      'var/lib/asterisk/db',
      'var/spool/asterisk',
      'var/log/asterisk',
      'run/asterisk',
    ]) {
      const e = at(d);
      assert.deepEqual([e.type, e.uid, e.gid, e.mode], ['d', 10000, 10000, 0o750], d);
    }
    const confs = [...image.files.values()].filter((e) =>
      /^etc\/asterisk\/[^/]+\.conf$/.test(e.path),
    );
    assert.ok(confs.some((e) => e.path === 'etc/asterisk/pjsip.conf'));
    for (const e of confs) assert.deepEqual([e.uid, e.gid, e.mode], [0, 10000, 0o440], e.path);
    assert.equal(at('var/run').type, 'l', '/var/run stays the link to /run');
  });

  it('holds no compiler, headers or package caches and stays small', () => {
    assert.deepEqual(buildLeftovers(image), []);
    const { total } = sizes(image);
    assert.ok(total < 200 * MiB, `${(total / MiB).toFixed(0)} MiB unpacked`);
    assert.ok(image.compressedBytes < 80 * MiB, `${image.compressedBytes / MiB} MiB compressed`);
  });
});
