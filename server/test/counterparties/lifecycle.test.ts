import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getApp, makeApp, newTenant } from '../helpers.js';
import {
  bodyFor,
  CP,
  createCounterparty,
  eventsOf,
  expectError,
  getCounterparty,
  historyFacts,
  historyOf,
  PROFILE,
  tenantWithCustomer,
} from './_fixtures.js';

beforeAll(async () => {
  await getApp();
});

const named = (type: string, customerId: string, name: string) => bodyFor(type, customerId, { profile: { ...PROFILE, name } });
const screening = (id: string) => `/v1/simulations/counterparties/${id}/screening`;
const ev = (id: string, status: string) => [`COUNTERPARTY_${status}`, { counterparty: { id, status } }];

describe('sandbox screening at creation (magic values in profile.name)', () => {
  it('REJECT (any case): CLOSED, with COUNTERPARTY_PENDING then COUNTERPARTY_CLOSED and a history row', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const c = await tenantWithCustomer(t);
    const cp = await createCounterparty(t.api, named('FIAT_US', c, 'Please Reject Me'));
    expect(cp.status).toBe('CLOSED');
    expect(await eventsOf(app, t.clientId, cp.id)).toEqual([ev(cp.id, 'PENDING'), ev(cp.id, 'CLOSED')]);
    expect(historyFacts(await historyOf(t.api, `${CP}/${cp.id}`))).toEqual([
      {
        field: 'status',
        before: 'PENDING',
        after: 'CLOSED',
        actor: { type: 'client', client_id: t.clientId },
        updated_by: 'screening',
        reason: 'sandbox screening at creation: REJECTED',
      },
    ]);
  });

  it('REVIEW: stays PENDING until the simulation decides; the decision is recorded and announced once', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const c = await tenantWithCustomer(t);
    const cp = await createCounterparty(t.api, named('CRYPTO', c, 'Under Review Ltd'));
    expect(cp.status).toBe('PENDING');
    expect(await eventsOf(app, t.clientId, cp.id)).toEqual([ev(cp.id, 'PENDING')]);
    const decided = await t.api.post(screening(cp.id), { result: 'ACTIVE', reason: 'names cleared' });
    expect([decided.status, decided.body.data?.status]).toEqual([200, 'ACTIVE']);
    expect(decided.body.data.updated_at > cp.updated_at).toBe(true);
    expect(await getCounterparty(t.api, cp.id)).toEqual(decided.body.data);
    expect(await eventsOf(app, t.clientId, cp.id)).toEqual([ev(cp.id, 'PENDING'), ev(cp.id, 'ACTIVE')]);
    expect(historyFacts(await historyOf(t.api, `${CP}/${cp.id}`))).toEqual([
      {
        field: 'status',
        before: 'PENDING',
        after: 'ACTIVE',
        actor: { type: 'client', client_id: t.clientId },
        updated_by: 'screening',
        reason: 'names cleared',
      },
    ]);
    expectError(await t.api.post(screening(cp.id), { result: 'REJECTED' }), 400, 'INVALID_STATUS_TRANSITION', 'status');
  });

  it('the word EDD: EDD (COUNTERPARTY_EDD); Eddie is just a name', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const c = await tenantWithCustomer(t);
    const edd = await createCounterparty(t.api, named('FIAT_US', c, 'Acme EDD Holdings'));
    expect(edd.status).toBe('EDD');
    expect(await eventsOf(app, t.clientId, edd.id)).toEqual([ev(edd.id, 'PENDING'), ev(edd.id, 'EDD')]);
    expect((await createCounterparty(t.api, named('FIAT_US', c, 'edd-trading'))).status).toBe('EDD');
    expect((await createCounterparty(t.api, named('FIAT_US', c, 'Eddie Murphy'))).status).toBe('ACTIVE');
  });

  it('the simulation decides REJECTED (CLOSED) and EDD too', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const c = await tenantWithCustomer(t);
    const a = await createCounterparty(t.api, named('FIAT_MX', c, 'REVIEW one'));
    const b = await createCounterparty(t.api, named('FIAT_MX', c, 'review two'));
    const rejected = await t.api.post(screening(a.id), { result: 'REJECTED' });
    const edd = await t.api.post(screening(b.id), { result: 'EDD' });
    expect([rejected.body.data.status, edd.body.data.status]).toEqual(['CLOSED', 'EDD']);
    expect(await eventsOf(app, t.clientId, a.id)).toEqual([ev(a.id, 'PENDING'), ev(a.id, 'CLOSED')]);
    expect(await eventsOf(app, t.clientId, b.id)).toEqual([ev(b.id, 'PENDING'), ev(b.id, 'EDD')]);
    expect((await historyOf(t.api, `${CP}/${a.id}`)).map((h) => h.reason)).toEqual(['sandbox screening: REJECTED']);
  });

  it('the simulation validates its body and finds only the client’s own counterparties', async () => {
    const app = await getApp();
    const [t, other] = [await newTenant(app), await newTenant(app)];
    const c = await tenantWithCustomer(t);
    const cp = await createCounterparty(t.api, named('FIAT_US', c, 'REVIEW me'));
    expectError(await t.api.post(screening(cp.id), { result: 'MAYBE' }), 400, 'VALIDATION_ERROR', 'result');
    expectError(await t.api.post(screening(cp.id), { result: 'ACTIVE', extra: 1 }), 400, 'VALIDATION_ERROR', 'extra');
    expectError(await t.api.post(screening('cpty_nope'), { result: 'ACTIVE' }), 404, 'NOT_FOUND', 'id');
    expectError(await other.api.post(screening(cp.id), { result: 'ACTIVE' }), 404, 'NOT_FOUND', 'id');
    expect((await getCounterparty(t.api, cp.id)).status).toBe('PENDING');
  });
});

