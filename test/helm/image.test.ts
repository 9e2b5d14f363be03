// The operator image recipe (Dockerfile): what it builds from and what ends up
// in the runtime stage. No container engine runs here, so the checks are on
// the recipe and on the bundle it ships: the operator bundle imports nothing at
// run time but Node built-ins (the image has no node_modules), and everything
// esbuild reads must be inside the build context the Dockerfile copies.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { operatorBuild, webuiBuild } from '../../scripts/build-options.ts';
import { repoRoot } from '../cluster/tools.ts';

const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');

/**
 * The Dockerfile's stages: FROM line as written (`raw`) and with the global
 * ARGs' defaults put in (`from`: what `docker build` without --build-arg
 * uses), and instructions (continuations joined).
 */
function stages(): { from: string; raw: string; lines: string[] }[] {
  const lines = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const args = new Map<string, string>();
  const out: { from: string; raw: string; lines: string[] }[] = [];
  for (const line of lines) {
    const arg = /^ARG (\w+)=(\S+)$/.exec(line);
    if (arg?.[1] && arg[2] && out.length === 0) args.set(arg[1], arg[2]);
    else if (line.startsWith('FROM ')) {
      const from = line.replace(/\$\{(\w+)\}/g, (_, name: string) => args.get(name) ?? '');
      out.push({ from, raw: line, lines: [] });
    } else out.at(-1)?.lines.push(line);
  }
  return out;
}

/** What scripts/build.ts would bundle, without writing it. */
async function metafile(options: BuildOptions): Promise<Metafile> {
  const result = await build({ ...options, write: false, logLevel: 'silent' });
  return result.metafile ?? assert.fail('esbuild returned no metafile');
}

describe('operator image (Dockerfile)', () => {
  it('builds in Node 24 stages and runs on distroless Node 24 as a numeric non-root user', () => {
    const all = stages();
    assert.equal(all.length, 2);
    assert.match(all[0]?.from ?? '', /^FROM node:24-/);
    const runtime = all.at(-1);
    assert.ok(runtime);
    assert.match(runtime.from, /^FROM gcr\.io\/distroless\/nodejs24-debian\d+:nonroot$/);
    const user = runtime.lines.find((l) => l.startsWith('USER '));
    assert.match(user ?? '', /^USER [1-9]\d*:[1-9]\d*$/);
    assert.ok(runtime.lines.some((l) => /^ENTRYPOINT \[.*"dist\/operator\/main\.mjs"\]$/.test(l)));
  });

  it('takes both bases from build arguments, so tools/images/build.sh can pass its own', () => {
    const [build, runtime, ...rest] = stages().map((s) => s.raw);
    assert.match(build ?? '', /^FROM \$\{BUILD_BASE\} AS build$/);
    assert.match(runtime ?? '', /^FROM \$\{BASE\}$/);
    assert.deepEqual(rest, []);
  });

  it('ships only the bundles, the web UI page and package.json (no node_modules)', () => {
    const runtime = stages().at(-1);
    const copies = runtime?.lines.filter((l) => l.startsWith('COPY ')) ?? [];
    assert.deepEqual(copies, [
      'COPY package.json ./package.json',
      'COPY --from=build /src/dist ./dist',
      'COPY webui/index.html ./webui/index.html',
    ]);
    assert.ok(!/npm ci\b/.test(dockerfile), 'npm ci refuses this lockfile (see Makefile)');
    const entrypoint = runtime?.lines.find((l) => l.startsWith('ENTRYPOINT')) ?? '';
    assert.ok(!entrypoint.includes('--enable-source-maps'), 'source maps cost ~90 MiB at start');
  });

  it('bundles every npm package: at run time the operator imports only Node built-ins', async () => {
    const meta = await metafile(operatorBuild);
    const builtins = new Set(builtinModules);
    const external = new Set<string>();
    for (const out of Object.values(meta.outputs))
      for (const i of out.imports)
        if (i.external && !i.path.startsWith('node:') && !builtins.has(i.path))
          external.add(i.path);
    // Optional packages ws and debug require inside try/catch and do without when
    // absent (as in the image); esbuild leaves such requires unresolved. pg
    // (the history database) requires pg-native only when asked for its native
    // binding (pg.native, NODE_PG_FORCE_NATIVE), which the operator never does.
    const optional = new Set(['bufferutil', 'utf-8-validate', 'supports-color', 'pg-native']);
    assert.deepEqual(
      [...external].filter((p) => !optional.has(p)),
      [],
    );
    const inputs = Object.keys(meta.inputs);
    assert.ok(
      inputs.some((p) => p.includes('node_modules/@kubernetes/client-node/')),
      'the scan sees the bundled packages',
    );
    for (const p of inputs)
      assert.ok(!p.includes('node_modules/node/'), 'the npm "node" package is not bundled');
  });

  it('builds from what the Dockerfile copies and .dockerignore lets through', async () => {
    const inputs = [
      ...Object.keys((await metafile(operatorBuild)).inputs),
      ...Object.keys((await metafile(webuiBuild)).inputs),
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
