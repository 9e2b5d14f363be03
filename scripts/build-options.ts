// The esbuild options of the two bundles, shared by scripts/build.ts and the
// image test (which checks what the operator bundle still imports at run time).
import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';

export const root = join(import.meta.dirname, '..');

/**
 * The operator, npm packages included, minified: loading @kubernetes/client-node
 * as ~1,000 separate modules costs about 45 MiB more resident memory than one
 * bundled file (measured: 127 vs 82 MiB RSS), and the operator's budget is
 * 150 MiB at 10,000 agents. The image then needs no node_modules at all.
 */
export const operatorBuild: BuildOptions = {
  entryPoints: [join(root, 'operator/src/main.ts')],
  outfile: join(root, 'dist/operator/main.mjs'),
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  minify: true,
  // Bundled CommonJS packages call require() for Node built-ins, which an ES module lacks.
  banner: {
    js: "import { createRequire as __switchboardRequire } from 'node:module'; const require = __switchboardRequire(import.meta.url);",
  },
  // The map is for reading stack traces when debugging (NODE_OPTIONS=--enable-source-maps):
  // Node decodes all of it at start, +90 MiB heap even without the sources inside, so
  // the image does not turn it on. The sources are in the repository.
  sourcemap: true,
  sourcesContent: false,
  // One non-ASCII licence comment made V8 hold the whole 3.4 MB script as a
  // two-byte string (7 MB); the licences go to main.mjs.LEGAL.txt beside it.
  legalComments: 'external',
  metafile: true,
  logLevel: 'warning',
};

export const webuiBuild: BuildOptions = {
  entryPoints: [join(root, 'webui/src/index.ts')],
  outdir: join(root, 'dist/webui'),
  bundle: true,
  platform: 'browser',
  target: 'es2022',
  format: 'esm',
  // Modules imported dynamically (the reports' charting library) become chunks
  // loaded by the page that needs them, not by every page.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  minify: true,
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
};

/**
 * <switchboard-call-button> for other web sites (GET /embed/call-button.js):
 * one classic script (IIFE), so a plain <script src> works and the element
 * can find the operator's address from document.currentScript, which module
 * scripts lack. It carries its own Lit and SIP.js (the embedding page has neither).
 */
export const embedBuild: BuildOptions = {
  entryPoints: [join(root, 'webui/src/embed/call-button.ts')],
  outfile: join(root, 'dist/webui/embed/call-button.js'),
  bundle: true,
  platform: 'browser',
  target: 'es2022',
  format: 'iife',
  minify: true,
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
};
