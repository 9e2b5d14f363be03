// Bundles the operator (and, once it exists, the web UI) with esbuild into
// dist/. The operator bundle keeps npm packages external: the image installs
// production dependencies beside it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');

const operator = await build({
  entryPoints: [join(root, 'operator/src/main.ts')],
  outfile: join(root, 'dist/operator/main.mjs'),
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
});
report('operator', operator.metafile);

const webEntry = join(root, 'webui/src/index.ts');
if (existsSync(webEntry)) {
  const web = await build({
    entryPoints: [webEntry],
    outdir: join(root, 'dist/webui'),
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'esm',
    minify: true,
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
  });
  report('webui', web.metafile);
}

function report(name: string, metafile: { outputs: Record<string, { bytes: number }> }): void {
  for (const [file, out] of Object.entries(metafile.outputs)) {
    if (!file.endsWith('.map'))
      console.log(`${name}: ${file.replace(`${root}/`, '')} ${(out.bytes / 1024).toFixed(1)} KiB`);
  }
}
