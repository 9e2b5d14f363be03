// The web UI: the esbuild bundle under /ui/ and one index.html for every
// page route (the app routes on the client). No inline script: the CSP
// allows scripts from this origin only.
import { readFile } from 'node:fs/promises';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { ApiSettings } from '../settings.ts';

export const PAGE_ROUTES = ['/', '/login', '/dashboard', '/dashboard/*', '/call'] as const;

export async function registerWebUi(app: FastifyInstance, settings: ApiSettings): Promise<void> {
  await app.register(fastifyStatic, {
    root: settings.webuiDir,
    prefix: '/ui/',
    index: false,
    // Bundle names are stable (index.js), so browsers revalidate instead of caching blindly.
    cacheControl: true,
    maxAge: 0,
  });
  let html: string | undefined;
  const page = async (_: unknown, reply: import('fastify').FastifyReply) => {
    html ??= await readFile(settings.indexHtml, 'utf8').catch(() => undefined);
    if (html === undefined)
      return reply.code(503).type('text/plain').send('web UI not built: run `make build`\n');
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
  };
  for (const url of PAGE_ROUTES) app.get(url, page);
}
