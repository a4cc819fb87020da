/**
 * The console's files at /console (CONTRACT §15): index.html for the app's own routes (a deep link
 * or reload works), hashed assets cached for good, a plain 503 when the console is not built.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { CONSOLE_DIST, consolePlugin } from '../../src/platform/console.plugin.js';
import { getApp } from '../helpers.js';

describe('console serving', () => {
  it('serves index.html at /console/ and for every app route, with a CSP and no caching', async () => {
    const app = await getApp();
    for (const url of ['/console/', '/console/customers', '/console/customers/cust-1/deep', '/api/../console/applications']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toContain('<div id="root"></div>');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    }
    const bare = await app.inject({ method: 'GET', url: '/console' });
    expect(bare.statusCode).toBe(302);
    expect(bare.headers.location).toBe('/console/');
  });

  it('serves the built assets, cached as immutable; the API is untouched', async () => {
    const app = await getApp();
    const js = readdirSync(join(CONSOLE_DIST, 'assets')).find((f) => /^index-.*\.js$/.test(f));
    expect(js).toBeDefined();
    const res = await app.inject({ method: 'GET', url: `/console/assets/${js}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    // A missing asset is the app's route fallback, never a file outside the folder.
    const outside = await app.inject({ method: 'GET', url: '/console/..%2f..%2fpackage.json' });
    expect(outside.body).not.toContain('"dependencies"');
    const api = await app.inject({ method: 'GET', url: '/v1/customers' });
    expect(api.statusCode).toBe(401);
  });

  it('answers 503 with the build command when the console is not built', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-console-'));
    const app = Fastify();
    try {
      await app.register(consolePlugin, { root: empty });
      const res = await app.inject({ method: 'GET', url: '/console/customers' });
      expect(res.statusCode).toBe(503);
      expect(res.body).toContain('npm run build -w console');
    } finally {
      await app.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
