import { beforeAll, describe, expect, it } from 'vitest';
import { Api, getApp, newTenant, tokenFor } from '../helpers.js';
import { bodyFor, CP, createCounterparty, expectError, ids, PROFILE, tenantWithCustomer } from './_fixtures.js';

beforeAll(async () => {
  await getApp();
});

describe('GET /v1/counterparties', () => {
  it('lists newest first under data.counterparties, with filters customer_id, counterparty_type, status', async () => {
    const t = await newTenant(await getApp());
    const [c1, c2] = [await tenantWithCustomer(t), await tenantWithCustomer(t)];
    const a = await createCounterparty(t.api, bodyFor('FIAT_US', c1));
    const b = await createCounterparty(t.api, bodyFor('CRYPTO', c1));
    const d = await createCounterparty(t.api, bodyFor('FIAT_US', c2, { profile: { ...PROFILE, name: 'REVIEW' } }));
    const all = await t.api.get(CP);
    expect(all.status).toBe(200);
    expect(Object.keys(all.body)).toEqual(['data', 'links', 'pagination']);
    expect(ids(all.body.data.counterparties)).toEqual([d.id, b.id, a.id]);
    expect(all.body.data.counterparties[2]).toEqual(a);
    const q = async (query: string) => ids((await t.api.get(`${CP}?${query}`)).body.data.counterparties);
    expect(await q(`customer_id=${c1}`)).toEqual([b.id, a.id]);
    expect(await q('counterparty_type=FIAT_US')).toEqual([d.id, a.id]);
    expect(await q('status=PENDING')).toEqual([d.id]);
    expect(await q(`status=ACTIVE&counterparty_type=FIAT_US&customer_id=${c1}`)).toEqual([a.id]);
    expect(await q('order=ASC')).toEqual([a.id, b.id, d.id]);
    expectError(await t.api.get(`${CP}?status=OPEN`), 400, 'VALIDATION_ERROR', 'status');
    expectError(await t.api.get(`${CP}?counterparty_type=FIAT_XX`), 400, 'VALIDATION_ERROR', 'counterparty_type');
    expectError(await t.api.get(`${CP}?colour=red`), 400, 'VALIDATION_ERROR', 'colour');
  });

  it('pages in both styles: page/page_size with links, limit/cursor stable while rows are added', async () => {
    const t = await newTenant(await getApp());
    const c = await tenantWithCustomer(t);
    const made: { id: string }[] = [];
    for (let i = 0; i < 3; i++)
      made.push((await createCounterparty(t.api, bodyFor('CRYPTO', c, { description: `n${i}` }))) as { id: string });
    const newest = ids(made).reverse();
    const p0 = await t.api.get(`${CP}?page_size=2&customer_id=${c}`);
    expect(ids(p0.body.data.counterparties)).toEqual(newest.slice(0, 2));
    expect(p0.body.links).toEqual({
      self: `${CP}?customer_id=${c}&page=0&page_size=2`,
      first: `${CP}?customer_id=${c}&page=0&page_size=2`,
      prev: `${CP}?customer_id=${c}&page=0&page_size=2`,
      next: `${CP}?customer_id=${c}&page=1&page_size=2`,
      last: `${CP}?customer_id=${c}&page=1&page_size=2`,
    });
    expect(p0.body.pagination).toEqual({ has_more: true, next_cursor: expect.any(String) });
    const p1 = await t.api.get(p0.body.links.next);
    expect(ids(p1.body.data.counterparties)).toEqual(newest.slice(2));
    expect(p1.body.pagination.has_more).toBe(false);

    const first = await t.api.get(`${CP}?limit=2`);
    expect(ids(first.body.data.counterparties)).toEqual(newest.slice(0, 2));
    await createCounterparty(t.api, bodyFor('CRYPTO', c));
    const second = await t.api.get(`${CP}?limit=2&cursor=${first.body.pagination.next_cursor}`);
    expect(ids(second.body.data.counterparties)).toEqual(newest.slice(2));
    expect(second.body.pagination).toEqual({ has_more: false, next_cursor: null });
    expectError(await t.api.get(`${CP}?limit=2&page=1`), 400, 'VALIDATION_ERROR', 'page');
  });

  it('is served under /api/v1 too', async () => {
    const t = await newTenant(await getApp());
    const c = await tenantWithCustomer(t);
    const cp = await createCounterparty(t.api, bodyFor('FIAT_HK', c));
    const res = await t.api.get(`/api/v1/counterparties/${cp.id}`);
    expect([res.status, res.body.data]).toEqual([200, cp]);
  });
});

