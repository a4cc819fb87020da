import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, ERROR_CODES } from '../../src/shared/errors.js';
import { getApp, newTenant } from '../helpers.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await getApp();
});

describe('health', () => {
  it('GET /healthz: 200 {status: ok}, no token needed', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz: 200 {status: ready} on a migrated, reachable database', async () => {
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready' });
  });
});

describe('GET /metrics', () => {
  it('Prometheus text with request counts labelled by route', async () => {
    const t = await newTenant(app);
    expect((await t.api.get('/v1/customers/nope')).status).toBe(404);
    expect((await t.api.get('/api/v1/customers')).status).toBe(200);
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toContain('# TYPE ledgerline_http_requests_total counter');
    expect(res.body).toMatch(/^ledgerline_http_requests_total\{method="GET",route="\/v1\/customers\/:id",status="404"\} \d+$/m);
    expect(res.body).toMatch(/^ledgerline_http_requests_total\{method="GET",route="\/api\/v1\/customers",status="200"\} \d+$/m);
    expect(res.body).toMatch(/^ledgerline_http_requests_total\{method="POST",route="\/v1\/admin\/clients",status="200"\} \d+$/m);
    expect(res.body).toContain('# TYPE ledgerline_http_request_duration_seconds histogram');
    expect(res.body).toContain('process_cpu_user_seconds_total');
  });

  it('counts unmatched routes under one label, not by raw URL', async () => {
    await app.inject({ method: 'GET', url: '/no/such/route/xyz123' });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.body).not.toContain('xyz123');
  });
});

describe('GET /openapi.json', () => {
  let doc: any;
  beforeAll(async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    doc = res.json();
  });

  it('is OpenAPI 3.1.0 with the customer and token paths', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('Ledgerline API');
    expect(Object.keys(doc.paths['/v1/customers']).sort()).toEqual(['get', 'post']);
    expect(doc.paths['/v1/customers/{id}']).toHaveProperty('get');
    expect(doc.paths['/v1/customers/{id}']).toHaveProperty('patch');
    expect(doc.paths['/oauth2/token']).toHaveProperty('post');
    expect(doc.paths['/v1/admin/clients']).toHaveProperty('post');
  });

  it('leaves the /api mirrors and the infrastructure routes out', () => {
    const paths = Object.keys(doc.paths);
    expect(paths.filter((p) => p.startsWith('/api/'))).toEqual([]);
    for (const hidden of ['/healthz', '/readyz', '/metrics', '/openapi.json']) expect(paths).not.toContain(hidden);
  });

  it('POST /v1/customers documents its error responses with the ErrorBody schema', () => {
    const responses = doc.paths['/v1/customers'].post.responses;
    for (const status of ['200', '400', '401', '403', '409', '422', '429', '500']) expect(responses).toHaveProperty(status);
    const body409 = JSON.stringify(responses['409']);
    expect(body409).toContain('DUPLICATE_ID');
    expect(body409).toContain('IDEMPOTENCY_IN_PROGRESS');
    expect(JSON.stringify(responses['422'])).toContain('IDEMPOTENCY_KEY_REUSED');
    const schemas = doc.components?.schemas ?? {};
    for (const status of ['400', '401', '403', '409', '422']) {
      const ref = /^#\/components\/schemas\/(.+)$/.exec(responses[status].content['application/json'].schema.$ref)?.[1] as string;
      // @fastify/swagger names shared schemas def-N and keeps the $id as the title.
      expect(schemas[ref]?.title ?? ref).toBe('ErrorBody');
      expect(schemas[ref].properties.errors.type).toBe('array');
      expect(schemas[ref].properties.errors.items.required).toEqual(['code', 'description']);
    }
  });

  it('security: oauth2 client credentials, the route scope per operation, Basic or none (form body) on the token route', () => {
    expect(doc.components.securitySchemes.oauth2.flows.clientCredentials.tokenUrl).toBe('/oauth2/token');
    expect(doc.paths['/v1/customers'].post.security).toEqual([{ oauth2: ['customers:write'] }]);
    expect(doc.paths['/v1/customers'].get.security).toEqual([{ oauth2: ['customers:read'] }]);
    expect(doc.paths['/v1/admin/clients'].get.security).toEqual([{ oauth2: ['admin'] }]);
    expect(doc.paths['/oauth2/token'].post.security).toEqual([{ basicAuth: [] }, {}]);
    expect(doc.components.securitySchemes.basicAuth).toMatchObject({ type: 'http', scheme: 'basic' });
  });

  it('lists every error code of the catalogue in info.description', () => {
    for (const code of ERROR_CODES) {
      expect(doc.info.description).toContain(`| ${code} | ${ERROR_CATALOGUE[code].status} |`);
    }
  });
});

describe('GET /docs', () => {
  it('answers HTML (following a redirect if there is one)', async () => {
    let res = await app.inject({ method: 'GET', url: '/docs' });
    for (let hops = 0; hops < 3 && res.statusCode >= 300 && res.statusCode < 400; hops++) {
      const location = String(res.headers.location);
      res = await app.inject({ method: 'GET', url: new URL(location, 'http://localhost/docs/').pathname });
    }
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body.toLowerCase()).toContain('<html');
  });
});
