import { describe, expect, it } from 'vitest';
import { corporationBody, getApp, individualBody, newTenant, OPERATOR, uid } from '../helpers.js';
import { createCustomer, errs, expectError, getCustomer, historyFacts, historyOf } from './_fixtures.js';

const NEW_ADDRESS = { address_line1: '5 Rue de Rivoli', city: 'Paris', state: 'IDF', postal_code: '75001', country_code: 'FR' };
const withoutTimes = ({ id: _i, created_at: _c, updated_at: _u, ...rest }: Record<string, unknown>) => rest;

describe('PATCH /v1/customers/{id}: both forms', () => {
  it('applies the Layer2 updates list (dotted paths, JSON-encoded arrays) and records history', async () => {
    const t = await newTenant(await getApp());
    const c = await createCustomer(t.api, individualBody());
    const res = await t.api.patch(`/v1/customers/${c.id}`, {
      updates: [
        { field: 'mailing_address.city', value: 'Paris' },
        { field: 'kyc_profile.engage_in_activities', value: '["FIREARMS"]' },
      ],
      updated_by: 'ops@fintech',
      reason: 'customer moved',
    });
    expect(res.status).toBe(200);
    expect(res.body.data.mailing_address).toEqual({ ...c.mailing_address, city: 'Paris' });
    expect(res.body.data.kyc_profile).toEqual({ engage_in_activities: ['FIREARMS'] });
    expect(res.body.data.updated_at > c.updated_at).toBe(true);
    expect(await getCustomer(t.api, c.id)).toEqual(res.body.data);
    const actor = { type: 'client', client_id: t.clientId };
    const meta = { actor, updated_by: 'ops@fintech', reason: 'customer moved' };
    expect(historyFacts(await historyOf(t.api, `/v1/customers/${c.id}`))).toEqual([
      { field: 'kyc_profile.engage_in_activities', before: null, after: ['FIREARMS'], ...meta },
      { field: 'mailing_address.city', before: 'New York', after: 'Paris', ...meta },
    ]);
  });

  it('the seed form {email, phone, address} makes the same change as the Layer2 form', async () => {
    const t = await newTenant(await getApp());
    const a = await createCustomer(t.api, individualBody());
    const b = await createCustomer(t.api, individualBody());
    const seed = await t.api.patch(`/v1/customers/${a.id}`, { email: 'new@example.com', phone: '+33123456789', address: NEW_ADDRESS });
    const layer2 = await t.api.patch(`/v1/customers/${b.id}`, {
      updates: [
        { field: 'email_address', value: 'new@example.com' },
        { field: 'telephone_number', value: '+33123456789' },
        { field: 'mailing_address', value: JSON.stringify(NEW_ADDRESS) },
      ],
    });
    expect([seed.status, layer2.status]).toEqual([200, 200]);
    expect(seed.body.data.email_address).toBe('new@example.com');
    expect(seed.body.data.telephone_number).toBe('+33123456789');
    expect(seed.body.data.mailing_address).toEqual(NEW_ADDRESS);
    expect(withoutTimes(seed.body.data)).toEqual(withoutTimes(layer2.body.data));
    const facts = async (id: string) => historyFacts(await historyOf(t.api, `/v1/customers/${id}`)).map((h) => [h.field, h.after]);
    expect(await facts(a.id)).toEqual(await facts(b.id));
    expect((await facts(a.id)).map(([f]) => f)).toEqual([
      'email_address',
      'mailing_address.address_line1',
      'mailing_address.city',
      'mailing_address.country_code',
      'mailing_address.postal_code',
      'mailing_address.state',
      'telephone_number',
    ]);
  });

  it('a partial address in the seed form merges, like a dotted path in the Layer2 form', async () => {
    const t = await newTenant(await getApp());
    const a = await createCustomer(t.api, individualBody());
    const b = await createCustomer(t.api, individualBody());
    const seed = await t.api.patch(`/v1/customers/${a.id}`, { address: { city: 'Boston', state: 'MA' } });
    const layer2 = await t.api.patch(`/v1/customers/${b.id}`, {
      updates: [
        { field: 'mailing_address.city', value: 'Boston' },
        { field: 'mailing_address.state', value: 'MA' },
      ],
    });
    expect(seed.body.data.mailing_address).toEqual({ ...a.mailing_address, city: 'Boston', state: 'MA' });
    expect(withoutTimes(seed.body.data)).toEqual(withoutTimes(layer2.body.data));
  });

  it('address maps to registered_address on a CORPORATION', async () => {
    const t = await newTenant(await getApp());
    const c = await createCustomer(t.api, corporationBody());
    const res = await t.api.patch(`/v1/customers/${c.id}`, { address: { city: 'Austin', state: 'TX' }, email: 'cfo@acme.example' });
    expect(res.status).toBe(200);
    expect(res.body.data.registered_address).toEqual({ ...c.registered_address, city: 'Austin', state: 'TX' });
    expect(res.body.data.email_address).toBe('cfo@acme.example');
    expect(res.body.data.mailing_address).toBeUndefined();
    expect(res.body.data.physical_address).toBeUndefined();
  });

  it('is whole or nothing: one bad update refuses all, with no history', async () => {
    const t = await newTenant(await getApp());
    const c = await createCustomer(t.api, individualBody());
    const res = await t.api.patch(`/v1/customers/${c.id}`, {
      updates: [
        { field: 'occupation', value: 'Engineer' },
        { field: 'email_address', value: 'not-an-email' },
      ],
    });
    expectError(res, 400, 'VALIDATION_ERROR', 'email_address');
    expect(await getCustomer(t.api, c.id)).toEqual(c);
    expect(await historyOf(t.api, `/v1/customers/${c.id}`)).toEqual([]);
    const plain = await t.api.patch(`/v1/customers/${c.id}`, { occupation: 'Engineer', phone: '12345' });
    expectError(plain, 400, 'VALIDATION_ERROR', 'telephone_number');
    expect(await getCustomer(t.api, c.id)).toEqual(c);
  });
});

