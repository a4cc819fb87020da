import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Api, getApp, individualBody, makeApp, newTenant, type Response, tokenFor, uid } from '../helpers.js';
import { type ManualClock, manualClock, STACK_FRAME } from './support.js';

const KEY = 'x-l2f-idempotency-id';
const REPLAY = 'x-l2f-idempotent-replay';

let app: FastifyInstance;
beforeAll(async () => {
  app = await getApp();
});

const key = () => `idem-${uid()}`;
const customerIds = async (api: Api): Promise<string[]> => {
  const res = await api.get('/v1/customers?page_size=100');
  expect(res.status).toBe(200);
  return (res.body.data.customers as { id: string }[]).map((c) => c.id);
};

describe('idempotency (x-l2f-idempotency-id)', () => {
  it('same key, same request: the stored response byte for byte, flagged as a replay; nothing runs twice', async () => {
    const t = await newTenant(app);
    const k = key();
    const body = individualBody();
    const first = await t.api.post('/v1/customers', body, { [KEY]: k });
    expect(first.status).toBe(200);
    expect(first.headers[REPLAY]).toBeUndefined();
    const second = await t.api.post('/v1/customers', body, { [KEY]: k });
    expect(second.status).toBe(200);
    expect(second.headers[REPLAY]).toBe('true');
    expect(second.raw).toBe(first.raw);
    expect(second.headers['content-type']).toBe(first.headers['content-type']);
    expect(second.headers['x-l2f-request-id']).not.toBe(first.headers['x-l2f-request-id']);
    expect(await customerIds(t.api)).toEqual([body.id]);
  });

  it('the same request through /api/v1 and /v1 with one key is a replay', async () => {
    const t = await newTenant(app);
    const k = key();
    const body = individualBody();
    const first = await t.api.post('/api/v1/customers', body, { [KEY]: k });
    expect(first.status).toBe(200);
    const second = await t.api.post('/v1/customers', body, { [KEY]: k });
    expect(second.status).toBe(200);
    expect(second.headers[REPLAY]).toBe('true');
    expect(second.raw).toBe(first.raw);
    expect(await customerIds(t.api)).toEqual([body.id]);
  });

  it('same key, different body: 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const t = await newTenant(app);
    const k = key();
    expect((await t.api.post('/v1/customers', individualBody(), { [KEY]: k })).status).toBe(200);
    const res = await t.api.post('/v1/customers', individualBody(), { [KEY]: k });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      errors: [
        { code: 'IDEMPOTENCY_KEY_REUSED', description: 'This idempotency key was already used with a different request.', field: KEY },
      ],
    });
    expect(await customerIds(t.api)).toHaveLength(1);
  });

  it('same key on another path: 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const t = await newTenant(app);
    const k = key();
    const body = individualBody();
    expect((await t.api.post('/v1/customers', body, { [KEY]: k })).status).toBe(200);
    const res = await t.api.patch(`/v1/customers/${body.id}`, { email: 'new@example.com' }, { [KEY]: k });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await t.api.get(`/v1/customers/${body.id}`)).body.data.email_address).toBe('ada@example.com');
  });

  it('the same key used by two clients is two independent requests', async () => {
    const a = await newTenant(app);
    const b = await newTenant(app);
    const k = key();
    const body = individualBody();
    const ra = await a.api.post('/v1/customers', body, { [KEY]: k });
    const rb = await b.api.post('/v1/customers', body, { [KEY]: k });
    expect([ra.status, rb.status]).toEqual([200, 200]);
    expect(ra.headers[REPLAY]).toBeUndefined();
    expect(rb.headers[REPLAY]).toBeUndefined();
    expect(await customerIds(a.api)).toEqual([body.id]);
    expect(await customerIds(b.api)).toEqual([body.id]);
  });

  it('20 concurrent identical requests with one key: one runs, the rest are 409 in progress or replays', async () => {
    const t = await newTenant(app);
    const k = key();
    const body = individualBody();
    const all: Response[] = await Promise.all(Array.from({ length: 20 }, () => t.api.post('/v1/customers', body, { [KEY]: k })));
    const ran = all.filter((r) => r.status === 200 && r.headers[REPLAY] === undefined);
    expect(ran).toHaveLength(1);
    for (const r of all) {
      if (r === ran[0]) continue;
      if (r.status === 409) {
        expect(r.body.errors).toEqual([
          { code: 'IDEMPOTENCY_IN_PROGRESS', description: 'A request with this idempotency key is still being processed.', field: KEY },
        ]);
      } else {
        expect(r.status).toBe(200);
        expect(r.headers[REPLAY]).toBe('true');
        expect(r.raw).toBe(ran[0]?.raw);
      }
    }
    expect(await customerIds(t.api)).toEqual([body.id]);
    const after = await t.api.post('/v1/customers', body, { [KEY]: k });
    expect(after.headers[REPLAY]).toBe('true');
  });

  it('a 4xx response is stored and replayed', async () => {
    const t = await newTenant(app);
    const k = key();
    const bad = { customer_type: 'INDIVIDUAL', first_name: 'Ada' };
    const first = await t.api.post('/v1/customers', bad, { [KEY]: k });
    expect(first.status).toBe(400);
    expect(first.body.errors.length).toBeGreaterThan(1);
    expect(first.body.errors.every((e: { code: string }) => e.code === 'VALIDATION_ERROR')).toBe(true);
    const second = await t.api.post('/v1/customers', bad, { [KEY]: k });
    expect(second.status).toBe(400);
    expect(second.headers[REPLAY]).toBe('true');
    expect(second.raw).toBe(first.raw);
  });

  it('a key longer than 255 characters: 400 on the header; 255 is fine', async () => {
    const t = await newTenant(app);
    const res = await t.api.post('/v1/customers', individualBody(), { [KEY]: 'k'.repeat(256) });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      errors: [{ code: 'VALIDATION_ERROR', description: `${KEY} must be 1-255 printable ASCII characters.`, field: KEY }],
    });
    expect(await customerIds(t.api)).toEqual([]);
    const ok = await t.api.post('/v1/customers', individualBody(), { [KEY]: `${uid()}${'k'.repeat(255)}`.slice(-255) });
    expect(ok.status).toBe(200);
  });
});

