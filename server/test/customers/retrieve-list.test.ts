import { describe, expect, it } from 'vitest';
import { corporationBody, getApp, individualBody, newTenant, uid } from '../helpers.js';
import { createCustomer, expectError } from './_fixtures.js';

describe('GET /v1/customers/{id}', () => {
  it('returns the customer as stored', async () => {
    const t = await newTenant(await getApp());
    const created = await createCustomer(t.api, individualBody(uid(), { occupation: 'Engineer' }));
    const res = await t.api.get(`/v1/customers/${created.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: created });
    expect(res.body.data.occupation).toBe('Engineer');
  });

  it('returns a CORPORATION with its fields and no individuals yet', async () => {
    const t = await newTenant(await getApp());
    const body = corporationBody();
    const created = await createCustomer(t.api, body);
    const res = await t.api.get(`/v1/customers/${body.id}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual(created);
    expect(res.body.data.registered_name).toBe('Acme Widgets Inc.');
    expect(res.body.data.individuals).toEqual([]);
  });

  it('answers 404 NOT_FOUND for an unknown id', async () => {
    const t = await newTenant(await getApp());
    expectError(await t.api.get('/v1/customers/no-such-customer'), 404, 'NOT_FOUND', 'id');
  });
});

describe('GET /v1/customers filters', () => {
  /** Two individuals (one FROZEN), one corporation set FROZEN_L2F by the operator, one ACTIVE corporation. */
  async function fixture() {
    const t = await newTenant(await getApp());
    const ids = { ind1: uid('i'), ind2: uid('i'), corp1: uid('k'), corp2: uid('k') };
    await createCustomer(t.api, individualBody(ids.ind1));
    await createCustomer(t.api, individualBody(ids.ind2));
    await createCustomer(t.api, corporationBody(ids.corp1));
    await createCustomer(t.api, corporationBody(ids.corp2));
    expect((await t.api.patch(`/v1/customers/${ids.ind2}`, { status: 'FROZEN' })).status).toBe(200);
    expect((await t.operator.patch(`/v1/customers/${ids.corp1}`, { status: 'FROZEN_L2F' })).status).toBe(200);
    const list = async (qs: string) => {
      const res = await t.api.get(`/v1/customers?${qs}`);
      expect(res.status, res.raw).toBe(200);
      return (res.body.data.customers as { id: string }[]).map((c) => c.id);
    };
    return { t, ids, list };
  }

  it('filters by type, and customer_type is an alias', async () => {
    const { ids, list } = await fixture();
    expect(await list('type=INDIVIDUAL')).toEqual([ids.ind2, ids.ind1]);
    expect(await list('type=CORPORATION')).toEqual([ids.corp2, ids.corp1]);
    expect(await list('customer_type=CORPORATION')).toEqual([ids.corp2, ids.corp1]);
    expect(await list('')).toEqual([ids.corp2, ids.corp1, ids.ind2, ids.ind1]);
  });

  it('filters by status, including an _L2F status, and combines filters', async () => {
    const { ids, list } = await fixture();
    expect(await list('status=FROZEN')).toEqual([ids.ind2]);
    expect(await list('status=FROZEN_L2F')).toEqual([ids.corp1]);
    expect(await list('status=ACTIVE')).toEqual([ids.corp2, ids.ind1]);
    expect(await list('status=ACTIVE&type=INDIVIDUAL')).toEqual([ids.ind1]);
    expect(await list('status=CLOSED')).toEqual([]);
  });

  it('keeps the filters in the links', async () => {
    const { t } = await fixture();
    const res = await t.api.get('/v1/customers?type=INDIVIDUAL&status=ACTIVE&page_size=1');
    expect(res.body.links).toEqual({
      self: '/v1/customers?type=INDIVIDUAL&status=ACTIVE&page=0&page_size=1',
      first: '/v1/customers?type=INDIVIDUAL&status=ACTIVE&page=0&page_size=1',
      prev: '/v1/customers?type=INDIVIDUAL&status=ACTIVE&page=0&page_size=1',
      next: '/v1/customers?type=INDIVIDUAL&status=ACTIVE&page=0&page_size=1',
      last: '/v1/customers?type=INDIVIDUAL&status=ACTIVE&page=0&page_size=1',
    });
  });

  it('refuses bad filter values', async () => {
    const t = await newTenant(await getApp());
    expectError(await t.api.get('/v1/customers?type=PERSON'), 400, 'VALIDATION_ERROR', 'type');
    expectError(await t.api.get('/v1/customers?status=OPEN'), 400, 'VALIDATION_ERROR', 'status');
    expectError(await t.api.get('/v1/customers?type=INDIVIDUAL&customer_type=CORPORATION'), 400, 'VALIDATION_ERROR', 'customer_type');
    expectError(await t.api.get('/v1/customers?colour=red'), 400, 'VALIDATION_ERROR', 'colour');
  });
});
