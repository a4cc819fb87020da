import { describe, expect, it } from 'vitest';
import { corporationBody, getApp, individualBody, newTenant, operatorApi } from '../helpers.js';
import { createCustomer, customerEvents, expectError, getCustomer, individualPerson, insertCustomer } from './_fixtures.js';

describe('_L2F statuses (CONTRACT §5)', () => {
  it('only the operator sets and clears FROZEN_L2F; meanwhile the client reads but cannot update', async () => {
    const t = await newTenant(await getApp());
    const c = await createCustomer(t.api, individualBody());
    const url = `/v1/customers/${c.id}`;
    expectError(await t.api.patch(url, { status: 'FROZEN_L2F' }), 403, 'L2F_STATUS_RESERVED', 'status');
    expect((await getCustomer(t.api, c.id)).status).toBe('ACTIVE');

    const set = await t.operator.patch(url, { updates: [{ field: 'status', value: 'FROZEN_L2F' }], reason: 'sanctions hit' });
    expect([set.status, set.body.data.status]).toEqual([200, 'FROZEN_L2F']);

    expectError(await t.api.patch(url, { occupation: 'Chef' }), 403, 'L2F_STATUS_RESERVED', 'status');
    expectError(await t.api.patch(url, { updates: [{ field: 'email_address', value: 'a@b.com' }] }), 403, 'L2F_STATUS_RESERVED', 'status');
    expectError(await t.api.patch(url, { status: 'ACTIVE' }), 403, 'L2F_STATUS_RESERVED', 'status');
    const read = await t.api.get(url);
    expect([read.status, read.body.data.status, read.body.data.occupation]).toEqual([200, 'FROZEN_L2F', undefined]);
    const listed = await t.api.get('/v1/customers');
    expect(listed.body.data.customers.map((x: { status: string }) => x.status)).toEqual(['FROZEN_L2F']);

    const cleared = await t.operator.patch(url, { status: 'ACTIVE' });
    expect([cleared.status, cleared.body.data.status]).toEqual([200, 'ACTIVE']);
    const after = await t.api.patch(url, { occupation: 'Chef' });
    expect([after.status, after.body.data.occupation]).toEqual([200, 'Chef']);
  });

  it('the operator may update other fields of an _L2F customer; the client cannot add individuals to one', async () => {
    const t = await newTenant(await getApp());
    const c = await createCustomer(t.api, corporationBody());
    expect((await t.operator.patch(`/v1/customers/${c.id}`, { status: 'EDD_L2F' })).status).toBe(200);
    const op = await t.operator.patch(`/v1/customers/${c.id}`, { trading_name: 'Acme Ops' });
    expect([op.status, op.body.data.trading_name, op.body.data.status]).toEqual([200, 'Acme Ops', 'EDD_L2F']);
    expectError(await t.api.post(`/v1/customers/${c.id}/individuals`, individualPerson()), 403, 'L2F_STATUS_RESERVED', 'status');
  });

  it('the operator still follows the base matrix for _L2F targets', async () => {
    const t = await newTenant(await getApp());
    const c = await createCustomer(t.api, individualBody());
    expect((await t.api.patch(`/v1/customers/${c.id}`, { status: 'EDD' })).status).toBe(200);
    expectError(await t.operator.patch(`/v1/customers/${c.id}`, { status: 'PENDING_L2F' }), 400, 'INVALID_STATUS_TRANSITION', 'status');
    const ok = await t.operator.patch(`/v1/customers/${c.id}`, { status: 'EDD_L2F' });
    expect([ok.status, ok.body.data.status]).toEqual([200, 'EDD_L2F']);
  });

  it('an operator call without x-l2f-client-id is refused (400, field x-l2f-client-id)', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const c = await createCustomer(t.api, individualBody());
    const op = await operatorApi(app);
    expectError(await op.get('/v1/customers'), 400, 'VALIDATION_ERROR', 'x-l2f-client-id');
    expectError(await op.patch(`/v1/customers/${c.id}`, { status: 'FROZEN_L2F' }), 400, 'VALIDATION_ERROR', 'x-l2f-client-id');
    expect((await getCustomer(t.api, c.id)).status).toBe('ACTIVE');
  });

  it('a client sending x-l2f-client-id of another client is refused with 403 FORBIDDEN', async () => {
    const app = await getApp();
    const [a, b] = [await newTenant(app), await newTenant(app)];
    const c = await createCustomer(b.api, individualBody());
    expectError(await a.api.get(`/v1/customers/${c.id}`, { 'x-l2f-client-id': b.clientId }), 403, 'FORBIDDEN', 'x-l2f-client-id');
    expectError(
      await a.api.patch(`/v1/customers/${c.id}`, { status: 'FROZEN' }, { 'x-l2f-client-id': b.clientId }),
      403,
      'FORBIDDEN',
      'x-l2f-client-id',
    );
    expect((await getCustomer(b.api, c.id)).status).toBe('ACTIVE');
  });
});

describe('customer events', () => {
  it('writes Layer2 status events {customer:{id,status}} for create and status changes only', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const c = await createCustomer(t.api, individualBody());
    const url = `/v1/customers/${c.id}`;
    expect((await t.api.patch(url, { occupation: 'Chef' })).status).toBe(200);
    expect((await t.api.patch(url, { status: 'FROZEN' })).status).toBe(200);
    expect((await t.api.patch(url, { status: 'FROZEN' })).status).toBe(200);
    expect((await t.operator.patch(url, { status: 'FROZEN_L2F' })).status).toBe(200);
    const ev = (eventType: string, status: string) => ({
      clientId: t.clientId,
      eventType,
      resourceType: 'customer',
      eventData: { customer: { id: c.id, status } },
    });
    expect(await customerEvents(app, t.clientId, c.id)).toEqual([
      ev('CUSTOMER_ACTIVE', 'ACTIVE'),
      ev('CUSTOMER_FROZEN', 'FROZEN'),
      ev('CUSTOMER_FROZEN_L2F', 'FROZEN_L2F'),
    ]);
  });

  it('writes no event for a refused change', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const c = await createCustomer(t.api, individualBody());
    const url = `/v1/customers/${c.id}`;
    expectError(await t.api.patch(url, { status: 'PENDING' }), 400, 'INVALID_STATUS_TRANSITION', 'status');
    expectError(await t.api.patch(url, { status: 'FROZEN_L2F' }), 403, 'L2F_STATUS_RESERVED', 'status');
    expectError(await t.api.patch(url, { status: 'CLOSED', email: 'bad' }), 400, 'VALIDATION_ERROR', 'email_address');
    expectError(await t.api.post('/v1/customers', individualBody(c.id)), 409, 'DUPLICATE_ID', 'id');
    const events = await customerEvents(app, t.clientId, c.id);
    expect(events.map((e) => e.eventType)).toEqual(['CUSTOMER_ACTIVE']);
  });

  it('a customer inserted PENDING gets CUSTOMER_PENDING, then CUSTOMER_ACTIVE when activated', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    await insertCustomer(app, t, 'pending-1', 'PENDING');
    expect((await t.api.patch('/v1/customers/pending-1', { status: 'ACTIVE' })).status).toBe(200);
    const events = await customerEvents(app, t.clientId, 'pending-1');
    expect(events.map((e) => [e.eventType, e.eventData])).toEqual([
      ['CUSTOMER_PENDING', { customer: { id: 'pending-1', status: 'PENDING' } }],
      ['CUSTOMER_ACTIVE', { customer: { id: 'pending-1', status: 'ACTIVE' } }],
    ]);
  });
});