describe('production mode: the operator screens', () => {
  let prod: FastifyInstance;
  beforeAll(async () => {
    prod = await makeApp({ LEDGERLINE_MODE: 'production' });
  });
  afterAll(async () => {
    await prod.close();
  });

  it('counterparties stay PENDING (magic values mean nothing); there is no simulation route', async () => {
    const t = await newTenant(prod);
    const c = await tenantWithCustomer(t);
    const cp = await createCounterparty(t.api, named('FIAT_US', c, 'REJECT'));
    expect(cp.status).toBe('PENDING');
    expect(await eventsOf(prod, t.clientId, cp.id)).toEqual([ev(cp.id, 'PENDING')]);
    const sim = await t.api.post(screening(cp.id), { result: 'ACTIVE' });
    expectError(sim, 404, 'NOT_FOUND');
  });

  it('the client cannot clear screening (403 FORBIDDEN) but may close; the operator activates', async () => {
    const t = await newTenant(prod);
    const c = await tenantWithCustomer(t);
    const cp = await createCounterparty(t.api, bodyFor('FIAT_GB', c));
    const url = `${CP}/${cp.id}`;
    expectError(await t.api.patch(url, { status: 'ACTIVE' }), 403, 'FORBIDDEN', 'status');
    expectError(await t.api.patch(url, { updates: [{ field: 'status', value: 'ACTIVE' }] }), 403, 'FORBIDDEN', 'status');
    expectError(await t.api.patch(url, { status: 'EDD' }), 400, 'INVALID_STATUS_TRANSITION', 'status');
    const ok = await t.operator.patch(url, {
      updates: [{ field: 'status', value: 'ACTIVE' }],
      updated_by: 'compliance',
      reason: 'screened',
    });
    expect([ok.status, ok.body.data.status]).toEqual([200, 'ACTIVE']);
    expect(await eventsOf(prod, t.clientId, cp.id)).toEqual([ev(cp.id, 'PENDING'), ev(cp.id, 'ACTIVE')]);
    expect(historyFacts(await historyOf(t.api, url))).toEqual([
      {
        field: 'status',
        before: 'PENDING',
        after: 'ACTIVE',
        actor: { type: 'operator', client_id: 'test-operator' },
        updated_by: 'compliance',
        reason: 'screened',
      },
    ]);
    const other = await createCounterparty(t.api, bodyFor('FIAT_GB', c));
    const closed = await t.api.patch(`${CP}/${other.id}`, { status: 'CLOSED' });
    expect([closed.status, closed.body.data.status]).toEqual([200, 'CLOSED']);
  });
});

