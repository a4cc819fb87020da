import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getApp, newTenant, operatorApi } from '../helpers.js';
import {
  adjust,
  BTC,
  balances,
  ETH,
  expectError,
  fundedAccount,
  newCustomer,
  ok,
  openAccount,
  transactionEvents,
  USD,
  USDC,
  verifyLedger,
} from './_fixtures.js';

// Boot the worker's app (and its database) outside any test's time budget.
beforeAll(async () => {
  await getApp();
});
afterEach(async () => verifyLedger(await getApp()));

describe('POST /v1/admin/adjustments', () => {
  it('a CREDIT_CORRECTION raises current and available exactly and writes TRANSACTION_POSTED', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const { id } = await fundedAccount(t, USD);
    expect(await balances(t.api, id)).toEqual({ current: '0', available: '0' });
    const res = await adjust(t, id, 125.5);
    expect(res.status, res.raw).toBe(200);
    const data = res.body.data;
    expect(data).toEqual({
      id: expect.stringMatching(/^adj_/),
      status: 'EXECUTED',
      account_id: id,
      transaction_id: expect.stringMatching(/^txn_/),
      transaction_type: 'CREDIT_CORRECTION',
      created_at: expect.any(String),
    });
    expect(await balances(t.api, id)).toEqual({ current: '125.5', available: '125.5' });
    await ok(adjust(t, id, '0.25'));
    expect(await balances(t.api, id)).toEqual({ current: '125.75', available: '125.75' });

    const evts = await transactionEvents(app, t.clientId);
    expect(evts).toHaveLength(2);
    expect(evts[0]).toEqual({
      type: 'TRANSACTION_POSTED',
      resourceId: data.transaction_id,
      data: {
        transaction: { id: data.transaction_id, status: 'POSTED', account_id: id, category_type: 'ADJUSTMENT', category_id: data.id },
      },
    });
    const txn = await ok(t.api.get(`/v1/accounts/deposits/${id}/transactions/${data.transaction_id}`));
    expect([txn.value, txn.transaction_type, txn.category_type, txn.category_id, txn.description]).toEqual([
      125.5,
      'CREDIT_CORRECTION',
      'ADJUSTMENT',
      data.id,
      'test funding',
    ]);
  });

  it('a DEBIT_CORRECTION lowers the balance; beyond available it is INSUFFICIENT_FUNDS and nothing changes', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const { id } = await fundedAccount(t, USD, '10.00');
    await ok(adjust(t, id, '3.01', 'DEBIT_CORRECTION'));
    expect(await balances(t.api, id)).toEqual({ current: '6.99', available: '6.99' });
    expectError(await adjust(t, id, '7.00', 'DEBIT_CORRECTION'), 400, 'INSUFFICIENT_FUNDS');
    expect(await balances(t.api, id)).toEqual({ current: '6.99', available: '6.99' });
    await ok(adjust(t, id, '6.99', 'DEBIT_CORRECTION'));
    expect(await balances(t.api, id)).toEqual({ current: '0', available: '0' });
    expectError(await adjust(t, id, '0.01', 'DEBIT_CORRECTION'), 400, 'INSUFFICIENT_FUNDS');
    const list = await ok(t.api.get(`/v1/accounts/deposits/${id}/transactions`));
    expect(list.transactions.map((x: { value: number }) => x.value)).toEqual([-6.99, -3.01, 10]);
    expect((await transactionEvents(app, t.clientId)).map((e) => e.type)).toEqual(Array(3).fill('TRANSACTION_POSTED'));
  });

  it('refuses more decimals than the asset has (USD 2, BTC 8, USDC 6, ETH 18) with AMOUNT_PRECISION', async () => {
    const t = await newTenant(await getApp());
    const customer = await newCustomer(t);
    const cases: [string, string, string, string][] = [
      [USD, '1.001', '1.01', '1.01'],
      [BTC, '0.000000001', '0.00000001', '0.00000001'],
      [USDC, '0.0000001', '0.000001', '0.000001'],
      [ETH, '0.0000000000000000001', '0.000000000000000001', '0.000000000000000001'],
    ];
    for (const [asset, tooFine, finest, shown] of cases) {
      const id = await openAccount(t, customer, asset);
      expectError(await adjust(t, id, tooFine), 400, 'AMOUNT_PRECISION', 'amount');
      expect((await balances(t.api, id)).current).toBe('0');
      await ok(adjust(t, id, finest));
      expect(await balances(t.api, id)).toEqual({ current: shown, available: shown });
    }
    // Trailing zeros are not extra precision.
    const id = await openAccount(t, customer, USD);
    await ok(adjust(t, id, '2.5000'));
    expect((await balances(t.api, id)).current).toBe('2.5');
  });

  it('refuses zero and negative amounts with AMOUNT_PRECISION, a non-number with VALIDATION_ERROR', async () => {
    const t = await newTenant(await getApp());
    const { id } = await fundedAccount(t, USD, '5');
    for (const amount of [0, '0', '0.00', -1, '-0.01']) expectError(await adjust(t, id, amount), 400, 'AMOUNT_PRECISION', 'amount');
    // Not a number: VALIDATION_ERROR on amount (the validator reports one entry per anyOf branch).
    const nan = await adjust(t, id, 'ten');
    expect(nan.status).toBe(400);
    expect(new Set(nan.body.errors.map((e: { code: string; field: string }) => `${e.code} ${e.field}`))).toEqual(
      new Set(['VALIDATION_ERROR amount']),
    );
    const bad = await t.operator.post('/v1/admin/adjustments', { account_id: id, amount: 1, transaction_type: 'GIFT', reason: 'x' });
    expect(bad.status).toBe(400);
    expect(await balances(t.api, id)).toEqual({ current: '5', available: '5' });
  });

  it('an unknown or foreign account is 404; a CLOSED account NOT_TRANSACTABLE; a FROZEN one is still corrected', async () => {
    const app = await getApp();
    const [t, other] = [await newTenant(app), await newTenant(app)];
    expectError(await adjust(t, 'no-such-account', '1'), 404, 'NOT_FOUND', 'account_id');
    const foreign = await fundedAccount(other, USD);
    expectError(await adjust(t, foreign.id, '1'), 404, 'NOT_FOUND', 'account_id');
    const { id: closed } = await fundedAccount(t, USD);
    await ok(t.api.patch(`/v1/accounts/deposits/${closed}`, { status: 'CLOSED' }));
    expectError(await adjust(t, closed, '1'), 400, 'NOT_TRANSACTABLE', 'account_id');
    const { id: frozen } = await fundedAccount(t, USD);
    await ok(t.api.patch(`/v1/accounts/deposits/${frozen}`, { status: 'FROZEN' }));
    await ok(adjust(t, frozen, '4.2'));
    expect(await balances(t.api, frozen)).toEqual({ current: '4.2', available: '4.2' });
    expect(await transactionEvents(app, other.clientId)).toEqual([]);
  });

  it('needs the admin scope (a tenant token is 403) and x-l2f-client-id; nothing is posted', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const { id } = await fundedAccount(t, USD);
    const res = await t.api.post('/v1/admin/adjustments', {
      account_id: id,
      amount: 5,
      transaction_type: 'CREDIT_CORRECTION',
      reason: 'x',
    });
    expectError(res, 403, 'INSUFFICIENT_SCOPE');
    const op = await operatorApi(app);
    const noTenant = await op.post('/v1/admin/adjustments', {
      account_id: id,
      amount: 5,
      transaction_type: 'CREDIT_CORRECTION',
      reason: 'x',
    });
    expectError(noTenant, 400, 'VALIDATION_ERROR', 'x-l2f-client-id');
    expect(await balances(t.api, id)).toEqual({ current: '0', available: '0' });
    expect(await transactionEvents(app, t.clientId)).toEqual([]);
  });

  it('is idempotent: the same key replays byte for byte and posts once; another body is 422', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const { id } = await fundedAccount(t, USD);
    const body = { account_id: id, amount: 7.77, transaction_type: 'CREDIT_CORRECTION', reason: 'once' };
    const key = { 'x-l2f-idempotency-id': `adj-${id}` };
    const first = await t.operator.post('/v1/admin/adjustments', body, key);
    const again = await t.operator.post('/v1/admin/adjustments', body, key);
    expect(first.status).toBe(200);
    expect([again.status, again.raw, again.headers['x-l2f-idempotent-replay']]).toEqual([200, first.raw, 'true']);
    expectError(await t.operator.post('/v1/admin/adjustments', { ...body, amount: 8 }, key), 422, 'IDEMPOTENCY_KEY_REUSED');
    expect(await balances(t.api, id)).toEqual({ current: '7.77', available: '7.77' });
    expect(await transactionEvents(app, t.clientId)).toHaveLength(1);
  });
});

describe('GET /v1/admin/ledger/verify', () => {
  it('answers the operator (no x-l2f-client-id needed): balanced, every asset sums to 0', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    await fundedAccount(t, USD, '12.34');
    await fundedAccount(t, ETH, '0.5');
    const op = await operatorApi(app);
    const report = await ok(op.get('/v1/admin/ledger/verify'));
    expect(report.balanced).toBe(true);
    expect(report.mismatched_accounts).toEqual([]);
    const assets = report.assets.map((a: { asset_type_id: string }) => a.asset_type_id);
    expect(assets).toEqual(expect.arrayContaining([USD, ETH]));
    expect(report.assets.every((a: { sum: string }) => a.sum === '0')).toBe(true);
    expect((await op.get('/api/v1/admin/ledger/verify')).status).toBe(200);
  });

  it('is refused to a tenant token (403 INSUFFICIENT_SCOPE)', async () => {
    const t = await newTenant(await getApp());
    expectError(await t.api.get('/v1/admin/ledger/verify'), 403, 'INSUFFICIENT_SCOPE');
  });
});
