import { beforeAll, describe, expect, it } from 'vitest';
import { getApp, newTenant } from '../helpers.js';
import { customerWithAccount, DEPOSITS, errs, eventsOf, expectError, getAccount, historyOf } from './_fixtures.js';

// The worker's app boots (migrations included) in a hook, not inside the first test's time budget.
beforeAll(() => getApp());

describe('PATCH /v1/accounts/deposits/{id}', () => {
  it('both forms freeze and reopen; history keeps who, updated_by, reason, before and after', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const { accountId: id, account } = await customerWithAccount(t);
    const url = `${DEPOSITS}/${id}`;
    const frozen = await t.api.patch(url, { updates: [{ field: 'status', value: 'FROZEN' }], updated_by: 'alice', reason: 'fraud check' });
    expect(frozen.status, frozen.raw).toBe(200);
    expect(frozen.body.data).toMatchObject({ ...account, status: 'FROZEN', updated_at: expect.any(String) });
    expect(frozen.body.data.updated_at >= account.updated_at).toBe(true);
    const open = await t.api.patch(url, { status: 'OPEN', reason: 'cleared' });
    expect([open.status, open.body.data.status]).toEqual([200, 'OPEN']);
    const history = await historyOf(t.api, url);
    expect(history.map(({ id: _i, created_at: _c, ...h }) => h)).toEqual([
      {
        field: 'status',
        before: 'FROZEN',
        after: 'OPEN',
        actor: { type: 'client', client_id: t.clientId },
        updated_by: null,
        reason: 'cleared',
      },
      {
        field: 'status',
        before: 'OPEN',
        after: 'FROZEN',
        actor: { type: 'client', client_id: t.clientId },
        updated_by: 'alice',
        reason: 'fraud check',
      },
    ]);
    expect(await eventsOf(app, t.clientId, id)).toEqual([
      ['ACCOUNT_OPEN', { account: { id, status: 'OPEN' } }],
      ['ACCOUNT_FROZEN', { account: { id, status: 'FROZEN' } }],
      ['ACCOUNT_OPEN', { account: { id, status: 'OPEN' } }],
    ]);
  });

  it('only status is updatable: other fields are refused, read-only fields sent back unchanged are ignored', async () => {
    const t = await newTenant(await getApp());
    const { accountId: id, account } = await customerWithAccount(t);
    const url = `${DEPOSITS}/${id}`;
    expectError(await t.api.patch(url, { updates: [{ field: 'product_id', value: 'X' }] }), 400, 'NOT_UPDATABLE', 'product_id');
    expectError(await t.api.patch(url, { updates: [{ field: 'nickname', value: 'X' }] }), 400, 'VALIDATION_ERROR', 'updates.0.field');
    expectError(await t.api.patch(url, { asset_type_id: 'FIAT_TESTNET_EUR' }), 400, 'NOT_UPDATABLE', 'asset_type_id');
    expectError(await t.api.patch(url, { customer_id: 'someone-else' }), 400, 'NOT_UPDATABLE', 'customer_id');
    expectError(await t.api.patch(url, { updates: [{ field: 'current_balance', value: '100' }] }), 400, 'NOT_UPDATABLE', 'current_balance');
    expectError(await t.api.patch(url, { nickname: 'savings' }), 400, 'VALIDATION_ERROR', 'nickname');
    const mixed = await t.api.patch(url, { status: 'FROZEN', product_id: 'PAYMENT_BASIC', asset_type_id: 'FIAT_TESTNET_EUR' });
    expect([mixed.status, errs(mixed)]).toEqual([
      400,
      [
        { code: 'NOT_UPDATABLE', field: 'product_id' },
        { code: 'NOT_UPDATABLE', field: 'asset_type_id' },
      ],
    ]);
    expect((await getAccount(t.api, id)).status).toBe('OPEN');

    const same = await t.api.patch(url, { asset_type_id: account.asset_type_id });
    expect([same.status, same.body.data]).toEqual([200, account]);
    const echoed = await t.api.patch(url, { ...account, current_balance: 99, created_at: '2000-01-01T00:00:00.000Z', status: 'FROZEN' });
    expect([echoed.status, echoed.body.data.status, echoed.body.data.current_balance], echoed.raw).toEqual([200, 'FROZEN', 0]);
    expect(echoed.body.data.created_at).toBe(account.created_at);
    expect((await historyOf(t.api, url)).map((h) => h.field)).toEqual(['status']);
  });

  it('_L2F statuses belong to the operator; the client reads but cannot update such an account', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const { accountId: id } = await customerWithAccount(t);
    const url = `${DEPOSITS}/${id}`;
    expectError(await t.api.patch(url, { status: 'FROZEN_L2F' }), 403, 'L2F_STATUS_RESERVED', 'status');
    expectError(await t.api.patch(url, { updates: [{ field: 'status', value: 'EDD_L2F' }] }), 403, 'L2F_STATUS_RESERVED', 'status');
    expect((await getAccount(t.api, id)).status).toBe('OPEN');

    const set = await t.operator.patch(url, { updates: [{ field: 'status', value: 'FROZEN_L2F' }], reason: 'sanctions hit' });
    expect([set.status, set.body.data.status], set.raw).toEqual([200, 'FROZEN_L2F']);
    expectError(await t.api.patch(url, { status: 'OPEN' }), 403, 'L2F_STATUS_RESERVED', 'status');
    expectError(await t.api.patch(url, { status: 'FROZEN' }), 403, 'L2F_STATUS_RESERVED', 'status');
    expectError(await t.api.patch(url, { status: 'CLOSED' }), 403, 'L2F_STATUS_RESERVED', 'status');
    expect((await getAccount(t.api, id)).status).toBe('FROZEN_L2F');
    const listed = await t.api.get(`${DEPOSITS}?status=FROZEN_L2F`);
    expect(listed.body.data.accounts.map((a: { id: string }) => a.id)).toEqual([id]);

    const cleared = await t.operator.patch(url, { status: 'FROZEN', reason: 'reviewed' });
    expect([cleared.status, cleared.body.data.status]).toEqual([200, 'FROZEN']);
    expect((await t.api.patch(url, { status: 'OPEN' })).body.data.status).toBe('OPEN');

    const history = await historyOf(t.api, url);
    expect(history.map((h) => [h.before, h.after, h.actor.type, h.reason])).toEqual([
      ['FROZEN', 'OPEN', 'client', null],
      ['FROZEN_L2F', 'FROZEN', 'operator', 'reviewed'],
      ['OPEN', 'FROZEN_L2F', 'operator', 'sanctions hit'],
    ]);
    expect((await eventsOf(app, t.clientId, id)).map(([type]) => type)).toEqual([
      'ACCOUNT_OPEN',
      'ACCOUNT_FROZEN_L2F',
      'ACCOUNT_FROZEN',
      'ACCOUNT_OPEN',
    ]);
  });

  it('the operator follows the base matrix for _L2F targets', async () => {
    const t = await newTenant(await getApp());
    const { accountId: id } = await customerWithAccount(t);
    const url = `${DEPOSITS}/${id}`;
    expect((await t.api.patch(url, { status: 'FROZEN' })).status).toBe(200);
    expectError(await t.operator.patch(url, { status: 'PENDING_L2F' }), 400, 'INVALID_STATUS_TRANSITION', 'status');
    expectError(await t.operator.patch(url, { status: 'DORMANT' }), 400, 'INVALID_STATUS_TRANSITION', 'status');
    const edd = await t.operator.patch(url, { status: 'EDD_L2F' });
    expect([edd.status, edd.body.data.status]).toEqual([200, 'EDD_L2F']);
  });

  it('a CLOSED account is not updatable, not even by the operator', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const { accountId: id, customerId } = await customerWithAccount(t);
    const url = `${DEPOSITS}/${id}`;
    const closed = await t.api.patch(url, { status: 'CLOSED', reason: 'customer request' });
    expect([closed.status, closed.body.data.status]).toEqual([200, 'CLOSED']);
    expectError(await t.api.patch(url, { status: 'OPEN' }), 400, 'NOT_UPDATABLE', 'status');
    expectError(await t.api.patch(url, { status: 'ACTIVE' }), 400, 'NOT_UPDATABLE', 'status');
    expectError(await t.operator.patch(url, { status: 'OPEN' }), 400, 'NOT_UPDATABLE', 'status');
    expectError(await t.api.patch(url, { updates: [{ field: 'status', value: 'CLOSED' }] }), 400, 'NOT_UPDATABLE', 'status');
    expect((await getAccount(t.api, id)).status).toBe('CLOSED');
    expect((await eventsOf(app, t.clientId, id)).map(([type]) => type)).toEqual(['ACCOUNT_OPEN', 'ACCOUNT_CLOSED']);
    expect((await t.api.get(`/v1/customers/${customerId}`)).body.data).toMatchObject({
      status: 'ACTIVE',
      accounts: [{ id, asset_type_id: 'FIAT_TESTNET_USD', status: 'CLOSED' }],
    });
  });

  it('404 for an unknown account', async () => {
    const t = await newTenant(await getApp());
    expectError(await t.api.patch(`${DEPOSITS}/nope`, { status: 'FROZEN' }), 404, 'NOT_FOUND', 'id');
    expectError(await t.api.get(`${DEPOSITS}/nope`), 404, 'NOT_FOUND', 'id');
    expectError(await t.api.get(`${DEPOSITS}/nope/history`), 404, 'NOT_FOUND', 'id');
  });
});