describe('tenant isolation', () => {
  it('another client’s counterparty is 404 on every route and absent from lists', async () => {
    const app = await getApp();
    const [owner, stranger] = [await newTenant(app), await newTenant(app)];
    const c = await tenantWithCustomer(owner);
    const linked = await createCounterparty(owner.api, bodyFor('FIAT_US_LINKED', c, { profile: { ...PROFILE, name: 'REVIEW' } }));
    const url = `${CP}/${linked.id}`;
    const s = stranger.api;
    expectError(await s.get(url), 404, 'NOT_FOUND', 'id');
    expectError(await s.patch(url, { description: 'mine' }), 404, 'NOT_FOUND', 'id');
    expectError(await s.patch(url, { updates: [{ field: 'status', value: 'CLOSED' }] }), 404, 'NOT_FOUND', 'id');
    expectError(await s.get(`${url}/history`), 404, 'NOT_FOUND', 'id');
    expectError(await s.post(`${url}/link/details`, { linking_provider: 'MX' }), 404, 'NOT_FOUND', 'id');
    expectError(await s.post(`${url}/link/accounts`, { linking_provider: 'MX', member_guid: 'MBR-1' }), 404, 'NOT_FOUND', 'id');
    expectError(await s.post(`${url}/link/connect`, { linking_provider: 'MX', account_link_id: 'ACT-1' }), 404, 'NOT_FOUND', 'id');
    expectError(await s.post(`/v1/simulations/counterparties/${linked.id}/screening`, { result: 'ACTIVE' }), 404, 'NOT_FOUND', 'id');
    expect((await s.get(CP)).body.data.counterparties).toEqual([]);
    expect((await s.get(`${CP}?customer_id=${c}&limit=100`)).body.data.counterparties).toEqual([]);
    expectError(await s.post(CP, bodyFor('FIAT_US', c)), 404, 'NOT_FOUND', 'customer_id');
    const mine = await owner.api.get(url);
    expect([mine.body.data.status, mine.body.data.description]).toEqual(['PENDING', undefined]);
  });

  it('the operator acting for a client sees only that client’s counterparties', async () => {
    const app = await getApp();
    const [a, b] = [await newTenant(app), await newTenant(app)];
    const ca = await createCounterparty(a.api, bodyFor('CRYPTO', await tenantWithCustomer(a)));
    await createCounterparty(b.api, bodyFor('CRYPTO', await tenantWithCustomer(b)));
    expect(ids((await a.operator.get(CP)).body.data.counterparties)).toEqual([ca.id]);
    expectError(await b.operator.get(`${CP}/${ca.id}`), 404, 'NOT_FOUND', 'id');
  });
});

describe('scopes', () => {
  it('accounts:read reads; writing needs accounts:write (403 INSUFFICIENT_SCOPE)', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const c = await tenantWithCustomer(t);
    const cp = await createCounterparty(t.api, bodyFor('FIAT_US_LINKED', c));
    const url = `${CP}/${cp.id}`;
    const reader = new Api(app, await tokenFor(app, t.clientId, t.secret, 'accounts:read'));
    expect((await reader.get(CP)).status).toBe(200);
    expect((await reader.get(url)).status).toBe(200);
    expect((await reader.get(`${url}/history`)).status).toBe(200);
    expectError(await reader.post(CP, bodyFor('FIAT_US', c)), 403, 'INSUFFICIENT_SCOPE');
    expectError(await reader.patch(url, { description: 'x' }), 403, 'INSUFFICIENT_SCOPE');
    expectError(await reader.post(`${url}/link/details`, { linking_provider: 'MX' }), 403, 'INSUFFICIENT_SCOPE');
    expectError(await reader.post(`${url}/link/accounts`, { linking_provider: 'MX', member_guid: 'MBR-1' }), 403, 'INSUFFICIENT_SCOPE');
    expectError(await reader.post(`${url}/link/connect`, { linking_provider: 'MX', account_link_id: 'ACT-1' }), 403, 'INSUFFICIENT_SCOPE');
    expectError(await reader.post(`/v1/simulations/counterparties/${cp.id}/screening`, { result: 'ACTIVE' }), 403, 'INSUFFICIENT_SCOPE');
  });

  it('customers scopes do not reach counterparties; no token is 401', async () => {
    const app = await getApp();
    const t = await newTenant(app, { tokenScope: 'customers:read customers:write' });
    expectError(await t.api.get(CP), 403, 'INSUFFICIENT_SCOPE');
    const res = await app.inject({ method: 'GET', url: CP });
    expect(res.statusCode).toBe(401);
  });
});
