/** Subscriptions API (LAYER2_API.md §2.14, CONTRACT §9): shape, validation, lists, delete, scopes, tenancy, URL rules. */
import { createPublicKey } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/modules/events/index.js';
import { type Api, getApp, makeApp, newTenant, type Tenant } from '../helpers.js';
import { subscribe } from './_support.js';

const errs = (body: any) => (body.errors as { code: string; field?: string }[]).map((e) => ({ code: e.code, field: e.field }));

describe('POST /v1/subscriptions', () => {
  let app: FastifyInstance;
  let t: Tenant;
  beforeAll(async () => {
    app = await getApp();
    t = await newTenant(app);
  });

  it('answers the subscription with an Ed25519 signature_verification_key', async () => {
    const res = await t.api.post('/v1/subscriptions', { event_type: 'TRANSACTION_POSTED', callback_url: 'http://127.0.0.1:9/hook' });
    expect(res.status, res.raw).toBe(200);
    const sub = res.body.data;
    expect(Object.keys(sub)).toEqual(['id', 'event_type', 'callback_url', 'signature_verification_key', 'created_at']);
    expect(sub).toMatchObject({ event_type: 'TRANSACTION_POSTED', callback_url: 'http://127.0.0.1:9/hook' });
    expect(sub.id).toMatch(/^sub_[0-9a-f-]{36}$/);
    expect(sub.signature_verification_key).toMatch(/^[0-9a-f]{64}$/);
    const key = createPublicKey({
      key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(sub.signature_verification_key, 'hex')]),
      format: 'der',
      type: 'spki',
    });
    expect(key.asymmetricKeyType).toBe('ed25519');
    expect(new Date(sub.created_at).toISOString()).toBe(sub.created_at);

    const got = await t.api.get(`/v1/subscriptions/${sub.id}`);
    expect(got.body).toEqual({ data: sub });
    expect(JSON.stringify(got.body)).not.toMatch(/PRIVATE|private/);
  });

  it('accepts every event type of §2.14 and those Ledgerline writes', async () => {
    const u = await newTenant(app);
    for (const type of [
      'ACCOUNT_OPEN',
      'APPLICATION_INCOMPLETE',
      'CUSTOMER_DORMANT',
      'PAYMENT_CHANGES_REQUESTED',
      'WITHDRAWAL_CHANGES_REQUESTED',
    ]) {
      expect(EVENT_TYPES).toContain(type);
    }
    for (const event_type of EVENT_TYPES) {
      const res = await u.api.post('/v1/subscriptions', { event_type, callback_url: 'https://hooks.example/x' });
      expect(res.status, `${event_type}: ${res.raw}`).toBe(200);
    }
    const list = await u.api.get('/v1/subscriptions?page_size=100');
    expect(list.body.data.subscriptions.map((s: any) => s.event_type).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('refuses an unknown event_type, a bad URL, unknown fields: one entry each', async () => {
    const res = await t.api.post('/v1/subscriptions', { event_type: 'CUSTOMER_HAPPY', callback_url: 'https://a.example/', colour: 'red' });
    expect(res.status).toBe(400);
    expect(errs(res.body)).toEqual([
      { code: 'VALIDATION_ERROR', field: 'colour' },
      { code: 'VALIDATION_ERROR', field: 'event_type' },
    ]);
    for (const callback_url of ['not a url', 'ftp://files.example/x', 'mailto:ops@example.com', '']) {
      const bad = await t.api.post('/v1/subscriptions', { event_type: 'CUSTOMER_ACTIVE', callback_url });
      expect(bad.status, callback_url).toBe(400);
      expect(errs(bad.body)).toEqual([{ code: 'VALIDATION_ERROR', field: 'callback_url' }]);
    }
    const missing = await t.api.post('/v1/subscriptions', {});
    expect(errs(missing.body)).toEqual([
      { code: 'VALIDATION_ERROR', field: 'event_type' },
      { code: 'VALIDATION_ERROR', field: 'callback_url' },
    ]);
  });

  it('accepts and ignores the read-only fields a client sends back', async () => {
    const res = await t.api.post('/v1/subscriptions', {
      id: 'sub_mine',
      event_type: 'CUSTOMER_FROZEN',
      callback_url: 'https://hooks.example/frozen',
      signature_verification_key: 'ab'.repeat(32),
      created_at: '2020-01-01T00:00:00Z',
    });
    expect(res.status, res.raw).toBe(200);
    expect(res.body.data.id).not.toBe('sub_mine');
    expect(res.body.data.signature_verification_key).not.toBe('ab'.repeat(32));
  });

  it('is idempotent with x-l2f-idempotency-id', async () => {
    const body = { event_type: 'CUSTOMER_CLOSED', callback_url: 'https://hooks.example/closed' };
    const key = { 'x-l2f-idempotency-id': `sub-${t.clientId}` };
    const first = await t.api.post('/v1/subscriptions', body, key);
    const again = await t.api.post('/v1/subscriptions', body, key);
    expect(again.status).toBe(200);
    expect(again.raw).toBe(first.raw);
    expect(again.headers['x-l2f-idempotent-replay']).toBe('true');
  });
});

describe('list, retrieve, delete', () => {
  let app: FastifyInstance;
  let t: Tenant;
  let other: Tenant;
  let ids: string[];
  beforeAll(async () => {
    app = await getApp();
    t = await newTenant(app);
    other = await newTenant(app);
    ids = [];
    for (const type of ['CUSTOMER_ACTIVE', 'CUSTOMER_FROZEN', 'CUSTOMER_ACTIVE', 'ACCOUNT_OPEN', 'TRANSACTION_POSTED']) {
      ids.push((await subscribe(t.api, type, `https://hooks.example/${type.toLowerCase()}`)).id);
    }
    await subscribe(other.api, 'CUSTOMER_ACTIVE', 'https://other.example/');
  });

  it('lists the live subscriptions newest first, both pagination styles, filter event_type', async () => {
    const all = await t.api.get('/v1/subscriptions');
    expect(all.status).toBe(200);
    expect(all.body.data.subscriptions.map((s: any) => s.id)).toEqual([...ids].reverse());
    expect(all.body.links).toEqual({
      self: '/v1/subscriptions?page=0&page_size=20',
      first: '/v1/subscriptions?page=0&page_size=20',
      prev: '/v1/subscriptions?page=0&page_size=20',
      next: '/v1/subscriptions?page=0&page_size=20',
      last: '/v1/subscriptions?page=0&page_size=20',
    });
    const p1 = await t.api.get('/v1/subscriptions?page=1&page_size=2');
    expect(p1.body.data.subscriptions.map((s: any) => s.id)).toEqual([ids[2], ids[1]]);
    expect(p1.body.pagination.has_more).toBe(true);

    const walked: string[] = [];
    let url = '/v1/subscriptions?limit=2';
    for (;;) {
      const page = await t.api.get(url);
      walked.push(...page.body.data.subscriptions.map((s: any) => s.id));
      if (!page.body.pagination.next_cursor) break;
      url = `/v1/subscriptions?limit=2&cursor=${page.body.pagination.next_cursor}`;
    }
    expect(walked).toEqual([...ids].reverse());

    const active = await t.api.get('/v1/subscriptions?event_type=CUSTOMER_ACTIVE');
    expect(active.body.data.subscriptions.map((s: any) => s.id)).toEqual([ids[2], ids[0]]);
    const unknownParam = await t.api.get('/v1/subscriptions?colour=red');
    expect(unknownParam.status).toBe(400);
  });

  it('DELETE answers {data:{id}}; the subscription is gone (404 on a second delete)', async () => {
    const id = ids[1] as string;
    const del = await t.api.delete(`/v1/subscriptions/${id}`);
    expect(del.status, del.raw).toBe(200);
    expect(del.body).toEqual({ data: { id } });
    expect((await t.api.get(`/v1/subscriptions/${id}`)).status).toBe(404);
    expect((await t.api.get(`/v1/subscriptions/${id}/deliveries`)).status).toBe(404);
    const again = await t.api.delete(`/v1/subscriptions/${id}`);
    expect(again.status).toBe(404);
    expect(errs(again.body)).toEqual([{ code: 'NOT_FOUND', field: 'id' }]);
    const list = await t.api.get('/v1/subscriptions');
    expect(list.body.data.subscriptions.map((s: any) => s.id)).not.toContain(id);
    // Layer2 clients send DELETE with an empty JSON body or {}.
    const withBody = await t.api.request('DELETE', `/v1/subscriptions/${ids[3]}`, '{}', { 'content-type': 'application/json' });
    expect(withBody.status, withBody.raw).toBe(200);
  });

  it("another client's subscription is 404 everywhere and absent from lists", async () => {
    const id = ids[0] as string;
    for (const res of [
      await other.api.get(`/v1/subscriptions/${id}`),
      await other.api.get(`/v1/subscriptions/${id}/deliveries`),
      await other.api.delete(`/v1/subscriptions/${id}`),
    ]) {
      expect(res.status).toBe(404);
      expect(errs(res.body)).toEqual([{ code: 'NOT_FOUND', field: 'id' }]);
    }
    const list = await other.api.get('/v1/subscriptions');
    expect(list.body.data.subscriptions).toHaveLength(1);
    expect((await t.api.get(`/v1/subscriptions/${id}`)).status).toBe(200);
  });

  it('needs subscriptions:read to read and subscriptions:write to write', async () => {
    const readOnly = await newTenant(app, { tokenScope: 'subscriptions:read' });
    const noScope = await newTenant(app, { tokenScope: 'customers:read' });
    const write = await readOnly.api.post('/v1/subscriptions', { event_type: 'CUSTOMER_ACTIVE', callback_url: 'https://a.example/' });
    expect(write.status).toBe(403);
    expect(errs(write.body)).toEqual([{ code: 'INSUFFICIENT_SCOPE', field: undefined }]);
    expect((await readOnly.api.get('/v1/subscriptions')).status).toBe(200);
    expect((await readOnly.api.delete(`/v1/subscriptions/${ids[0]}`)).status).toBe(403);
    for (const url of ['/v1/subscriptions', `/v1/subscriptions/${ids[0]}`, `/v1/subscriptions/${ids[0]}/deliveries`, '/v1/events']) {
      const res = await noScope.api.get(url);
      expect(res.status, url).toBe(403);
    }
    const anonymous = await app.inject({ method: 'GET', url: '/v1/subscriptions' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('is served under /api/v1 too', async () => {
    const res = await t.api.get('/api/v1/subscriptions');
    expect(res.status).toBe(200);
    expect(res.body.links.self).toBe('/api/v1/subscriptions?page=0&page_size=20');
  });
});

describe('callback URL rules', () => {
  let production: FastifyInstance;
  let prod: Api;
  let sandbox: Api;
  beforeAll(async () => {
    production = await makeApp({ LEDGERLINE_MODE: 'production', WEBHOOK_WORKER: 'false' });
    prod = (await newTenant(production)).api;
    sandbox = (await newTenant(await getApp())).api;
  });
  afterAll(async () => {
    await production.close();
  });

  it('sandbox accepts http and https to any host, localhost included', async () => {
    for (const url of ['http://127.0.0.1:4000/hook', 'http://localhost:3000/webhooks', 'https://10.0.0.1/x', 'http://[::1]:8080/']) {
      const res = await sandbox.post('/v1/subscriptions', { event_type: 'CUSTOMER_ACTIVE', callback_url: url });
      expect(res.status, `${url}: ${res.raw}`).toBe(200);
      expect(res.body.data.callback_url).toBe(url);
    }
  });

  it('production refuses http, and hosts that are or resolve to private, loopback, link-local addresses', async () => {
    const refused = [
      'http://hooks.example/x',
      'https://127.0.0.1/hook',
      'https://localhost/hook',
      'https://10.0.0.1/hook',
      'https://172.16.5.4/hook',
      'https://192.168.1.10/hook',
      'https://100.64.0.1/hook',
      'https://169.254.169.254/latest/meta-data',
      'https://0.0.0.0/hook',
      'https://224.0.0.1/hook',
      'https://[::1]/hook',
      'https://[fe80::1]/hook',
      'https://[fd00::1]/hook',
      'https://[::ffff:127.0.0.1]/hook',
      'https://[::]/hook',
    ];
    for (const callback_url of refused) {
      const res = await prod.post('/v1/subscriptions', { event_type: 'CUSTOMER_ACTIVE', callback_url });
      expect(res.status, callback_url).toBe(400);
      expect(errs(res.body), callback_url).toEqual([{ code: 'VALIDATION_ERROR', field: 'callback_url' }]);
    }
    const loop = await prod.post('/v1/subscriptions', { event_type: 'CUSTOMER_ACTIVE', callback_url: 'https://127.0.0.1/hook' });
    expect(loop.body.errors[0].description).toBe('callback_url must reach a public address; 127.0.0.1 is loopback.');
    const http = await prod.post('/v1/subscriptions', { event_type: 'CUSTOMER_ACTIVE', callback_url: 'http://hooks.example/x' });
    expect(http.body.errors[0].description).toBe('callback_url must use https in production.');
  });

  it('production accepts https to a public address', async () => {
    const res = await prod.post('/v1/subscriptions', { event_type: 'CUSTOMER_ACTIVE', callback_url: 'https://93.184.215.14/hooks' });
    expect(res.status, res.raw).toBe(200);
  });
});
