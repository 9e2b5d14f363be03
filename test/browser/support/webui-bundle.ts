// Bundles the web UI (webui/src/index.ts) and the embeddable call button the
// way scripts/build.ts does, into a folder of the test's own, so browser tests
// always run the current source and never race another test's build of dist/webui.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { embedBuild } from '../../../scripts/build-options.ts';
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
  // the embeddable call button, where the operator serves it from (web/embed.ts)
  await build({
    ...embedBuild,
    outfile: join(outdir, 'embed/call-button.js'),
    sourcemap: false,
    metafile: false,
  });
  return outdir;
}
