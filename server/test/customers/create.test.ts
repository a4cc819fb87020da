import { describe, expect, it } from 'vitest';
import { corporationBody, getApp, individualBody, newTenant, uid } from '../helpers.js';
import { createCustomer, errs, expectError, getCustomer, ISO } from './_fixtures.js';

describe('POST /v1/customers: happy paths', () => {
  it('creates an INDIVIDUAL, ACTIVE, echoing every field sent', async () => {
    const t = await newTenant(await getApp());
    const body = individualBody(uid(), {
      middle_name: 'King',
      us_residency_status: 'NON_RESIDENT_ALIEN',
      employment_status: 'SELF_EMPLOYED',
      investment_profile: { total_assets: 'TEN_TO_100K', primary_source_of_funds: 'SAVINGS' },
      kyc_profile: { engage_in_activities: ['NONE'], funds_send_receive_jurisdictions: ['GB', 'US'] },
    });
    const res = await t.api.post('/v1/customers', body);
    expect(res.status).toBe(200);
    const { created_at, updated_at, ...rest } = res.body.data;
    expect(rest).toEqual({ ...body, status: 'ACTIVE', accounts: [] });
    expect(created_at).toMatch(ISO);
    expect(updated_at).toBe(created_at);
    expect(Object.keys(res.body)).toEqual(['data']);
  });

  it('creates a CORPORATION with individuals: [] and accounts: []', async () => {
    const t = await newTenant(await getApp());
    const body = corporationBody(uid(), { trading_name: 'Acme', naics: '5112', telephone_number: '+14155550100' });
    const res = await t.api.post('/v1/customers', body);
    expect(res.status).toBe(200);
    const { created_at, updated_at, ...rest } = res.body.data;
    expect(rest).toEqual({ ...body, status: 'ACTIVE', accounts: [], individuals: [] });
    expect(created_at).toMatch(ISO);
    expect(updated_at).toMatch(ISO);
  });

  it('refuses an unregulated client with 403 FORBIDDEN pointing at applications', async () => {
    const t = await newTenant(await getApp(), { regulated: false });
    const res = await t.api.post('/v1/customers', individualBody());
    expectError(res, 403, 'FORBIDDEN');
    expect(res.body.errors[0].description).toMatch(/application/i);
  });

  it('refuses a duplicate id for the same client (409) but not for another client', async () => {
    const app = await getApp();
    const [a, b] = [await newTenant(app), await newTenant(app)];
    const id = uid();
    await createCustomer(a.api, individualBody(id));
    expectError(await a.api.post('/v1/customers', corporationBody(id)), 409, 'DUPLICATE_ID', 'id');
    const other = await b.api.post('/v1/customers', individualBody(id));
    expect(other.status).toBe(200);
    expect(other.body.data.id).toBe(id);
  });

  it('accepts and ignores read-only fields (status stays ACTIVE)', async () => {
    const t = await newTenant(await getApp());
    const body = individualBody(uid());
    const res = await t.api.post('/v1/customers', {
      ...body,
      status: 'FROZEN',
      created_at: '2000-01-01T00:00:00Z',
      updated_at: '2000-01-01T00:00:00Z',
      accounts: [{ id: 'acc-1', asset_type_id: 'FIAT_TESTNET_USD', status: 'OPEN' }],
    });
    expect(res.status).toBe(200);
    expect(res.body.data.status).toBe('ACTIVE');
    expect(res.body.data.accounts).toEqual([]);
    expect(res.body.data.created_at).not.toBe('2000-01-01T00:00:00Z');
    const stored = await getCustomer(t.api, body.id);
    expect(stored.status).toBe('ACTIVE');
    expect(stored.created_at).toBe(res.body.data.created_at);
  });
});

