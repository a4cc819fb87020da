import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { getApp, newTenant, type Tenant } from '../helpers.js';
import { customerWithAccount, DEPOSITS, eventsOf, expectError, forceAccountStatus, getAccount, historyOf } from './_fixtures.js';

// The worker's app boots (migrations included) in a hook, not inside the first test's time budget.
beforeAll(() => getApp());

/** CONTRACT §5 with OPEN in place of ACTIVE, written out here rather than imported. */
const STATUSES = ['OPEN', 'PENDING', 'EDD', 'FROZEN', 'DORMANT', 'CLOSED'] as const;
type S = (typeof STATUSES)[number];
const ALLOWED: Record<S, S[]> = {
  OPEN: ['EDD', 'DORMANT', 'CLOSED', 'FROZEN'],
  PENDING: ['OPEN', 'CLOSED'],
  EDD: ['OPEN', 'CLOSED', 'FROZEN'],
  FROZEN: ['OPEN', 'CLOSED', 'EDD'],
  DORMANT: ['OPEN', 'CLOSED', 'EDD'],
  CLOSED: [],
};

type Outcome = 'allowed' | 'same' | 'invalid' | 'closed';
const outcome = (from: S, to: S): Outcome =>
  from === 'CLOSED' ? 'closed' : from === to ? 'same' : ALLOWED[from].includes(to) ? 'allowed' : 'invalid';
const CASES = STATUSES.flatMap((from) => STATUSES.map((to) => [from, to, outcome(from, to)] as const));

/**
 * A fresh account in `status`, reached through the API. PENDING cannot be reached from OPEN
 * (OPEN may become EDD, DORMANT, CLOSED, FROZEN; the operator follows the same matrix), so that
 * one row is set up by writing the status directly.
 */
async function accountIn(app: FastifyInstance, t: Tenant, status: S): Promise<string> {
  const { accountId } = await customerWithAccount(t);
  if (status === 'PENDING') {
    expectError(await t.operator.patch(`${DEPOSITS}/${accountId}`, { status: 'PENDING' }), 400, 'INVALID_STATUS_TRANSITION', 'status');
    expectError(await t.operator.patch(`${DEPOSITS}/${accountId}`, { status: 'PENDING_L2F' }), 400, 'INVALID_STATUS_TRANSITION', 'status');
    await forceAccountStatus(app, t.clientId, accountId, 'PENDING');
  } else if (status !== 'OPEN') {
    const res = await t.api.patch(`${DEPOSITS}/${accountId}`, { status });
    expect(res.status, res.raw).toBe(200);
  }
  expect((await getAccount(t.api, accountId)).status).toBe(status);
  return accountId;
}

describe('account status matrix (CONTRACT §5, OPEN for ACTIVE)', () => {
  it('has 36 cases: 15 allowed, 5 same, 10 invalid, 6 from CLOSED', () => {
    const count = (o: Outcome) => CASES.filter(([, , x]) => x === o).length;
    expect(CASES).toHaveLength(36);
    expect([count('allowed'), count('same'), count('invalid'), count('closed')]).toEqual([15, 5, 10, 6]);
  });

  it.each(CASES)('%s -> %s: %s', async (from, to, expected) => {
    const app = await getApp();
    const t = await newTenant(app);
    const id = await accountIn(app, t, from);
    const url = `${DEPOSITS}/${id}`;
    const before = await historyOf(t.api, url);
    const eventsBefore = await eventsOf(app, t.clientId, id);
    const res = await t.api.patch(url, { updates: [{ field: 'status', value: to }], updated_by: 'ops@fintech', reason: 'matrix' });
    const after = await historyOf(t.api, url);
    switch (expected) {
      case 'allowed':
        expect(res.status, res.raw).toBe(200);
        expect(res.body.data.status).toBe(to);
        expect((await getAccount(t.api, id)).status).toBe(to);
        expect(after).toHaveLength(before.length + 1);
        expect(after[0]).toMatchObject({
          field: 'status',
          before: from,
          after: to,
          reason: 'matrix',
          updated_by: 'ops@fintech',
          actor: { type: 'client', client_id: t.clientId },
        });
        expect(await eventsOf(app, t.clientId, id)).toEqual([...eventsBefore, [`ACCOUNT_${to}`, { account: { id, status: to } }]]);
        return;
      case 'same':
        expect(res.status, res.raw).toBe(200);
        expect(res.body.data.status).toBe(from);
        break;
      case 'invalid':
        expectError(res, 400, 'INVALID_STATUS_TRANSITION', 'status');
        break;
      case 'closed':
        expectError(res, 400, 'NOT_UPDATABLE', 'status');
        break;
    }
    expect(after).toEqual(before);
    expect(await eventsOf(app, t.clientId, id)).toEqual(eventsBefore);
    expect((await getAccount(t.api, id)).status).toBe(from);
  });

  it('the plain form {status} follows the same rules; ACTIVE is an alias of OPEN', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const id = await accountIn(app, t, 'FROZEN');
    const url = `${DEPOSITS}/${id}`;
    expectError(await t.api.patch(url, { status: 'DORMANT' }), 400, 'INVALID_STATUS_TRANSITION', 'status');
    const back = await t.api.patch(url, { status: 'ACTIVE' });
    expect([back.status, back.body.data.status]).toEqual([200, 'OPEN']);
    expect((await historyOf(t.api, url))[0]).toMatchObject({ field: 'status', before: 'FROZEN', after: 'OPEN' });
    const again = await t.api.patch(url, { updates: [{ field: 'status', value: 'ACTIVE' }] });
    expect([again.status, again.body.data.status]).toEqual([200, 'OPEN']);
    expect(await historyOf(t.api, url)).toHaveLength(2);
    expectError(await t.api.patch(url, { status: 'SUSPENDED' }), 400, 'VALIDATION_ERROR', 'status');
    expectError(await t.api.patch(url, { updates: [{ field: 'status', value: 'SUSPENDED' }] }), 400, 'VALIDATION_ERROR', 'status');
  });
});
