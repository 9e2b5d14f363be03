// The operator image recipe (Dockerfile): what it builds from and what ends up
// in the runtime stage. No container engine runs here, so the checks are on
// the recipe and on the bundle it ships: everything the bundle imports at run
// time must be a production dependency, and everything esbuild reads must be
// inside the build context the Dockerfile copies.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { build, type Metafile } from 'esbuild';
import { repoRoot } from '../cluster/tools.ts';

const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** The Dockerfile's stages: FROM line and instructions (continuations joined). */
function stages(): { from: string; lines: string[] }[] {
  const lines = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const out: { from: string; lines: string[] }[] = [];
  for (const line of lines) {
    if (line.startsWith('FROM ')) out.push({ from: line, lines: [] });
    else out.at(-1)?.lines.push(line);
  }
  return out;
}

async function metafile(entry: string, platform: 'node' | 'browser'): Promise<Metafile> {
  const result = await build({
    entryPoints: [join(repoRoot, entry)],
    bundle: true,
    platform,
    format: 'esm',
    target: platform === 'node' ? 'node24' : 'es2022',
    ...(platform === 'node' ? { packages: 'external' as const } : {}),
    write: false,
    metafile: true,
    outdir: join(repoRoot, 'dist', 'image-test'),
    logLevel: 'silent',
  });
  return result.metafile;
}

describe('operator image (Dockerfile)', () => {
  it('builds in Node 24 stages and runs on distroless Node 24 as a numeric non-root user', () => {
    const all = stages();
    assert.equal(all.length, 3);
    for (const s of all.slice(0, 2)) assert.match(s.from, /^FROM node:24-/);
    const runtime = all.at(-1);
    assert.ok(runtime);
    assert.match(runtime.from, /^FROM gcr\.io\/distroless\/nodejs24-debian\d+:nonroot$/);
    const user = runtime.lines.find((l) => l.startsWith('USER '));
    assert.match(user ?? '', /^USER [1-9]\d*:[1-9]\d*$/);
    assert.ok(runtime.lines.some((l) => /^ENTRYPOINT \[.*"dist\/operator\/main\.mjs"\]$/.test(l)));
  });

  it('ships only the bundle, the web UI page, package.json and production dependencies', () => {
    const runtime = stages().at(-1);
    const copies = runtime?.lines.filter((l) => l.startsWith('COPY ')) ?? [];
    assert.deepEqual(copies, [
      'COPY --from=deps /app/package.json ./package.json',
      'COPY --from=deps /app/node_modules ./node_modules',
      'COPY --from=build /src/dist ./dist',
      'COPY webui/index.html ./webui/index.html',
    ]);
    const deps = stages()[1]?.lines.join('\n') ?? '';
    assert.match(deps, /npm install --omit=dev/);
    assert.match(deps, /npm pkg delete dependencies\.node/);
    assert.ok(!/npm ci\b/.test(dockerfile), 'npm ci refuses this lockfile (see Makefile)');
  });

  it('imports at run time only production dependencies and Node built-ins', async () => {
    const meta = await metafile('operator/src/main.ts', 'node');
    const external = new Set<string>();
    for (const out of Object.values(meta.outputs))
      for (const i of out.imports) if (i.external) external.add(i.path);
    const builtins = new Set(builtinModules);
    const packages = [...external]
      .filter((p) => !p.startsWith('node:') && !builtins.has(p))
      .map((p) =>
        p.startsWith('@') ? p.split('/').slice(0, 2).join('/') : (p.split('/')[0] ?? p),
      );
    assert.ok(packages.includes('@kubernetes/client-node'), 'the scan sees the bundle imports');
    for (const name of new Set(packages)) {
      assert.ok(
        name in pkg.dependencies,
        `${name} is imported at run time but is not a dependency`,
      );
      assert.ok(name !== 'node', 'the npm "node" package is not a run-time import');
    }
  });

  it('builds from what the Dockerfile copies and .dockerignore lets through', async () => {
    const inputs = [
      ...Object.keys((await metafile('operator/src/main.ts', 'node')).inputs),
      ...(existsSync(join(repoRoot, 'webui/src/index.ts'))
        ? Object.keys((await metafile('webui/src/index.ts', 'browser')).inputs)
        : []),
    ].map((p) => relative(repoRoot, join(repoRoot, p)));
    const copied = ['operator/src/', 'webui/', 'node_modules/'];
    const outside = inputs.filter((p) => !copied.some((dir) => p.startsWith(dir)));
    assert.deepEqual(outside, [], 'bundle inputs the image build would not have');
    const ignored = readFileSync(join(repoRoot, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const needed of [
      'operator',
      'webui',
      'scripts',
      'package.json',
      'package-lock.json',
      'tsconfig.json',
    ])
      assert.ok(!ignored.includes(needed), `.dockerignore drops ${needed}`);
    for (const heavy of ['node_modules', 'dist', '.git', 'test', '**/*.test.ts'])
      assert.ok(ignored.includes(heavy), `.dockerignore lets ${heavy} into the build context`);
  });
});