describe('POST /v1/customers: validation', () => {
  const bad = async (body: Record<string, unknown>) => {
    const t = await newTenant(await getApp());
    const res = await t.api.post('/v1/customers', body);
    expect(res.status, res.raw).toBe(400);
    return errs(res);
  };
  const v = (field: string) => ({ code: 'VALIDATION_ERROR', field });
  const without = (body: Record<string, unknown>, key: string) => Object.fromEntries(Object.entries(body).filter(([k]) => k !== key));

  it.each([
    ['first_name', 'INDIVIDUAL'],
    ['last_name', 'INDIVIDUAL'],
    ['registered_name', 'CORPORATION'],
  ])('requires %s on %s', async (field, type) => {
    const body = type === 'INDIVIDUAL' ? individualBody() : corporationBody();
    expect(await bad(without(body, field))).toEqual([v(field)]);
  });

  it('gives one entry per unknown field', async () => {
    expect(await bad(individualBody(uid(), { foo: 1, bar: 'x', baz: null }))).toEqual([v('foo'), v('bar'), v('baz')]);
  });

  it.each([
    ['email_address', 'not-an-email'],
    ['telephone_number', '4155550101'],
    ['telephone_number', '+0123'],
    ['nationality', 'XX'],
    ['nationality', 'usa'],
    ['nationality', 'us'],
    ['date_of_birth', '2999-01-01'],
    ['date_of_birth', '2021-02-30'],
    ['us_residency_status', 'ALIEN'],
    ['employment_status', 'STUDENT'],
  ])('refuses %s = %j', async (field, value) => {
    expect(await bad(individualBody(uid(), { [field]: value }))).toEqual([v(field)]);
  });

  it.each(['XX', 'usa', 'us'])('refuses mailing_address.country_code %j', async (code) => {
    const body = individualBody(uid(), { mailing_address: { city: 'Paris', country_code: code } });
    expect(await bad(body)).toEqual([v('mailing_address.country_code')]);
  });

  it('refuses bad enums inside the profiles, at their nested paths', async () => {
    const body = individualBody(uid(), {
      investment_profile: { total_assets: 'LOTS' },
      kyc_profile: { engage_in_activities: ['NONE', 'PIRACY'] },
    });
    expect(await bad(body)).toEqual([v('investment_profile.total_assets'), v('kyc_profile.engage_in_activities.1')]);
  });

  it('requires corporate_entity_type_description when the type is OTHER', async () => {
    expect(await bad(corporationBody(uid(), { corporate_entity_type: 'OTHER' }))).toEqual([v('corporate_entity_type_description')]);
    const t = await newTenant(await getApp());
    const ok = await t.api.post(
      '/v1/customers',
      corporationBody(uid(), { corporate_entity_type: 'OTHER', corporate_entity_type_description: 'DAO' }),
    );
    expect(ok.status).toBe(200);
  });

  it('refuses an unknown customer_type', async () => {
    const t = await newTenant(await getApp());
    const res = await t.api.post('/v1/customers', individualBody(uid(), { customer_type: 'PERSON' }));
    expect(res.status).toBe(400);
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors[0].code).toBe('VALIDATION_ERROR');
    expect(res.body.errors[0].description).toContain('customer_type');
  });

  it.each([
    ['a slash', 'abc/def'],
    ['200 characters', 'a'.repeat(200)],
    ['a leading dash', '-abc'],
  ])('refuses an id with %s', async (_what, id) => {
    expect(await bad(individualBody(id))).toEqual([v('id')]);
  });

  it('gives three entries for three bad fields', async () => {
    const body = individualBody(uid(), { email_address: 'nope', telephone_number: '4155550101', nationality: 'XX' });
    expect(await bad(body)).toEqual([v('email_address'), v('telephone_number'), v('nationality')]);
  });

  it('answers malformed JSON with 400 INVALID_JSON', async () => {
    const t = await newTenant(await getApp());
    const res = await t.api.request('POST', '/v1/customers', '{"id": "x", ', { 'content-type': 'application/json' });
    expectError(res, 400, 'INVALID_JSON');
  });

  it('creates nothing when refused', async () => {
    const t = await newTenant(await getApp());
    const id = uid();
    expectError(await t.api.post('/v1/customers', individualBody(id, { email_address: 'nope' })), 400, 'VALIDATION_ERROR', 'email_address');
    expectError(await t.api.get(`/v1/customers/${id}`), 404, 'NOT_FOUND', 'id');
  });
});