describe('PATCH /v1/customers/{id}: what cannot change', () => {
  it.each([
    ['id', 'other-id'],
    ['customer_type', 'CORPORATION'],
  ])('refuses changing %s with NOT_UPDATABLE', async (field, value) => {
    const t = await newTenant(await getApp());
    const c = await createCustomer(t.api, individualBody());
    expectError(await t.api.patch(`/v1/customers/${c.id}`, { updates: [{ field, value }] }), 400, 'NOT_UPDATABLE', field);
    expectError(await t.api.patch(`/v1/customers/${c.id}`, { [field]: value }), 400, 'NOT_UPDATABLE', field);
    expect(await getCustomer(t.api, c.id)).toEqual(c);
  });

  it('refuses timestamps and accounts in the updates list', async () => {
    const t = await newTenant(await getApp());
    const c = await createCustomer(t.api, individualBody());
    const res = await t.api.patch(`/v1/customers/${c.id}`, {
      updates: [
        { field: 'created_at', value: '2000-01-01T00:00:00Z' },
        { field: 'accounts', value: '[]' },
      ],
    });
    expect(res.status).toBe(400);
    expect(errs(res)).toEqual([
      { code: 'NOT_UPDATABLE', field: 'created_at' },
      { code: 'NOT_UPDATABLE', field: 'accounts' },
    ]);
  });

  it.each(['INDIVIDUAL', 'CORPORATION'])('accepts a %s sent back unchanged: 200, no history', async (type) => {
    const t = await newTenant(await getApp());
    const c = await createCustomer(t.api, type === 'INDIVIDUAL' ? individualBody() : corporationBody());
    const res = await t.api.patch(`/v1/customers/${c.id}`, c);
    expect(res.status, res.raw).toBe(200);
    expect(res.body.data).toEqual(c);
    expect(await historyOf(t.api, `/v1/customers/${c.id}`)).toEqual([]);
  });

  it('refuses an unknown field in both forms', async () => {
    const t = await newTenant(await getApp());
    const c = await createCustomer(t.api, individualBody());
    expectError(
      await t.api.patch(`/v1/customers/${c.id}`, { updates: [{ field: 'mailing_address.planet', value: 'Mars' }] }),
      400,
      'VALIDATION_ERROR',
      'updates.0.field',
    );
    expectError(await t.api.patch(`/v1/customers/${c.id}`, { favourite_colour: 'red' }), 400, 'VALIDATION_ERROR', 'favourite_colour');
    expectError(
      await t.api.patch(`/v1/customers/${c.id}`, { updates: [{ field: 'registered_name', value: 'X' }] }),
      400,
      'VALIDATION_ERROR',
      'updates.0.field',
    );
  });

  it('refuses a body mixing the updates list and plain fields', async () => {
    const t = await newTenant(await getApp());
    const c = await createCustomer(t.api, individualBody());
    const res = await t.api.patch(`/v1/customers/${c.id}`, { updates: [{ field: 'occupation', value: 'Chef' }], email: 'x@y.com' });
    expectError(res, 400, 'VALIDATION_ERROR', 'email');
  });

  it('null removes an optional field; a required one cannot be removed', async () => {
    const t = await newTenant(await getApp());
    const c = await createCustomer(t.api, individualBody(uid(), { occupation: 'Engineer' }));
    const res = await t.api.patch(`/v1/customers/${c.id}`, { updates: [{ field: 'email_address', value: null }] });
    expect(res.status).toBe(200);
    expect('email_address' in res.body.data).toBe(false);
    const plain = await t.api.patch(`/v1/customers/${c.id}`, { occupation: null });
    expect(plain.status).toBe(200);
    expect('occupation' in plain.body.data).toBe(false);
    expectError(await t.api.patch(`/v1/customers/${c.id}`, { first_name: null }), 400, 'VALIDATION_ERROR', 'first_name');
    expectError(
      await t.api.patch(`/v1/customers/${c.id}`, { updates: [{ field: 'last_name', value: null }] }),
      400,
      'VALIDATION_ERROR',
      'last_name',
    );
    const after = await getCustomer(t.api, c.id);
    expect([after.first_name, after.last_name]).toEqual(['Ada', 'Lovelace']);
    expect(historyFacts(await historyOf(t.api, `/v1/customers/${c.id}`)).map((h) => [h.field, h.before, h.after])).toEqual([
      ['email_address', 'ada@example.com', null],
      ['occupation', 'Engineer', null],
    ]);
  });
});