describe('a 5xx is not stored', () => {
  let own: FastifyInstance;
  beforeAll(async () => {
    own = await makeApp();
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await own.close();
  });

  it('a failing handler: 500 INTERNAL_ERROR with a generic description; a retry with the key runs', async () => {
    const t = await newTenant(own);
    const k = key();
    const body = individualBody();
    const spy = vi.spyOn(own.ledgerline.services.customers, 'create').mockRejectedValueOnce(new Error('boom at secret place'));
    const failed = await t.api.post('/v1/customers', body, { [KEY]: k });
    expect(failed.status).toBe(500);
    const requestId = failed.headers['x-l2f-request-id'];
    expect(failed.body).toEqual({
      errors: [{ code: 'INTERNAL_ERROR', description: `An internal error occurred (request id ${requestId}).` }],
    });
    expect(failed.raw).not.toContain('boom');
    expect(failed.raw).not.toMatch(STACK_FRAME);
    expect(spy).toHaveBeenCalledTimes(1);

    const retry = await t.api.post('/v1/customers', body, { [KEY]: k });
    expect(retry.status).toBe(200);
    expect(retry.headers[REPLAY]).toBeUndefined();
    expect(retry.body.data.id).toBe(body.id);
    expect(await customerIds(t.api)).toEqual([body.id]);
  });
});

describe('stored responses expire (IDEMPOTENCY_TTL_DAYS)', () => {
  let clock: ManualClock;
  let own: FastifyInstance;
  beforeAll(async () => {
    clock = manualClock();
    own = await makeApp({ IDEMPOTENCY_TTL_DAYS: '1' }, { clock });
  });
  afterAll(async () => {
    await own.close();
  });

  it('after the TTL the same key and request run anew', async () => {
    const t = await newTenant(own);
    const k = key();
    const body = individualBody();
    expect((await t.api.post('/v1/customers', body, { [KEY]: k })).status).toBe(200);
    clock.advance(2 * 86_400);
    const api = new Api(own, await tokenFor(own, t.clientId, t.secret));
    const again = await api.post('/v1/customers', body, { [KEY]: k });
    // It ran again: the customer exists, so this time it is a duplicate, not a replay.
    expect(again.status).toBe(409);
    expect(again.headers[REPLAY]).toBeUndefined();
    expect(again.body.errors[0].code).toBe('DUPLICATE_ID');
  });

  it('exactly at the TTL the key is free again (same key, new request runs)', async () => {
    const t = await newTenant(own);
    const k = key();
    expect((await t.api.post('/v1/customers', individualBody(), { [KEY]: k })).status).toBe(200);
    clock.advance(86_400);
    const api = new Api(own, await tokenFor(own, t.clientId, t.secret));
    const body = individualBody();
    const again = await api.post('/v1/customers', body, { [KEY]: k });
    expect(again.status).toBe(200);
    expect(again.headers[REPLAY]).toBeUndefined();
    expect(again.body.data.id).toBe(body.id);
    expect(await customerIds(api)).toHaveLength(2);
  });

  it('before the TTL the key still replays', async () => {
    const t = await newTenant(own);
    const k = key();
    const body = individualBody();
    const first = await t.api.post('/v1/customers', body, { [KEY]: k });
    clock.advance(86_000);
    const api = new Api(own, await tokenFor(own, t.clientId, t.secret));
    const again = await api.post('/v1/customers', body, { [KEY]: k });
    expect(again.status).toBe(200);
    expect(again.headers[REPLAY]).toBe('true');
    expect(again.raw).toBe(first.raw);
  });
});
