/**
 * What production needs of /metrics and /docs (issue 10, point 4): behind the admin token
 * (METRICS_ACCESS, DOCS_ACCESS) or on a port of their own (OPS_PORT); and metrics beyond HTTP:
 * webhook backlog and failures, scheduler lag, the database pool, rate-limit refusals.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scheduler } from '../../src/jobs/scheduler.js';
import { poolStats } from '../../src/platform/metrics.plugin.js';
import { serveOps } from '../../src/platform/ops-routes.js';
import { getApp, makeApp, newTenant, operatorApi } from '../helpers.js';
import { newCustomer, subscribe } from '../webhooks/_support.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function gauge(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

describe('METRICS_ACCESS=admin, DOCS_ACCESS=admin', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await makeApp({ METRICS_ACCESS: 'admin', DOCS_ACCESS: 'admin' });
  });
  afterAll(async () => {
    await app.close();
  });

  it('/metrics, /openapi.json and /docs answer 401 without a token, 403 to a tenant, and serve the operator', async () => {
    const tenant = await newTenant(app);
    const op = await operatorApi(app);
    for (const url of ['/metrics', '/openapi.json', '/docs', '/docs/json']) {
      const none = await app.inject({ method: 'GET', url });
      expect([url, none.statusCode, none.json().errors[0].code]).toEqual([url, 401, 'UNAUTHORIZED']);
      const denied = await app.inject({ method: 'GET', url, headers: bearer(tenant.api.token) });
      expect([url, denied.statusCode, denied.json().errors[0].code]).toEqual([url, 403, 'INSUFFICIENT_SCOPE']);
      const allowed = await app.inject({ method: 'GET', url, headers: bearer(op.token) });
      expect([url, allowed.statusCode < 400]).toEqual([url, true]);
    }
    const text = (await app.inject({ method: 'GET', url: '/metrics', headers: bearer(op.token) })).body;
    expect(text).toContain('ledgerline_http_requests_total');
    // The API itself and the probes stay as they were.
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await tenant.api.get('/v1/customers')).status).toBe(200);
  });

  it('the default (sandbox) keeps them public', async () => {
    const open = await getApp();
    expect((await open.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    expect((await open.inject({ method: 'GET', url: '/openapi.json' })).statusCode).toBe(200);
  });
});

describe('OPS_PORT: a port of their own', () => {
  let app: FastifyInstance;
  let ops: Awaited<ReturnType<typeof serveOps>>;
  beforeAll(async () => {
    app = await makeApp({ OPS_PORT: '65000' }); // main.ts listens there; the test asks for any free port
    ops = await serveOps(app, 0, '127.0.0.1');
  });
  afterAll(async () => {
    await ops.close();
    await app.close();
  });

  // A fresh app renders its OpenAPI document on first ask: slow on a loaded machine.
  it('the API port answers 404 for /metrics and /docs; the ops port serves them, the probes, and nothing else', {
    timeout: 120_000,
  }, async () => {
    for (const url of ['/metrics', '/openapi.json', '/docs']) {
      const res = await app.inject({ method: 'GET', url });
      expect([url, res.statusCode, res.json().errors[0].code]).toEqual([url, 404, 'NOT_FOUND']);
    }
    const t = await newTenant(app);
    expect((await t.api.get('/v1/customers')).status).toBe(200);

    const base = `http://127.0.0.1:${ops.port}`;
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('ledgerline_http_requests_total');
    expect((await fetch(`${base}/openapi.json`)).status).toBe(200);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const api = await fetch(`${base}/v1/customers`, { headers: bearer(t.api.token) });
    expect(api.status).toBe(404);
    expect(((await api.json()) as any).errors[0].code).toBe('NOT_FOUND');
  });
});

describe('metrics beyond HTTP', () => {
  it('webhook backlog and failed attempts', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    await subscribe(t.api, 'CUSTOMER_ACTIVE', 'http://127.0.0.1:9/nobody-listens');
    await newCustomer(t.api);
    let text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(gauge(text, 'ledgerline_webhook_backlog', '{state="undispatched_events"}')).toBeGreaterThanOrEqual(1);
    await app.ledgerline.webhookWorker.runOnce({ clientId: t.clientId }); // connection refused: a retry
    text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(gauge(text, 'ledgerline_webhook_attempts_total', '{outcome="RETRY"}')).toBeGreaterThanOrEqual(1);
    expect(gauge(text, 'ledgerline_webhook_backlog', '{state="pending"}')).toBeGreaterThanOrEqual(1);
    expect(gauge(text, 'ledgerline_webhook_backlog', '{state="due"}')).toBeGreaterThanOrEqual(0);
    expect(gauge(text, 'ledgerline_webhook_oldest_due_seconds')).toBeGreaterThanOrEqual(0);
    // Tests run the scheduler by hand (no background loop): no lag, no pass yet.
    expect(gauge(text, 'ledgerline_scheduler_lag_seconds')).toBe(0);
    expect(gauge(text, 'ledgerline_scheduler_last_pass_age_seconds')).toBe(-1);
  });

  it('the database pool: in use, idle and waiting on PostgreSQL; nothing on the embedded database', async () => {
    const app = await getApp();
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    if (app.ledgerline.database.kind === 'pg') {
      expect(gauge(text, 'ledgerline_db_pool_connections', '{state="idle"}')).toBeGreaterThanOrEqual(0);
      expect(gauge(text, 'ledgerline_db_pool_waiting')).toBe(0);
    } else {
      expect(text).not.toMatch(/^ledgerline_db_pool_connections\{/m);
    }
    expect(poolStats({ $client: { totalCount: 5, idleCount: 2, waitingCount: 3 } })).toEqual({ total: 5, idle: 2, waiting: 3 });
    expect(poolStats({ $client: {} })).toBeUndefined();
  });

  it('scheduler lag: how late the background loop is against its interval', async () => {
    const scheduler = new Scheduler(
      (await getApp()).ledgerline.database,
      () => new Date(),
      () => {},
    );
    expect(scheduler.stats()).toEqual({ lagSeconds: 0, lastPassAgeSeconds: undefined, lastPassSeconds: 0 });
    scheduler.start(60_000);
    try {
      const now = Date.now();
      expect(scheduler.stats(now).lagSeconds).toBe(0);
      // Two minutes on, no pass has run although one was due a minute ago: a minute late.
      expect(scheduler.stats(now + 120_000).lagSeconds).toBeGreaterThanOrEqual(59);
      expect(scheduler.stats(now + 120_000).lagSeconds).toBeLessThanOrEqual(61);
    } finally {
      await scheduler.stop();
    }
  });
});