describe('GET /v1/customers/{id}/history', () => {
  it('records who changed what: client and operator', async () => {
    const t = await newTenant(await getApp());
    const c = await createCustomer(t.api, individualBody());
    expect((await t.api.patch(`/v1/customers/${c.id}`, { occupation: 'Chef' })).status).toBe(200);
    const op = await t.operator.patch(`/v1/customers/${c.id}`, {
      updates: [{ field: 'status', value: 'EDD' }],
      updated_by: 'compliance',
      reason: 'review',
    });
    expect(op.status).toBe(200);
    const rows = await historyOf(t.api, `/v1/customers/${c.id}`);
    expect(rows.map(({ id: _i, created_at: _c, ...r }) => r)).toEqual([
      {
        field: 'status',
        before: 'ACTIVE',
        after: 'EDD',
        actor: { type: 'operator', client_id: OPERATOR.id },
        updated_by: 'compliance',
        reason: 'review',
      },
      {
        field: 'occupation',
        before: null,
        after: 'Chef',
        actor: { type: 'client', client_id: t.clientId },
        updated_by: null,
        reason: null,
      },
    ]);
    expect(rows[0]?.id).toMatch(/^hist_/);
  });

  it('answers 404 for an unknown customer', async () => {
    const t = await newTenant(await getApp());
    expectError(await t.api.get('/v1/customers/nobody/history'), 404, 'NOT_FOUND', 'id');
  });
});
