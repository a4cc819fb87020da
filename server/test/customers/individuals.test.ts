import { describe, expect, it } from 'vitest';
import { corporationBody, getApp, individualBody, newTenant, type Tenant } from '../helpers.js';
import { createCustomer, errs, expectError, getCustomer, historyFacts, historyOf, ISO, individualPerson } from './_fixtures.js';

async function corporateWithOwner(t: Tenant, extra: Record<string, unknown> = {}) {
  const corp = await createCustomer(t.api, corporationBody());
  const res = await t.api.post(`/v1/customers/${corp.id}/individuals`, individualPerson(extra));
  expect(res.status, res.raw).toBe(200);
  return { corp, ind: res.body.data as Record<string, any>, base: `/v1/customers/${corp.id}/individuals/${res.body.data.id}` };
}

describe('POST /v1/customers/{id}/individuals', () => {
  it('adds an individual to a CORPORATION, shown by GET one, the list and the corporation', async () => {
    const t = await newTenant(await getApp());
    const { corp, ind, base } = await corporateWithOwner(t, { individual_type: ['BENEFICIAL_OWNER', 'OFFICER'], title: 'CFO' });
    const { id, created_at, updated_at, ...rest } = ind;
    expect(id).toMatch(/^ind_[0-9a-f-]{36}$/);
    expect(created_at).toMatch(ISO);
    expect(updated_at).toBe(created_at);
    expect(rest).toEqual({ customer_id: corp.id, ...individualPerson({ individual_type: ['BENEFICIAL_OWNER', 'OFFICER'], title: 'CFO' }) });

    const one = await t.api.get(base);
    expect([one.status, one.body.data]).toEqual([200, ind]);
    const list = await t.api.get(`/v1/customers/${corp.id}/individuals`);
    expect(list.status).toBe(200);
    expect(list.body.data.individuals).toEqual([ind]);
    expect(list.body.links.self).toBe(`/v1/customers/${corp.id}/individuals?page=0&page_size=20`);
    expect((await getCustomer(t.api, corp.id)).individuals).toEqual([ind]);
  });

  it('ignores a sent id and customer_id (the platform assigns them)', async () => {
    const t = await newTenant(await getApp());
    const corp = await createCustomer(t.api, corporationBody());
    const res = await t.api.post(`/v1/customers/${corp.id}/individuals`, individualPerson({ id: 'mine', customer_id: 'other' }));
    expect(res.status).toBe(200);
    expect(res.body.data.id).toMatch(/^ind_/);
    expect(res.body.data.customer_id).toBe(corp.id);
  });

  it('refuses an INDIVIDUAL customer with 400 INVALID_CUSTOMER_TYPE', async () => {
    const t = await newTenant(await getApp());
    const c = await createCustomer(t.api, individualBody());
    expectError(await t.api.post(`/v1/customers/${c.id}/individuals`, individualPerson()), 400, 'INVALID_CUSTOMER_TYPE', 'customer_type');
    expectError(await t.api.get(`/v1/customers/${c.id}/individuals`), 400, 'INVALID_CUSTOMER_TYPE', 'customer_type');
  });

  it('validates individual_type and percentage_ownership', async () => {
    const t = await newTenant(await getApp());
    const corp = await createCustomer(t.api, corporationBody());
    const url = `/v1/customers/${corp.id}/individuals`;
    expectError(await t.api.post(url, individualPerson({ percentage_ownership: 101 })), 400, 'VALIDATION_ERROR', 'percentage_ownership');
    expectError(await t.api.post(url, individualPerson({ percentage_ownership: -1 })), 400, 'VALIDATION_ERROR', 'percentage_ownership');
    expectError(await t.api.post(url, individualPerson({ individual_type: [] })), 400, 'VALIDATION_ERROR', 'individual_type');
    expectError(await t.api.post(url, individualPerson({ individual_type: ['CEO'] })), 400, 'VALIDATION_ERROR', 'individual_type.0');
    const res = await t.api.post(url, { first_name: 'J', nickname: 'JJ' });
    expect(res.status).toBe(400);
    expect(errs(res)).toEqual([
      { code: 'VALIDATION_ERROR', field: 'individual_type' },
      { code: 'VALIDATION_ERROR', field: 'last_name' },
      { code: 'VALIDATION_ERROR', field: 'nickname' },
    ]);
    expect((await t.api.get(url)).body.data.individuals).toEqual([]);
  });

  it('refuses a total ownership over 100% across individuals', async () => {
    const t = await newTenant(await getApp());
    const { corp } = await corporateWithOwner(t, { percentage_ownership: 60 });
    const url = `/v1/customers/${corp.id}/individuals`;
    expectError(await t.api.post(url, individualPerson({ percentage_ownership: 41 })), 400, 'VALIDATION_ERROR', 'percentage_ownership');
    expect((await t.api.post(url, individualPerson({ percentage_ownership: 40 }))).status).toBe(200);
    expect((await t.api.post(url, individualPerson({ individual_type: ['OFFICER'], percentage_ownership: undefined }))).status).toBe(200);
    expectError(await t.api.post(url, individualPerson({ percentage_ownership: 1 })), 400, 'VALIDATION_ERROR', 'percentage_ownership');
    expect((await t.api.get(url)).body.data.individuals).toHaveLength(3);
  });

  it('answers 404 for an unknown customer or individual', async () => {
    const t = await newTenant(await getApp());
    const { corp } = await corporateWithOwner(t);
    expectError(await t.api.post('/v1/customers/nobody/individuals', individualPerson()), 404, 'NOT_FOUND', 'id');
    expectError(await t.api.get(`/v1/customers/${corp.id}/individuals/ind_nope`), 404, 'NOT_FOUND', 'individual_id');
    expectError(await t.api.patch(`/v1/customers/${corp.id}/individuals/ind_nope`, { title: 'X' }), 404, 'NOT_FOUND', 'individual_id');
  });
});

