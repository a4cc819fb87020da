import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { BASE_STATUSES, type BaseStatus } from '../../src/shared/status.js';
import { getApp, individualBody, newTenant, type Tenant, uid } from '../helpers.js';
import { createCustomer, expectError, getCustomer, historyOf, insertCustomer } from './_fixtures.js';

/** CONTRACT §5, written out here rather than imported, so the test checks the code. */
const ALLOWED: Record<BaseStatus, BaseStatus[]> = {
  ACTIVE: ['EDD', 'DORMANT', 'CLOSED', 'FROZEN'],
  PENDING: ['ACTIVE', 'CLOSED'],
  EDD: ['ACTIVE', 'CLOSED', 'FROZEN'],
  FROZEN: ['ACTIVE', 'CLOSED', 'EDD'],
  DORMANT: ['ACTIVE', 'CLOSED', 'EDD'],
  CLOSED: [],
};

type Outcome = 'allowed' | 'same' | 'invalid' | 'closed';
const outcome = (from: BaseStatus, to: BaseStatus): Outcome =>
  from === 'CLOSED' ? 'closed' : from === to ? 'same' : ALLOWED[from].includes(to) ? 'allowed' : 'invalid';
const CASES = BASE_STATUSES.flatMap((from) => BASE_STATUSES.map((to) => [from, to, outcome(from, to)] as const));

/** A fresh customer in `status`: created ACTIVE and moved there by the client (PENDING: inserted). */
async function customerIn(app: FastifyInstance, t: Tenant, status: BaseStatus): Promise<string> {
  const id = uid('s');
  if (status === 'PENDING') {
    await insertCustomer(app, t, id, 'PENDING');
  } else {
    await createCustomer(t.api, individualBody(id));
    if (status !== 'ACTIVE') {
      const res = await t.api.patch(`/v1/customers/${id}`, { status });
      expect(res.status, res.raw).toBe(200);
    }
  }
  expect((await getCustomer(t.api, id)).status).toBe(status);
  return id;
}

describe('customer status matrix (CONTRACT §5)', () => {
  it('has 36 cases: 15 allowed, 5 same, 10 invalid, 6 from CLOSED', () => {
    const count = (o: Outcome) => CASES.filter(([, , x]) => x === o).length;
    expect(CASES).toHaveLength(36);
    expect([count('allowed'), count('same'), count('invalid'), count('closed')]).toEqual([15, 5, 10, 6]);
  });

  it.each(CASES)('%s -> %s: %s', async (from, to, expected) => {
    const app = await getApp();
    const t = await newTenant(app);
    const id = await customerIn(app, t, from);
    const before = await historyOf(t.api, `/v1/customers/${id}`);
    const res = await t.api.patch(`/v1/customers/${id}`, { updates: [{ field: 'status', value: to }], reason: 'matrix' });
    const after = await historyOf(t.api, `/v1/customers/${id}`);
    switch (expected) {
      case 'allowed':
        expect(res.status, res.raw).toBe(200);
        expect(res.body.data.status).toBe(to);
        expect((await getCustomer(t.api, id)).status).toBe(to);
        expect(after).toHaveLength(before.length + 1);
        expect(after[0]).toMatchObject({ field: 'status', before: from, after: to, reason: 'matrix' });
        return;
      case 'same':
        expect(res.status, res.raw).toBe(200);
        expect(res.body.data.status).toBe(from);
        expect(after).toEqual(before);
        break;
      case 'invalid':
        expectError(res, 400, 'INVALID_STATUS_TRANSITION', 'status');
        expect(after).toEqual(before);
        break;
      case 'closed':
        expectError(res, 400, 'NOT_UPDATABLE', 'status');
        expect(after).toEqual(before);
        break;
    }
    expect((await getCustomer(t.api, id)).status).toBe(from);
  });

  it('the seed plain form {status} follows the same rules', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const id = await customerIn(app, t, 'FROZEN');
    expectError(await t.api.patch(`/v1/customers/${id}`, { status: 'DORMANT' }), 400, 'INVALID_STATUS_TRANSITION', 'status');
    const ok = await t.api.patch(`/v1/customers/${id}`, { status: 'EDD' });
    expect([ok.status, ok.body.data.status]).toEqual([200, 'EDD']);
  });

  it('a CLOSED customer refuses any field update with NOT_UPDATABLE', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const id = await customerIn(app, t, 'CLOSED');
    const before = await getCustomer(t.api, id);
    expectError(await t.api.patch(`/v1/customers/${id}`, { email: 'x@example.com' }), 400, 'NOT_UPDATABLE', 'status');
    expectError(
      await t.api.patch(`/v1/customers/${id}`, { updates: [{ field: 'occupation', value: 'Chef' }] }),
      400,
      'NOT_UPDATABLE',
      'status',
    );
    expectError(await t.operator.patch(`/v1/customers/${id}`, { status: 'ACTIVE' }), 400, 'NOT_UPDATABLE', 'status');
    expect(await getCustomer(t.api, id)).toEqual(before);
  });

  it('a PENDING or DORMANT customer can still be updated', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    for (const status of ['PENDING', 'DORMANT', 'EDD', 'FROZEN'] as const) {
      const id = await customerIn(app, t, status);
      const res = await t.api.patch(`/v1/customers/${id}`, { occupation: 'Chef' });
      expect([res.status, res.body.data.occupation, res.body.data.status]).toEqual([200, 'Chef', status]);
    }
  });

  it('refuses an unknown status value in both forms', async () => {
    const t = await newTenant(await getApp());
    const c = await createCustomer(t.api, individualBody());
    expectError(await t.api.patch(`/v1/customers/${c.id}`, { status: 'SUSPENDED' }), 400, 'VALIDATION_ERROR', 'status');
    expectError(
      await t.api.patch(`/v1/customers/${c.id}`, { updates: [{ field: 'status', value: 'SUSPENDED' }] }),
      400,
      'VALIDATION_ERROR',
      'status',
    );
    expect((await getCustomer(t.api, c.id)).status).toBe('ACTIVE');
  });
});
