/**
 * The operator console (CONTRACT §15): the built single-page app in console/dist, served at
 * /console. Files are served as they are (hashed assets cached for good, index.html never); any
 * other path under /console is one of the app's routes and gets index.html, so a deep link or a
 * reload works. The app calls the public API only: nothing here needs a token.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';

export const CONSOLE_DIST = resolve(dirname(fileURLToPath(import.meta.url)), '../../../console/dist');

/** Only what the app needs: its own scripts and styles, the API, and PDFs/documents it opens as blobs. */
const CSP = [
  "default-src 'self'",
  "img-src 'self' data: blob:",
  "frame-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

export const consolePlugin: FastifyPluginAsync<{ root?: string }> = async (app, opts) => {
  const root = opts.root ?? CONSOLE_DIST;
  const hide = { schema: { hide: true } };
  if (!existsSync(join(root, 'index.html'))) {
    const notBuilt = async (_request: unknown, reply: FastifyReply) =>
      reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The console is not built: run `npm install` (or `npm run build -w console`) at the repository root.\n');
    app.get('/console', hide, notBuilt);
    app.get('/console/*', hide, notBuilt);
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/console/',
    // One route per built file (read at start), so the catch-all below answers every other path.
    wildcard: false,
    index: false,
    schemaHide: true,
    setHeaders: (reply, path) => {
      reply.header('cache-control', path.includes(`${join(root, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
      reply.header('x-content-type-options', 'nosniff');
    },
  });
  const indexHtml = async (_request: unknown, reply: FastifyReply) =>
    reply
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CSP)
      .header('x-frame-options', 'DENY')
      .header('referrer-policy', 'no-referrer')
      .sendFile('index.html', root);
  app.get('/console', hide, async (_request, reply) => reply.redirect('/console/'));
  app.get('/console/', hide, indexHtml);
  app.get('/console/*', hide, indexHtml);
};