describe('PATCH /v1/customers/{id}/individuals/{individual_id}', () => {
  it('both forms make the same change; role becomes a list; ownership_percentage is an alias', async () => {
    const t = await newTenant(await getApp());
    const a = await corporateWithOwner(t);
    const b = await corporateWithOwner(t);
    const seed = await t.api.patch(a.base, { role: 'CONTROL_PERSON', ownership_percentage: 45, email: 'j@acme.example' });
    const layer2 = await t.api.patch(b.base, {
      updates: [
        { field: 'individual_type', value: '["CONTROL_PERSON"]' },
        { field: 'percentage_ownership', value: '45' },
        { field: 'email_address', value: 'j@acme.example' },
      ],
    });
    expect([seed.status, layer2.status]).toEqual([200, 200]);
    expect(seed.body.data).toMatchObject({
      individual_type: ['CONTROL_PERSON'],
      percentage_ownership: 45,
      email_address: 'j@acme.example',
    });
    const strip = ({ id: _i, customer_id: _c, created_at: _ca, updated_at: _u, ...r }: Record<string, unknown>) => r;
    expect(strip(seed.body.data)).toEqual(strip(layer2.body.data));
    expect((await t.api.get(a.base)).body.data).toEqual(seed.body.data);
    const roles = await t.api.patch(a.base, { role: ['OFFICER', 'BENEFICIAL_OWNER'] });
    expect(roles.body.data.individual_type).toEqual(['OFFICER', 'BENEFICIAL_OWNER']);
  });

  it('keeps a history per individual', async () => {
    const t = await newTenant(await getApp());
    const { ind, base } = await corporateWithOwner(t);
    const res = await t.api.patch(base, { updates: [{ field: 'title', value: 'CEO' }], updated_by: 'hr', reason: 'promotion' });
    expect(res.status).toBe(200);
    expect(historyFacts(await historyOf(t.api, base))).toEqual([
      {
        field: 'title',
        before: null,
        after: 'CEO',
        actor: { type: 'client', client_id: t.clientId },
        updated_by: 'hr',
        reason: 'promotion',
      },
    ]);
    expect(ind.title).toBeUndefined();
  });

  it('refuses bad values and read-only changes, changing nothing', async () => {
    const t = await newTenant(await getApp());
    const { ind, base } = await corporateWithOwner(t, { percentage_ownership: 50 });
    const other = await t.api.post(`${base.split('/individuals/')[0]}/individuals`, individualPerson({ percentage_ownership: 50 }));
    expect(other.status).toBe(200);
    expectError(await t.api.patch(base, { ownership_percentage: 51 }), 400, 'VALIDATION_ERROR', 'percentage_ownership');
    expectError(await t.api.patch(base, { role: [] }), 400, 'VALIDATION_ERROR', 'individual_type');
    expectError(
      await t.api.patch(base, { updates: [{ field: 'percentage_ownership', value: '101' }] }),
      400,
      'VALIDATION_ERROR',
      'percentage_ownership',
    );
    expectError(await t.api.patch(base, { id: 'ind_other' }), 400, 'NOT_UPDATABLE', 'id');
    expectError(await t.api.patch(base, { customer_id: 'elsewhere' }), 400, 'NOT_UPDATABLE', 'customer_id');
    expectError(await t.api.patch(base, { last_name: null }), 400, 'VALIDATION_ERROR', 'last_name');
    expect((await t.api.get(base)).body.data).toEqual(ind);
    expect(await historyOf(t.api, base)).toEqual([]);
    const same = await t.api.patch(base, ind);
    expect([same.status, same.body.data]).toEqual([200, ind]);
  });
});
