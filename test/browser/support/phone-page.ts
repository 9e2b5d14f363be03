// Serves a page with <sb-softphone>/<sb-call-dialer> (bundled from the real
// sources by esbuild) on loopback, and mounts them in Playwright pages.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { repoRoot } from '../../cluster/tools.ts';

export interface PhonePageServer {
  readonly url: string;
  /** Minified bundle size of the phone components, raw and gzip. */
  readonly bundleBytes: { raw: number; gzip: number };
  close(): Promise<void>;
}

const HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Softphone test page</title>
<style>body { margin: 0; padding: 12px; background: #eef2f6; font-family: system-ui, sans-serif; }</style>
<script type="module" src="/phone.js"></script>
</head>
<body><main id="root"></main></body>
</html>`;

export async function startPhonePageServer(): Promise<PhonePageServer> {
  const result = await build({
    entryPoints: [join(repoRoot, 'test/browser/fixtures/phone-page.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'warning',
  });
  const js = result.outputFiles[0]?.contents;
  if (!js) throw new Error('esbuild produced no bundle');
  const server: Server = createServer((req, res) => {
    if (req.url === '/phone.js') {
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
      res.end(js);
    } else if (req.url === '/' || req.url?.startsWith('/?')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(HTML);
    } else if (req.url === '/favicon.ico') {
      res.writeHead(204).end();
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    bundleBytes: { raw: js.byteLength, gzip: gzipSync(js, { level: 9 }).byteLength },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type Tag = 'sb-softphone' | 'sb-call-dialer';

/** Opens the page and mounts one phone element with this config. */
export async function mountPhone(
  page: Page,
  server: PhonePageServer,
  tag: Tag,
  config: unknown,
  props: Record<string, unknown> = {},
): Promise<void> {
  await page.goto(server.url);
  await page.waitForFunction((t) => customElements.get(t) !== undefined, tag);
  await page.evaluate(
    ({ tag, config, props }) => {
      const el = document.createElement(tag) as unknown as HTMLElement & Record<string, unknown>;
      Object.assign(el, props);
      el.config = config;
      document.getElementById('root')?.append(el);
    },
    { tag, config, props },
  );
}
