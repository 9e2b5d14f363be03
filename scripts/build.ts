// Bundles the operator and the web UI with esbuild into dist/ (options and
// their reasons in build-options.ts).
import { build, type Metafile } from 'esbuild';
import { embedBuild, operatorBuild, root, webuiBuild } from './build-options.ts';

report('operator', (await build(operatorBuild)).metafile);
report('webui', (await build(webuiBuild)).metafile);
report('embed', (await build(embedBuild)).metafile);

function report(name: string, metafile: Metafile | undefined): void {
  for (const [file, out] of Object.entries(metafile?.outputs ?? {})) {
    if (!file.endsWith('.map'))
      console.log(`${name}: ${file.replace(`${root}/`, '')} ${(out.bytes / 1024).toFixed(1)} KiB`);
  }
}
