import { describe, expect, it } from 'vitest';
import { Api, corporationBody, getApp, individualBody, newTenant, tokenFor } from '../helpers.js';
import { createCustomer, expectError, getCustomer, historyOf, individualPerson } from './_fixtures.js';

describe('tenant isolation', () => {
  it("another client's customer is 404 everywhere and absent from lists", async () => {
    const app = await getApp();
    const [owner, stranger] = [await newTenant(app), await newTenant(app)];
    const corp = await createCustomer(owner.api, corporationBody());
    const ind = (await owner.api.post(`/v1/customers/${corp.id}/individuals`, individualPerson())).body.data;
    const c = `/v1/customers/${corp.id}`;
    const i = `${c}/individuals/${ind.id}`;
    const s = stranger.api;
    expectError(await s.get(c), 404, 'NOT_FOUND', 'id');
    expectError(await s.patch(c, { status: 'FROZEN' }), 404, 'NOT_FOUND', 'id');
    expectError(await s.patch(c, { updates: [{ field: 'trading_name', value: 'Mine' }] }), 404, 'NOT_FOUND', 'id');
    expectError(await s.get(`${c}/history`), 404, 'NOT_FOUND', 'id');
    expectError(await s.post(`${c}/individuals`, individualPerson()), 404, 'NOT_FOUND', 'id');
    expectError(await s.get(`${c}/individuals`), 404, 'NOT_FOUND', 'id');
    expectError(await s.get(i), 404, 'NOT_FOUND', 'id');
    expectError(await s.patch(i, { title: 'Boss' }), 404, 'NOT_FOUND', 'id');
    expectError(await s.get(`${i}/history`), 404, 'NOT_FOUND', 'id');
    const list = await s.get('/v1/customers');
    expect([list.status, list.body.data.customers]).toEqual([200, []]);
    expect((await s.get(`/v1/customers?limit=100`)).body.data.customers).toEqual([]);

    const mine = await createCustomer(s, corporationBody(corp.id, { registered_name: 'Stranger Ltd' }));
    expect(mine.individuals).toEqual([]);
    expectError(await s.get(i), 404, 'NOT_FOUND', 'individual_id');
    const still = await getCustomer(owner.api, corp.id);
    expect([still.status, still.registered_name, still.individuals]).toEqual(['ACTIVE', 'Acme Widgets Inc.', [ind]]);
    expect(await historyOf(owner.api, i)).toEqual([]);
  });

  it('the operator acting for a client sees only that client', async () => {
    const app = await getApp();
    const [a, b] = [await newTenant(app), await newTenant(app)];
    const ca = await createCustomer(a.api, individualBody());
    await createCustomer(b.api, individualBody());
    const listed = await a.operator.get('/v1/customers');
    expect(listed.body.data.customers.map((x: { id: string }) => x.id)).toEqual([ca.id]);
  });
});

describe('scopes and authentication', () => {
  it('a customers:read token reads but cannot write (403 INSUFFICIENT_SCOPE)', async () => {
    const app = await getApp();
    const full = await newTenant(app);
    const corp = await createCustomer(full.api, corporationBody());
    const ind = (await full.api.post(`/v1/customers/${corp.id}/individuals`, individualPerson())).body.data;
    const reader = new Api(app, await tokenFor(app, full.clientId, full.secret, 'customers:read'));
    expect((await reader.get(`/v1/customers/${corp.id}`)).status).toBe(200);
    expect((await reader.get('/v1/customers')).body.data.customers).toHaveLength(1);
    expect((await reader.get(`/v1/customers/${corp.id}/individuals/${ind.id}`)).status).toBe(200);
    expectError(await reader.post('/v1/customers', individualBody()), 403, 'INSUFFICIENT_SCOPE');
    expectError(await reader.patch(`/v1/customers/${corp.id}`, { trading_name: 'X' }), 403, 'INSUFFICIENT_SCOPE');
    expectError(await reader.post(`/v1/customers/${corp.id}/individuals`, individualPerson()), 403, 'INSUFFICIENT_SCOPE');
    expectError(await reader.patch(`/v1/customers/${corp.id}/individuals/${ind.id}`, { title: 'X' }), 403, 'INSUFFICIENT_SCOPE');
    expect((await getCustomer(full.api, corp.id)).trading_name).toBeUndefined();
  });

  it('newTenant with tokenScope customers:read gets the same refusals', async () => {
    const t = await newTenant(await getApp(), { tokenScope: 'customers:read' });
    expect((await t.api.get('/v1/customers')).status).toBe(200);
    expectError(await t.api.post('/v1/customers', individualBody()), 403, 'INSUFFICIENT_SCOPE');
    expectError(await t.api.patch('/v1/customers/any', { email: 'a@b.com' }), 403, 'INSUFFICIENT_SCOPE');
  });

  it('a token without customers scopes cannot read', async () => {
    const t = await newTenant(await getApp(), { tokenScope: 'accounts:read' });
    expectError(await t.api.get('/v1/customers'), 403, 'INSUFFICIENT_SCOPE');
  });

  it('no token or a garbage token is 401 UNAUTHORIZED', async () => {
    const app = await getApp();
    for (const headers of [{}, { authorization: 'Bearer not.a.token' }, { authorization: 'Basic abc' }]) {
      const res = await app.inject({ method: 'GET', url: '/v1/customers', headers });
      expect(res.statusCode).toBe(401);
      expect(res.json().errors.map((e: { code: string }) => e.code)).toEqual(['UNAUTHORIZED']);
    }
    const post = await app.inject({ method: 'POST', url: '/v1/customers', payload: individualBody() });
    expect(post.statusCode).toBe(401);
  });
});

describe('/api/v1 prefix', () => {
  it('serves the same routes as /v1', async () => {
    const t = await newTenant(await getApp());
    const body = individualBody();
    const created = await t.api.post('/api/v1/customers', body);
    expect(created.status).toBe(200);
    expect(await getCustomer(t.api, body.id)).toEqual(created.body.data);
    const patched = await t.api.patch(`/api/v1/customers/${body.id}`, { status: 'EDD' });
    expect([patched.status, patched.body.data.status]).toEqual([200, 'EDD']);
    const list = await t.api.get('/api/v1/customers?page_size=10');
    expect(list.body.data.customers.map((c: { id: string }) => c.id)).toEqual([body.id]);
    expect(list.body.links.self).toBe('/api/v1/customers?page=0&page_size=10');
    expect((await historyOf(t.api, `/api/v1/customers/${body.id}`)).map((h) => h.field)).toEqual(['status']);
  });
});
