// Bundles the web UI (webui/src/index.ts) the way scripts/build.ts does, into
// a folder of the test's own, so browser tests always run the current source
// and never race another test's build of dist/webui.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { repoRoot } from '../../cluster/tools.ts';

export async function bundleWebUi(): Promise<string> {
  const outdir = mkdtempSync(join(tmpdir(), 'switchboard-webui-'));
  await build({
    entryPoints: [join(repoRoot, 'webui/src/index.ts')],
    outdir,
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'esm',
    minify: true,
    logLevel: 'warning',
  });
  return outdir;
}
