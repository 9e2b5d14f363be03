// GET /embed/call-button.js: the one script a ministry site puts on its page
// for <switchboard-call-button> (webui/src/embed/, an IIFE bundle beside the
// web UI's). A classic script from another origin is a no-cors load, which
// helmet's Cross-Origin-Resource-Policy: same-origin would block: this one
// public file says cross-origin (and allows CORS for pages loading it as a
// module). Revalidated on every load so a new operator's script is used at once.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ApiSettings } from '../settings.ts';

export const EMBED_SCRIPT_PATH = '/embed/call-button.js';
export const EMBED_SCRIPT_FILE = 'embed/call-button.js';

export function registerEmbedScript(app: FastifyInstance, settings: ApiSettings): void {
  let js: Buffer | undefined;
  app.get(EMBED_SCRIPT_PATH, async (_request, reply) => {
    js ??= await readFile(join(settings.webuiDir, EMBED_SCRIPT_FILE)).catch(() => undefined);
    if (js === undefined)
      return reply.code(503).type('text/plain').send('call button not built: run `make build`\n');
    return reply
      .type('text/javascript; charset=utf-8')
      .header('cross-origin-resource-policy', 'cross-origin')
      .header('access-control-allow-origin', '*')
      .header('cache-control', 'no-cache')
      .send(js);
  });
}
