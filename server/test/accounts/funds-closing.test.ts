import { beforeAll, describe, expect, it } from 'vitest';
import { getApp, individualBody, newTenant } from '../helpers.js';
import {
  adjust,
  createCustomer,
  DEPOSITS,
  eventsOf,
  expectError,
  forceAccountStatus,
  getAccount,
  getCustomer,
  historyOf,
  openAccount,
} from './_fixtures.js';

// The worker's app boots (migrations included) in a hook, not inside the first test's time budget.
beforeAll(() => getApp());

describe('balances and closing', () => {
  it('an account holding funds cannot be closed (NON_ZERO_BALANCE) and stays OPEN', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const c = await createCustomer(t.api, individualBody());
    const a = await openAccount(t.api, c.id, 'FIAT_TESTNET_USD', 'funded');
    const adj = await adjust(t, 'funded', 100.5, 'CREDIT_CORRECTION');
    expect([adj.status, adj.account_id, adj.transaction_type]).toEqual(['EXECUTED', 'funded', 'CREDIT_CORRECTION']);
    const funded = await getAccount(t.api, 'funded');
    expect(funded).toEqual({ ...a, current_balance: 100.5, available_balance: 100.5, updated_at: funded.updated_at });

    const url = `${DEPOSITS}/funded`;
    expectError(await t.api.patch(url, { status: 'CLOSED' }), 400, 'NON_ZERO_BALANCE', 'status');
    expectError(await t.operator.patch(url, { updates: [{ field: 'status', value: 'CLOSED' }] }), 400, 'NON_ZERO_BALANCE', 'status');
    expect((await getAccount(t.api, 'funded')).status).toBe('OPEN');
    expect(await historyOf(t.api, url)).toEqual([]);
    expect((await eventsOf(app, t.clientId, 'funded')).map(([type]) => type)).toEqual(['ACCOUNT_OPEN']);

    // A FROZEN account with funds cannot be closed either.
    expect((await t.api.patch(url, { status: 'FROZEN' })).status).toBe(200);
    expectError(await t.api.patch(url, { status: 'CLOSED' }), 400, 'NON_ZERO_BALANCE', 'status');
    expect((await getAccount(t.api, 'funded')).status).toBe('FROZEN');
  });

  it('closing a customer while an account holds funds changes nothing; emptied, it closes every account at once', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const c = await createCustomer(t.api, individualBody());
    const curl = `/v1/customers/${c.id}`;
    await openAccount(t.api, c.id, 'FIAT_TESTNET_USD', 'k-usd');
    await openAccount(t.api, c.id, 'ETHEREUM_SEPOLIA_ETH', 'k-eth');
    await openAccount(t.api, c.id, 'FIAT_TESTNET_EUR', 'k-eur');
    expect((await t.api.patch(`${DEPOSITS}/k-eur`, { status: 'CLOSED' })).status).toBe(200);
    expect((await t.api.patch(`${DEPOSITS}/k-usd`, { status: 'FROZEN' })).status).toBe(200);
    await adjust(t, 'k-eth', '0.000000000000000001', 'CREDIT_CORRECTION');
    const tiny = await t.api.get(`${DEPOSITS}/k-eth`);
    expect(tiny.raw).toContain('"current_balance":0.000000000000000001,"available_balance":0.000000000000000001');

    const before = await getCustomer(t.api, c.id);
    const accountsBefore = await Promise.all(['k-usd', 'k-eth', 'k-eur'].map((id) => getAccount(t.api, id)));
    expectError(await t.api.patch(curl, { status: 'CLOSED' }), 400, 'NON_ZERO_BALANCE', 'status');
    expectError(await t.api.patch(curl, { updates: [{ field: 'status', value: 'CLOSED' }] }), 400, 'NON_ZERO_BALANCE', 'status');
    expectError(await t.operator.patch(curl, { status: 'CLOSED' }), 400, 'NON_ZERO_BALANCE', 'status');
    expect(await getCustomer(t.api, c.id)).toEqual(before);
    expect(await Promise.all(['k-usd', 'k-eth', 'k-eur'].map((id) => getAccount(t.api, id)))).toEqual(accountsBefore);
    expect(await historyOf(t.api, curl)).toEqual([]);
    expect(await historyOf(t.api, `${DEPOSITS}/k-usd`)).toHaveLength(1);
    expect(await historyOf(t.api, `${DEPOSITS}/k-eth`)).toEqual([]);
    expect((await eventsOf(app, t.clientId, c.id)).map(([type]) => type)).toEqual(['CUSTOMER_ACTIVE']);

    await adjust(t, 'k-eth', '0.000000000000000001', 'DEBIT_CORRECTION');
    expect((await getAccount(t.api, 'k-eth')).current_balance).toBe(0);
    const closed = await t.api.patch(curl, { status: 'CLOSED', reason: 'offboarded' });
    expect(closed.status, closed.raw).toBe(200);
    expect([closed.body.data.status, closed.body.data.accounts]).toEqual([
      'CLOSED',
      [
        { id: 'k-usd', asset_type_id: 'FIAT_TESTNET_USD', status: 'CLOSED' },
        { id: 'k-eth', asset_type_id: 'ETHEREUM_SEPOLIA_ETH', status: 'CLOSED' },
        { id: 'k-eur', asset_type_id: 'FIAT_TESTNET_EUR', status: 'CLOSED' },
      ],
    ]);
    for (const [id, from] of [
      ['k-usd', 'FROZEN'],
      ['k-eth', 'OPEN'],
    ] as const) {
      expect((await getAccount(t.api, id)).status).toBe('CLOSED');
      expect((await historyOf(t.api, `${DEPOSITS}/${id}`))[0]).toMatchObject({
        field: 'status',
        before: from,
        after: 'CLOSED',
        reason: 'customer closed',
        actor: { type: 'client', client_id: t.clientId },
      });
      expect((await eventsOf(app, t.clientId, id)).at(-1)).toEqual(['ACCOUNT_CLOSED', { account: { id, status: 'CLOSED' } }]);
    }
    // The account already CLOSED is left alone.
    expect((await eventsOf(app, t.clientId, 'k-eur')).map(([type]) => type)).toEqual(['ACCOUNT_OPEN', 'ACCOUNT_CLOSED']);
    expect(await historyOf(t.api, `${DEPOSITS}/k-eur`)).toHaveLength(1);
    expect((await eventsOf(app, t.clientId, c.id)).map(([type]) => type)).toEqual(['CUSTOMER_ACTIVE', 'CUSTOMER_CLOSED']);

    // Neither the account nor the customer can be reopened.
    expectError(await t.api.patch(`${DEPOSITS}/k-eth`, { status: 'OPEN' }), 400, 'NOT_UPDATABLE', 'status');
    expectError(await t.operator.patch(`${DEPOSITS}/k-usd`, { status: 'ACTIVE' }), 400, 'NOT_UPDATABLE', 'status');
    expectError(await t.api.patch(curl, { status: 'ACTIVE' }), 400, 'NOT_UPDATABLE', 'status');
    expectError(
      await t.api.post(DEPOSITS, {
        customer_id: c.id,
        account_to_open: { account_id: 'k-new', product_id: 'DEPOSIT_BASIC', asset_type_id: 'FIAT_TESTNET_USD' },
      }),
      400,
      'NOT_TRANSACTABLE',
      'customer_id',
    );
    const adj = await t.operator.post('/v1/admin/adjustments', {
      account_id: 'k-eth',
      amount: 1,
      transaction_type: 'CREDIT_CORRECTION',
      reason: 'late',
    });
    expectError(adj, 400, 'NOT_TRANSACTABLE', 'account_id');
  });

  it('an account of a CLOSED customer cannot change status even if it were left open', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const c = await createCustomer(t.api, individualBody());
    await openAccount(t.api, c.id, 'FIAT_TESTNET_USD', 'left-open');
    expect((await t.api.patch(`/v1/customers/${c.id}`, { status: 'CLOSED' })).status).toBe(200);
    await forceAccountStatus(app, t.clientId, 'left-open', 'FROZEN');
    expectError(await t.api.patch(`${DEPOSITS}/left-open`, { status: 'OPEN' }), 400, 'NOT_UPDATABLE', 'status');
    expectError(await t.operator.patch(`${DEPOSITS}/left-open`, { status: 'EDD' }), 400, 'NOT_UPDATABLE', 'status');
    expect((await getAccount(t.api, 'left-open')).status).toBe('FROZEN');
    const close = await t.api.patch(`${DEPOSITS}/left-open`, { status: 'CLOSED' });
    expect([close.status, close.body.data.status]).toEqual([200, 'CLOSED']);
  });

  it('an account held by the operator (_L2F) stops the client from closing its customer; the operator may', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const c = await createCustomer(t.api, individualBody());
    await openAccount(t.api, c.id, 'FIAT_TESTNET_USD', 'held');
    await openAccount(t.api, c.id, 'FIAT_TESTNET_EUR', 'free');
    expect((await t.operator.patch(`${DEPOSITS}/held`, { status: 'FROZEN_L2F' })).status).toBe(200);
    expectError(await t.api.patch(`/v1/customers/${c.id}`, { status: 'CLOSED' }), 403, 'L2F_STATUS_RESERVED', 'status');
    expect((await getCustomer(t.api, c.id)).status).toBe('ACTIVE');
    expect([(await getAccount(t.api, 'held')).status, (await getAccount(t.api, 'free')).status]).toEqual(['FROZEN_L2F', 'OPEN']);
    expect(await historyOf(t.api, `${DEPOSITS}/free`)).toEqual([]);

    const op = await t.operator.patch(`/v1/customers/${c.id}`, { status: 'CLOSED' });
    expect([op.status, op.body.data.accounts.map((a: { status: string }) => a.status)], op.raw).toEqual([200, ['CLOSED', 'CLOSED']]);
    expect((await historyOf(t.api, `${DEPOSITS}/held`))[0]).toMatchObject({
      before: 'FROZEN_L2F',
      after: 'CLOSED',
      reason: 'customer closed',
      actor: { type: 'operator' },
    });
  });
});
