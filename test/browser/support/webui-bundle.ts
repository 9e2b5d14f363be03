// Bundles the web UI (webui/src/index.ts) and the embeddable call button the
// way scripts/build.ts does, into a folder of the test's own, so browser tests
// always run the current source and never race another test's build of dist/webui.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { embedBuild, webuiBuild } from '../../../scripts/build-options.ts';

export async function bundleWebUi(): Promise<string> {
  const outdir = mkdtempSync(join(tmpdir(), 'switchboard-webui-'));
  await build({ ...webuiBuild, outdir, sourcemap: false, metafile: false });
  // the embeddable call button, where the operator serves it from (web/embed.ts)
  await build({
    ...embedBuild,
    outfile: join(outdir, 'embed/call-button.js'),
    sourcemap: false,
    metafile: false,
  });
  return outdir;
}