describe('status machine (CONTRACT §5)', () => {
  it('walks ACTIVE → FROZEN → ACTIVE → DORMANT → EDD → FROZEN → CLOSED, one event each; then nothing changes', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const c = await tenantWithCustomer(t);
    const cp = await createCounterparty(t.api, bodyFor('FIAT_US', c));
    const url = `${CP}/${cp.id}`;
    const walk = ['FROZEN', 'ACTIVE', 'DORMANT', 'EDD', 'FROZEN', 'CLOSED'];
    for (const status of walk) {
      const res = await t.api.patch(url, { status });
      expect([status, res.status, res.body.data?.status]).toEqual([status, 200, status]);
    }
    expect((await eventsOf(app, t.clientId, cp.id)).map(([type]) => type)).toEqual([
      'COUNTERPARTY_PENDING',
      'COUNTERPARTY_ACTIVE',
      ...walk.map((s) => `COUNTERPARTY_${s}`),
    ]);
    expectError(await t.api.patch(url, { status: 'ACTIVE' }), 400, 'NOT_UPDATABLE', 'status');
    expectError(await t.api.patch(url, { description: 'x' }), 400, 'NOT_UPDATABLE', 'status');
  });

  it('refuses moves outside the matrix, and a status that does not exist', async () => {
    const t = await newTenant(await getApp());
    const c = await tenantWithCustomer(t);
    const cp = await createCounterparty(t.api, bodyFor('CRYPTO', c));
    const url = `${CP}/${cp.id}`;
    expectError(await t.api.patch(url, { status: 'PENDING' }), 400, 'INVALID_STATUS_TRANSITION', 'status');
    expect((await t.api.patch(url, { status: 'DORMANT' })).status).toBe(200);
    expectError(await t.api.patch(url, { status: 'FROZEN' }), 400, 'INVALID_STATUS_TRANSITION', 'status');
    expectError(await t.api.patch(url, { status: 'OPEN' }), 400, 'VALIDATION_ERROR', 'status');
    expectError(await t.api.patch(url, { updates: [{ field: 'status', value: 'OPEN' }] }), 400, 'VALIDATION_ERROR', 'status');
    const same = await t.api.patch(url, { status: 'DORMANT' });
    expect([same.status, same.body.data.updated_at]).toEqual([200, (await getCounterparty(t.api, cp.id)).updated_at]);
  });

  it('_L2F statuses: only the operator sets or clears them; meanwhile the client reads but cannot update', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const c = await tenantWithCustomer(t);
    const cp = await createCounterparty(t.api, bodyFor('FIAT_US', c));
    const url = `${CP}/${cp.id}`;
    expectError(await t.api.patch(url, { status: 'FROZEN_L2F' }), 403, 'L2F_STATUS_RESERVED', 'status');
    const set = await t.operator.patch(url, { status: 'FROZEN_L2F', reason: 'sanctions hit' });
    expect([set.status, set.body.data.status]).toEqual([200, 'FROZEN_L2F']);
    expectError(await t.api.patch(url, { description: 'mine' }), 403, 'L2F_STATUS_RESERVED', 'status');
    expectError(await t.api.patch(url, { status: 'ACTIVE' }), 403, 'L2F_STATUS_RESERVED', 'status');
    expect((await getCounterparty(t.api, cp.id)).status).toBe('FROZEN_L2F');
    expect((await t.operator.patch(url, { status: 'ACTIVE' })).body.data.status).toBe('ACTIVE');
    expect((await eventsOf(app, t.clientId, cp.id)).map(([type]) => type)).toEqual([
      'COUNTERPARTY_PENDING',
      'COUNTERPARTY_ACTIVE',
      'COUNTERPARTY_FROZEN_L2F',
      'COUNTERPARTY_ACTIVE',
    ]);
  });
});

describe('closing the customer', () => {
  it('closes its counterparties in the same transaction; one held by the operator (_L2F) stops the client', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const c = await tenantWithCustomer(t);
    const a = await createCounterparty(t.api, bodyFor('FIAT_US', c));
    const b = await createCounterparty(t.api, bodyFor('FIAT_US', c));
    expect((await t.operator.patch(`${CP}/${b.id}`, { status: 'FROZEN_L2F' })).status).toBe(200);
    expectError(await t.api.patch(`/v1/customers/${c}`, { status: 'CLOSED' }), 403, 'L2F_STATUS_RESERVED', 'status');
    expect([(await getCounterparty(t.api, a.id)).status, (await t.api.get(`/v1/customers/${c}`)).body.data.status]).toEqual([
      'ACTIVE',
      'ACTIVE',
    ]);

    expect((await t.operator.patch(`/v1/customers/${c}`, { status: 'CLOSED' })).status).toBe(200);
    expect([(await getCounterparty(t.api, a.id)).status, (await getCounterparty(t.api, b.id)).status]).toEqual(['CLOSED', 'CLOSED']);
    expect((await eventsOf(app, t.clientId, a.id)).map(([type]) => type).at(-1)).toBe('COUNTERPARTY_CLOSED');
    expect(historyFacts(await historyOf(t.api, `${CP}/${a.id}`)).at(0)).toMatchObject({
      field: 'status',
      before: 'ACTIVE',
      after: 'CLOSED',
    });
  });
});
